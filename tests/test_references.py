"""Reference verdicts judged once and reused by later runs and shards, never in place of a
verdict that could differ: another key, a corrupt or foreign file, a reference that did not pass."""

from __future__ import annotations

import json

from torch_dojo import grading
from torch_dojo.grading import References, Submission
from torch_dojo.grading.references import ENV_VAR, cache_folder
from torch_dojo.verdict import Status

from test_grade import RIGHT, FakeCheck, make


def run(tmp_path, pack, references, check=None):
    check = check or FakeCheck()
    student = Submission("alice", make(tmp_path / "subs" / "alice", RIGHT))
    grades = grading.grade(pack, [student], checks=[check], references=references)
    return check, grades


def references_judged(check: FakeCheck) -> list[str]:
    return [call for call in check.calls if call.startswith("solutions/")]


def test_a_second_run_reuses_the_references_and_marks_the_same(tmp_path, mini_pack):
    first, graded = run(tmp_path, mini_pack, References(tmp_path / "cache"))
    second, again = run(tmp_path, mini_pack, References(tmp_path / "cache"))
    assert references_judged(first) == ["solutions/add", "solutions/greet"] and references_judged(second) == []
    assert again.references_reused == 2 and graded.references_reused == 0
    assert again.expected == graded.expected
    assert {k: (m.status, m.earned, m.possible) for k, m in again.marks.items()} == \
        {k: (m.status, m.earned, m.possible) for k, m in graded.marks.items()}
    assert second.students == first.students  # the students are judged every time


def test_another_machine_or_confinement_or_fresh_judges_them_again(tmp_path, mini_pack):
    run(tmp_path, mini_pack, References(tmp_path / "cache", machine={"confinement": ["auto", True, 7]}))
    for other in (References(tmp_path / "cache", machine={"confinement": ["off", False, 0]}),
                  References(tmp_path / "cache", machine={"confinement": ["auto", True, 7]}, fresh=True)):
        check, _ = run(tmp_path, mini_pack, other)
        assert len(references_judged(check)) == 2


def test_a_changed_check_judges_its_reference_again(tmp_path, mini_pack):
    import shutil

    from torch_dojo.pack import load_pack

    shutil.copytree(mini_pack.root, tmp_path / "pack")
    pack = load_pack(tmp_path / "pack")
    run(tmp_path, pack, References(tmp_path / "cache"))
    (pack.root / "checks" / "01_add.py").write_text("def test_other(learner):\n    pass\n", encoding="utf-8")
    check, _ = run(tmp_path, pack, References(tmp_path / "cache"))
    assert references_judged(check) == ["solutions/add"]


def test_a_corrupt_partial_or_foreign_cache_file_is_ignored_and_rewritten(tmp_path, mini_pack):
    cache = References(tmp_path / "cache")
    run(tmp_path, mini_pack, cache)
    add, greet = (cache.folder / f"{cache.key(e)}.json" for e in mini_pack.exercises)
    add.write_text(add.read_text()[:40], encoding="utf-8")  # cut short
    forged = json.loads(greet.read_text())
    forged["key"] = "0" * 64  # a file copied over from another key
    greet.write_text(json.dumps(forged), encoding="utf-8")
    check, grades = run(tmp_path, mini_pack, References(tmp_path / "cache"))
    assert references_judged(check) == ["solutions/add", "solutions/greet"] and grades.references_reused == 0
    assert json.loads(add.read_text())["verdict"]["status"] == "passed"  # written whole again
    assert not [p for p in cache.folder.iterdir() if p.name.endswith(".tmp")]


def test_a_reference_that_did_not_pass_is_not_kept(tmp_path, mini_pack):
    class Failing(FakeCheck):
        def __call__(self, exercise, file):
            verdict = super().__call__(exercise, file)
            return verdict.__class__(exercise.id, exercise.slug, exercise.title, Status.FAILED)

    run(tmp_path, mini_pack, References(tmp_path / "cache"), Failing())
    check, _ = run(tmp_path, mini_pack, References(tmp_path / "cache"))
    assert len(references_judged(check)) == 2


def test_a_cache_that_cannot_be_written_costs_time_not_a_mark(tmp_path, mini_pack):
    (tmp_path / "file").write_text("")
    check, grades = run(tmp_path, mini_pack, References(tmp_path / "file" / "cache"))
    assert len(references_judged(check)) == 2 and all(m.status == "passed" for m in grades.marks.values())


def test_the_cache_folder_is_the_users_unless_the_variable_names_one(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert cache_folder() == tmp_path / "references"
    monkeypatch.delenv(ENV_VAR)
    assert "torch-dojo" in str(cache_folder())


def test_grade_reuses_the_references_of_its_last_run_and_fresh_judges_them_again(tmp_path, dojo):
    from conftest import MINI

    make(tmp_path / "subs" / "alice", RIGHT)
    env = {"TORCH_DOJO_CACHE_DIR": str(tmp_path / "cache"), "TORCH_DOJO_WARM": "0"}  # torch-free checks: cold is cheap
    args = ["grade", "subs", "--pack", str(MINI), "--out", str(tmp_path / "grades.csv")]
    first = dojo(*args, env=env)
    assert first.returncode == 0, first.stderr
    assert "reference verdicts reused" not in first.stdout
    (tmp_path / "grades.csv.journal").unlink()  # every student judged again, the references not
    again = dojo(*args, env=env)
    assert again.returncode == 0 and "(2 reference verdicts reused from" in again.stdout, again.stdout
    assert again.stdout.split("Written")[0] == first.stdout.split("Written")[0]  # the same table
    fresh = dojo(*args, "--fresh", env=env)
    assert fresh.returncode == 0 and "reference verdicts reused" not in fresh.stdout
