"""`pack new`: a pack that verifies as created, under a good name, never over a folder."""

from __future__ import annotations

import json

import pytest

from torch_dojo import mistakes
from torch_dojo.pack import load_pack
from torch_dojo.scaffold import ScaffoldError, new_pack


def test_a_new_pack_verifies_as_created(dojo, tmp_path):
    made = dojo("pack", "new", "week1")
    assert made.returncode == 0, made.stderr
    assert "torch-dojo pack verify" in made.stdout
    verified = dojo("pack", "verify", str(tmp_path / "week1"))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1 of 1 exercises verified" in verified.stdout
    assert "2 of 2 mistake files proved" in verified.stdout, verified.stdout
    assert "note:" not in verified.stdout, "the scaffold follows its own rules: no code in a first hint"


def test_a_new_pack_has_a_right_and_a_wrong_mistake_file_that_verify_proves(dojo, tmp_path):
    root = new_pack("week2", tmp_path)
    found = mistakes.find(load_pack(root))
    files = found.by_exercise["01"]
    assert found.strays == [] and {mistakes.read(f).passes for f in files} == {True, False}
    verified = dojo("pack", "verify", str(root), "--json")
    doc = json.loads(verified.stdout)
    assert verified.returncode == 0 and doc["mistakes"] == {"run": 2, "proved": 2, "skipped": 0, "problem": 0}
    assert {m["file"]: m["expects"] for m in doc["exercises"][0]["mistakes"]} == {
        "mistakes/01_squares/mistake_int64.py": "mistake", "mistakes/01_squares/ok_from_a_list.py": "right"}
    assert "mistakes/01_x/" in (root / "README.md").read_text()


def test_the_new_pack_has_everything_an_author_starts_from(tmp_path):
    root = new_pack("ml_course", tmp_path / "courses" / "2026")
    assert root == tmp_path / "courses" / "2026" / "ml_course"
    pack = load_pack(root)
    assert pack.name == "ml_course" and pack.title == "Ml course"
    exercise = pack.exercises[0]
    assert exercise.starter.is_file() and exercise.checks.is_file() and exercise.solution.is_file()
    assert len(exercise.hints) >= 2
    readme = (root / "README.md").read_text()
    assert "torch-dojo --pack path/to/ml_course" in readme and "torch-dojo pack verify ml_course" in readme
    assert [p.name for p in root.parent.iterdir()] == ["ml_course"], "no half-built folder is left behind"


@pytest.mark.parametrize("name, suggestion", [("My-Pack", "my_pack"), ("2026 course", "pack_2026_course"),
                                              ("week 1", "week_1")])
def test_a_bad_name_is_refused_with_a_better_one(tmp_path, name, suggestion):
    with pytest.raises(ScaffoldError, match=f"Try '{suggestion}'"):
        new_pack(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_written_over(dojo, tmp_path):
    (tmp_path / "week1").mkdir()
    (tmp_path / "week1" / "mine.txt").write_text("keep me")
    run = dojo("pack", "new", "week1", "--dir", str(tmp_path))
    assert run.returncode == 2
    assert "exists already" in run.stderr and "--dir" in run.stderr
    assert [p.name for p in (tmp_path / "week1").iterdir()] == ["mine.txt"]
