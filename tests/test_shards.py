"""A class graded in shards: the parts, the shard's document, and the merge that gives the
table of one unsharded run, or refuses with what is wrong."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import MINI, copy_of_mini

from torch_dojo import cli, grading
from torch_dojo.grading import shards
from torch_dojo.grading.marks import Submission
from torch_dojo.pack import load_pack
from torch_dojo.verdict import CheckResult, Status, Verdict

RIGHT = {"01_add.py": "def add(a, b):\n    return a + b\n",
         "02_greet.py": "def greet(name):\n    return f'Hello, {name}!'\n"}
CLASS = {"ana": RIGHT, "ben": {"01_add.py": RIGHT["01_add.py"], "02_greet.py": "def greet(name):\n    pass\n"},
         "cy": {"01_add.py": "def add(a, b):\n    pass\n"}, "dee": RIGHT, "=eve": {"02_greet.py": RIGHT["02_greet.py"]}}


class FakeRunner:
    """Stands in for the warm runner: passes a file that returns something; Ctrl-C after
    ``interrupt_after`` checks, as a person (or a scheduler stopping a pod) would."""

    interrupt_after: int | None = None
    calls = 0

    def start(self) -> None:
        pass

    def preloaded(self, timeout: float = 60.0) -> bool:
        return True

    def check(self, exercise, file, judged=False, confinement=None) -> Verdict:
        FakeRunner.calls += 1
        if self.interrupt_after is not None and FakeRunner.calls > self.interrupt_after:
            raise KeyboardInterrupt
        passed = "return" in Path(file).read_text()
        status = Status.PASSED if passed else Status.FAILED
        check = CheckResult("it works", status, "" if passed else "gave None")
        return Verdict(exercise.id, exercise.slug, exercise.title, status, checks=(check,))

    def close(self) -> None:
        pass


@pytest.fixture
def fake_runner(monkeypatch):
    from torch_dojo.runner import warm

    monkeypatch.setattr(warm, "WarmRunner", FakeRunner)
    monkeypatch.setattr(FakeRunner, "calls", 0)
    monkeypatch.setattr(FakeRunner, "interrupt_after", None)
    return FakeRunner


@pytest.fixture
def klass(tmp_path) -> Path:
    for student, files in CLASS.items():
        for name, text in files.items():
            path = tmp_path / "class" / student / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return tmp_path / "class"


def grade(*args: str, pack: Path = MINI) -> int:
    return cli.main(["grade", *args, "--pack", str(pack), "--jobs", "1"])


def shard_files(klass: Path, count: int = 3, pack: Path = MINI, name: str = "shard") -> list[Path]:
    files = [klass.parent / f"{name}-{i}.json" for i in range(1, count + 1)]
    for i, file in enumerate(files, start=1):
        assert grade(str(klass), "--shard", f"{i}/{count}", "--out", str(file), pack=pack) == 0
    return files


def read(path: Path) -> dict:
    return json.loads(path.read_text())


# The parts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, index, count", [("1/3", 1, 3), ("3/3", 3, 3), (" 2 / 5 ", 2, 5), ("1/1", 1, 1)])
def test_a_shard_is_its_number_of_how_many(text, index, count):
    assert shards.parse_spec(text) == shards.ShardSpec(index, count)


@pytest.mark.parametrize("text, says", [("0/3", "numbered 1 to 3"), ("4/3", "numbered 1 to 3"), ("x", "is not I/N"),
                                        ("1/0", "at least one shard"), ("-1/3", "is not I/N"), ("2", "is not I/N")])
def test_a_bad_shard_is_refused_with_exit_2_and_what_to_give(klass, fake_runner, capsys, text, says):
    with pytest.raises(SystemExit) as stopped:
        grade(str(klass), f"--shard={text}", "--out", str(klass.parent / "s.json"))
    assert stopped.value.code == 2 and says in capsys.readouterr().err


@pytest.mark.parametrize("out", [[], ["--out", "grades.csv"]])
def test_a_shard_needs_a_json_file_to_write_its_document(klass, fake_runner, capsys, monkeypatch, out):
    monkeypatch.chdir(klass.parent)
    assert grade(str(klass), "--shard", "1/2", *out) == 2
    assert "give --out shard-1.json" in capsys.readouterr().err and FakeRunner.calls == 0


def test_the_parts_are_balanced_and_the_same_whatever_order_the_folders_come_in():
    names = [f"s{n:03}" for n in range(10)]
    students = [Submission(n, Path(n)) for n in names]
    parts = [[s.student for s in shards.part(students, shards.ShardSpec(i, 3))] for i in (1, 2, 3)]
    assert sorted(sum(parts, [])) == names  # every student once
    assert [len(p) for p in parts] == [4, 3, 3]
    random.Random(7).shuffle(students)
    assert [[s.student for s in shards.part(students, shards.ShardSpec(i, 3))] for i in (1, 2, 3)] == parts


def test_more_shards_than_students_gives_an_empty_shard_that_says_so(klass, fake_runner, capsys):
    out = klass.parent / "shard-6.json"
    assert grade(str(klass), "--shard", "6/6", "--out", str(out)) == 0
    document = read(out)
    assert document["students"] == [] and document["complete"] is True and document["roster"]["students"] == 5
    assert "an empty shard" in capsys.readouterr().err and FakeRunner.calls == 0


def test_the_shard_document_says_which_shard_who_and_the_pack(klass, fake_runner):
    document = read(shard_files(klass, 2)[1])
    assert document["schema"] == "torch-dojo/grade-shard@1" and document["shard"] == {"index": 2, "count": 2}
    assert [s["student"] for s in document["students"]] == ["ana", "cy"]  # sorted: =eve ana ben cy dee
    assert document["complete"] is True and len(document["marks"]) == 4
    assert document["pack"]["fingerprint"] == shards.pack_fingerprint(load_pack(MINI))


@pytest.mark.parametrize("change", ["checks/01_add.py", "solutions/02_greet.py", "pack.toml", "checks/helpers.py"])
def test_the_pack_fingerprint_changes_with_its_checks_solutions_and_manifest(tmp_path, change):
    pack = copy_of_mini(tmp_path / "pack")
    before = shards.pack_fingerprint(load_pack(pack))
    with open(pack / change, "a") as file:
        file.write("\n# changed\n")
    assert shards.pack_fingerprint(load_pack(pack)) != before


def test_the_pack_fingerprint_changes_with_torch_dojos_version(monkeypatch):
    before = shards.pack_fingerprint(load_pack(MINI))
    monkeypatch.setattr(shards, "__version__", "99.0")
    assert shards.pack_fingerprint(load_pack(MINI)) != before


# The merge ---------------------------------------------------------------------------------

def test_three_shards_merged_write_exactly_what_one_run_writes(klass, fake_runner):
    files = shard_files(klass, 3)
    whole_csv, whole_json = klass.parent / "whole.csv", klass.parent / "whole.json"
    assert grade(str(klass), "--out", str(whole_csv)) == 0 and grade(str(klass), "--out", str(whole_json)) == 0
    merged_csv, merged_json = klass.parent / "merged.csv", klass.parent / "merged.json"
    assert grade("--merge", *map(str, reversed(files)), "--out", str(merged_csv)) == 0
    assert grade("--merge", *map(str, files), "--out", str(merged_json)) == 0
    assert merged_csv.read_text() == whole_csv.read_text()
    assert len(merged_csv.read_text().splitlines()) == len(CLASS) + 2  # header, students, summary
    assert comparable(read(merged_json)) == comparable(read(whole_json))


def comparable(document: dict) -> dict:
    """A grade document less when it was written and the output files its run closed to learner code."""
    document = dict(document, graded_at=None)
    document["confinement"] = dict(document["confinement"], closed=None)
    return document


def test_the_merge_needs_no_submissions_and_refuses_them(klass, fake_runner, capsys):
    files = shard_files(klass, 2)
    assert grade(str(klass), "--merge", *map(str, files)) == 2
    assert "--merge takes the shards' files only" in capsys.readouterr().err


def refused(capsys, *files: Path | str, pack: Path = MINI) -> str:
    capsys.readouterr()
    assert grade("--merge", *map(str, files), "--out", str(Path(files[0]).parent / "m.csv"), pack=pack) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and not (Path(files[0]).parent / "m.csv").exists()
    return err


def test_a_missing_shard_is_named(klass, fake_runner, capsys):
    files = shard_files(klass, 3)
    assert "shard 2/3 is missing" in refused(capsys, files[0], files[2])


def test_a_shard_given_twice_is_refused(klass, fake_runner, capsys):
    files = shard_files(klass, 2)
    assert f"{files[0]} is given twice" in refused(capsys, *files, files[0])
    copy = files[0].with_name("copy.json")
    copy.write_text(files[0].read_text())
    assert "shard 1/2 is given twice" in refused(capsys, *files, copy)


def test_a_student_in_two_shards_is_refused(klass, fake_runner, capsys):
    files = shard_files(klass, 2)
    second = read(files[1])
    second["students"].append(read(files[0])["students"][0])
    files[1].write_text(json.dumps(second))
    assert "student =eve is in" in refused(capsys, *files)


def test_shards_of_different_packs_are_refused(klass, fake_runner, capsys, tmp_path):
    other = copy_of_mini(tmp_path / "other")
    (other / "checks" / "01_add.py").write_text((MINI / "checks" / "01_add.py").read_text() + "\n# stricter\n")
    first = shard_files(klass, 2)[0]
    second = klass.parent / "other-2.json"
    assert grade(str(klass), "--shard", "2/2", "--out", str(second), pack=other) == 0
    assert "were graded with different packs" in refused(capsys, first, second)


def test_shards_graded_with_another_pack_than_the_one_here_are_refused(klass, fake_runner, capsys, tmp_path):
    other = copy_of_mini(tmp_path / "other")
    (other / "pack.toml").write_text((other / "pack.toml").read_text() + "\n# edited\n")
    assert "graded with another pack" in refused(capsys, *shard_files(klass, 2), pack=other)


def test_shards_of_different_torch_dojo_versions_are_refused(klass, fake_runner, capsys):
    files = shard_files(klass, 2)
    second = read(files[1])
    second["torch_dojo"] = "0.0.1"
    files[1].write_text(json.dumps(second))
    assert "graded with torch-dojo" in refused(capsys, *files)


def test_shards_of_different_splits_or_classes_are_refused(klass, fake_runner, capsys):
    two, three = shard_files(klass, 2, name="two"), shard_files(klass, 3, name="three")
    assert "parts of different splits" in refused(capsys, two[0], three[1])
    (klass / "zed").mkdir()
    late = klass.parent / "late.json"
    assert grade(str(klass), "--shard", "2/2", "--out", str(late)) == 0
    assert "split different classes" in refused(capsys, two[0], late)


def test_an_interrupted_shard_is_incomplete_and_refused_until_run_again(klass, fake_runner, capsys):
    first = shard_files(klass, 2)[0]
    second = klass.parent / "shard-2.json"
    second.unlink()
    FakeRunner.interrupt_after = FakeRunner.calls + 3  # references, then one mark
    assert grade(str(klass), "--shard", "2/2", "--out", str(second), "--fresh") == 130
    assert read(second)["complete"] is False
    assert "shard 2/2) is incomplete" in refused(capsys, first, second)
    FakeRunner.interrupt_after = None
    assert grade(str(klass), "--shard", "2/2", "--out", str(second)) == 0  # goes on from its journal
    assert grade("--merge", str(first), str(second)) == 0


@pytest.mark.parametrize("text, says", [("{not json", "is not JSON"), ("[1, 2]", "not a shard's document"),
                                        ('{"schema": "torch-dojo/grade@1"}', "is a torch-dojo/grade@1 document"),
                                        ('{"schema": "torch-dojo/grade-shard@1"}', "fields missing")])
def test_a_file_that_is_not_a_shard_is_refused(klass, fake_runner, capsys, text, says):
    files = shard_files(klass, 2)
    files[1].write_text(text)
    assert says in refused(capsys, *files)


def test_a_shard_file_that_is_not_there_is_refused(klass, fake_runner, capsys):
    files = shard_files(klass, 2)
    assert "there is no file" in refused(capsys, files[0], klass.parent / "nowhere.json")


def test_a_broken_reference_on_one_shards_machine_makes_the_merge_no_grade(klass, fake_runner, capsys):
    files = shard_files(klass, 2)
    second = read(files[1])
    second["references"]["greet"]["status"] = "failed"
    files[1].write_text(json.dumps(second))
    assert grade("--merge", *map(str, files)) == 1
    err = capsys.readouterr().err
    assert "the reference solution of 02 greet does not pass" in err and "not a grade yet" in err


def test_the_merged_grades_are_the_grades_object_of_one_run(klass, fake_runner):
    files = shard_files(klass, 3)
    merged = shards.merge(load_pack(MINI), [shards.read(f) for f in files])
    assert [s.student for s in merged.students] == sorted(CLASS) and merged.complete
    assert grading.doubts(merged).is_grade
