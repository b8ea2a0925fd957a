"""Grading: students found, files located, marks journaled and resumed, tables written, and a
real run over good, wrong, broken, hostile and half-finished submissions."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import pytest

from torch_dojo import grading
from torch_dojo.grading import GradeError, Journal, Submission, find_submissions, locate
from torch_dojo.verdict import CheckResult, Status, Verdict

RIGHT = {"01_add.py": "def add(a, b):\n    return a + b\n",
         "02_greet.py": "def greet(name):\n    return f'Hello, {name}!'\n"}


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


class FakeCheck:
    """A check that passes files containing 'return', counts its calls, and can be told to
    stop the run (as Ctrl-C would) after some calls."""

    def __init__(self, interrupt_after: int | None = None, crash_on: str = ""):
        self.calls: list[str] = []
        self.interrupt_after, self.crash_on = interrupt_after, crash_on

    @property
    def students(self) -> list[str]:
        return [call for call in self.calls if not call.startswith("solutions/")]

    def __call__(self, exercise, file: Path) -> Verdict:
        if self.interrupt_after is not None and len(self.calls) >= self.interrupt_after:
            raise KeyboardInterrupt
        self.calls.append(f"{file.parent.name}/{exercise.slug}")
        if self.crash_on and self.crash_on in str(file):
            raise OSError("worker vanished")
        passed = "return" in file.read_text()
        status = Status.PASSED if passed else Status.FAILED
        check = CheckResult("it works", status, "" if passed else "add(1, 2) gave None, expected 3")
        return Verdict(exercise.id, exercise.slug, exercise.title, status, checks=(check,))


# Finding students and files --------------------------------------------------------------

def test_each_subfolder_is_a_student_hidden_ones_and_files_are_not(tmp_path):
    for name in ("bob", "alice", ".git"):
        (tmp_path / name).mkdir()
    (tmp_path / "notes.txt").write_text("x")
    assert [s.student for s in find_submissions(tmp_path)] == ["alice", "bob"]


@pytest.mark.parametrize("setup, says", [
    (lambda p: p / "nowhere", "no folder at"),
    (lambda p: make(p, {"f.txt": ""}) / "f.txt", "is a file"),
    (lambda p: p, "no student folders"),
    (lambda p: make(p, {"01_add.py": ""}), "put each student's files in a folder of their own"),
])
def test_a_folder_without_students_is_refused_with_what_to_do(tmp_path, setup, says):
    with pytest.raises(GradeError, match=says):
        find_submissions(setup(tmp_path))


@pytest.mark.parametrize("files, found", [
    ({"01_add.py": ""}, "01_add.py"),
    ({"torch-dojo/01_add.py": ""}, "torch-dojo/01_add.py"),
    ({"mini/01_add.py": ""}, "mini/01_add.py"),
    ({"home/work/week1/01_add.py": ""}, "home/work/week1/01_add.py"),
    ({"03_add.py": ""}, "03_add.py"),  # renumbered since
    ({"a/01_add.py": "", "b/01_add.py": ""}, None),  # two: not ours to choose
    ({".git/01_add.py": ""}, None),
    ({"02_greet.py": ""}, None),
])
def test_a_students_file_is_found_where_students_put_it(tmp_path, mini_pack, files, found):
    student = Submission("alice", make(tmp_path / "alice", files))
    got = locate(student, mini_pack.find("add"), mini_pack)
    assert (str(got.relative_to(student.root)) if got else None) == found


def test_a_student_with_two_candidate_files_is_told_both_and_what_to_do(tmp_path, mini_pack):
    make(tmp_path / "subs" / "ana", {"draft/01_add.py": "", "final/01_add.py": RIGHT["01_add.py"],
                                     "02_greet.py": RIGHT["02_greet.py"]})
    check = FakeCheck()
    grades = grading.grade(mini_pack, find_submissions(tmp_path / "subs"), checks=[check])
    mark = grades.marks[("ana", "add")]
    assert mark.status == "missing" and mark.candidates == ["draft/01_add.py", "final/01_add.py"]
    assert "2 files could be 01_add.py (draft/01_add.py, final/01_add.py)" in mark.message
    assert "keep the one to grade" in mark.message
    assert "ana/add" not in check.students and grades.marks[("ana", "greet")].status == "passed"
    assert grades.marks[("ana", "greet")].candidates == []


# Grading, resuming ----------------------------------------------------------------------

def students(tmp_path: Path) -> list[Submission]:
    make(tmp_path / "subs" / "ana", RIGHT)
    make(tmp_path / "subs" / "ben", {"01_add.py": "def add(a, b):\n    pass\n", "02_greet.py": RIGHT["02_greet.py"]})
    make(tmp_path / "subs" / "cy", {"torch-dojo/01_add.py": RIGHT["01_add.py"]})  # greet missing
    return find_submissions(tmp_path / "subs")


def test_every_student_gets_a_mark_for_every_exercise(tmp_path, mini_pack):
    check = FakeCheck()
    grades = grading.grade(mini_pack, students(tmp_path), checks=[check])
    table = {(s, slug): (m.status, m.earned) for (s, slug), m in grades.marks.items()}
    assert table == {("ana", "add"): ("passed", 1), ("ana", "greet"): ("passed", 1),
                     ("ben", "add"): ("failed", 0), ("ben", "greet"): ("passed", 1),
                     ("cy", "add"): ("passed", 1), ("cy", "greet"): ("missing", 0)}
    assert grades.total("ben") == (1, 2) and grades.complete
    assert len(check.students) == 5  # a missing file is never "checked"
    assert len(check.calls) == 7  # and each reference solution once
    assert "add(1, 2) gave None" in grades.marks[("ben", "add")].message


def test_a_fault_of_the_grader_is_an_error_mark_and_the_run_goes_on(tmp_path, mini_pack):
    grades = grading.grade(mini_pack, students(tmp_path), checks=[FakeCheck(crash_on="ben")])
    mark = grades.marks[("ben", "add")]
    assert mark.status == "error" and "the grader could not check this file" in mark.message
    assert mark.fingerprint == ""  # not journaled as final: judged again next time
    assert grades.marks[("cy", "add")].status == "passed"


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path, mini_pack):
    journal = Journal(tmp_path / "grades.csv.journal")
    with pytest.raises(KeyboardInterrupt):
        grading.grade(mini_pack, students(tmp_path), checks=[FakeCheck(interrupt_after=5)], journal=journal)
    assert len(journal.path.read_text().splitlines()) == 3
    again = FakeCheck()
    grades = grading.grade(mini_pack, students(tmp_path), checks=[again], journal=journal)
    assert grades.complete and grades.reused == 3 and len(again.students) == 2


def test_an_interrupt_once_every_mark_is_known_still_returns_the_grades(tmp_path, mini_pack):
    pupils = students(tmp_path)
    seen = []

    def on_mark(mark, reused):
        seen.append(mark.key)
        if len(seen) == len(pupils) * len(mini_pack.exercises):  # Ctrl-C just after the last mark
            raise KeyboardInterrupt

    grades = grading.grade(mini_pack, pupils, checks=[FakeCheck()], on_mark=on_mark)
    assert grades.complete and len(grades.marks) == 6


def test_a_resubmitted_file_is_judged_again_and_only_that_one(tmp_path, mini_pack):
    journal, everyone = Journal(tmp_path / "grades.json.journal"), students(tmp_path)
    grading.grade(mini_pack, everyone, checks=[FakeCheck()], journal=journal)
    (tmp_path / "subs" / "ben" / "01_add.py").write_text(RIGHT["01_add.py"])
    again = FakeCheck()
    grades = grading.grade(mini_pack, everyone, checks=[again], journal=journal)
    assert again.students == ["ben/add"]
    assert grades.marks[("ben", "add")].status == "passed"


def test_a_journal_line_cut_short_by_a_crash_is_skipped(tmp_path, mini_pack):
    journal = Journal(tmp_path / "g.csv.journal")
    grading.grade(mini_pack, students(tmp_path), checks=[FakeCheck()], journal=journal)
    text = journal.path.read_text()
    journal.path.write_text(text[: len(text) - 20])  # the last mark half-written
    again = FakeCheck()
    grading.grade(mini_pack, students(tmp_path), checks=[again], journal=journal)
    assert len(again.students) == 1


def test_several_checks_run_at_once(tmp_path, mini_pack):
    first, second = FakeCheck(), FakeCheck()
    grades = grading.grade(mini_pack, students(tmp_path), checks=[first, second])
    assert grades.complete and len(first.students) + len(second.students) == 5


def test_every_student_is_scored_out_of_what_the_reference_shows(tmp_path, mini_pack):
    """Per-check points: a file that never reached its checks (a syntax error) is scored out
    of the same total as one that passed half of them, the reference's."""
    def check(exercise, file):
        text = file.read_text()
        if "def add(a, b)\n" in text:  # a syntax error: no check ran
            return Verdict(exercise.id, exercise.slug, exercise.title, Status.ERROR, "SyntaxError")
        worth = [("ints", 2.0), ("floats", 1.0), ("names", None)]
        right = "return" in text and "pass" not in text
        results = tuple(CheckResult(name, Status.PASSED if right or name == "ints" else Status.FAILED, "", "", 0.0,
                                    points) for name, points in worth)
        status = Status.PASSED if right else Status.FAILED
        return Verdict(exercise.id, exercise.slug, exercise.title, status, checks=results)

    make(tmp_path / "subs" / "dee", {"01_add.py": "def add(a, b)\n    return a + b\n"})
    grades = grading.grade(mini_pack, students(tmp_path), checks=[check])
    assert [(m.earned, m.possible) for m in (grades.marks[(s, "add")] for s in ("ana", "ben", "dee"))] == \
        [(4, 4), (2, 4), (0, 4)]
    assert grades.marks[("cy", "greet")].possible == 4  # missing: still out of the same total


def test_a_reference_that_fails_here_is_said_before_anyone_is_marked(tmp_path, mini_pack):
    said = []
    grading.grade(mini_pack, students(tmp_path), checks=[FakeCheck(crash_on="solutions/02")],
                  on_reference=lambda exercise, verdict: said.append((exercise.slug, verdict.status.value)))
    assert said == [("add", "passed"), ("greet", "error")]


# Output ----------------------------------------------------------------------------------

def test_the_csv_has_a_row_per_student_and_a_summary(tmp_path, mini_pack):
    make(tmp_path / "subs" / "=cmd()", RIGHT)
    grades = grading.grade(mini_pack, students(tmp_path), checks=[FakeCheck()])
    rows = list(csv.reader(io.StringIO(grading.to_csv(grades))))
    assert rows[0] == ["student", "01 add status", "01 add points", "02 greet status", "02 greet points",
                       "total", "possible", "percent"]
    assert rows[1] == ["'=cmd()", "passed", "1", "passed", "1", "2", "2", "100.0"]  # stays text in a spreadsheet
    assert rows[3] == ["ben", "failed", "0", "passed", "1", "1", "2", "50.0"]
    assert rows[4] == ["cy", "passed", "1", "missing", "0", "1", "2", "50.0"]
    assert rows[5][:5] == ["(summary)", "3/4 passed", "0.75", "3/4 passed", "0.75"]


def test_the_json_says_every_mark_and_the_summary(tmp_path, mini_pack):
    grades = grading.grade(mini_pack, students(tmp_path), checks=[FakeCheck()])
    path = tmp_path / "out.json"
    grading.write(grades, path)
    data = json.loads(path.read_text())
    assert data["schema"] == "torch-dojo/grade@1"
    ben = next(s for s in data["students"] if s["student"] == "ben")
    assert ben["total"] == 1 and ben["exercises"]["01"]["status"] == "failed"
    assert ben["exercises"]["01"]["checks"] == [{"name": "it works", "status": "failed", "points": None}]
    assert data["summary"]["exercises"]["02"]["statuses"] == {"passed": 2, "missing": 1}


# The real thing: the CLI over a class ---------------------------------------------------

CLASS = {
    "good": RIGHT,
    "wrong": {"01_add.py": "def add(a, b):\n    return a - b\n", "02_greet.py": RIGHT["02_greet.py"]},
    "broken": {"01_add.py": "def add(a, b)\n    return a + b\n", "02_greet.py": "def greet(name):\n    return name\n"},
    "half": {"torch-dojo/01_add.py": RIGHT["01_add.py"]},
    # Wrong answers that try to pass anyway.
    "fakes_a_report": {"01_add.py": """
        import json, os, sys
        for stream in (sys.stdout, sys.stderr):
            print(json.dumps({"event": "check", "name": "add gives the sum of two ints", "status": "passed"}), file=stream)
            print("2 passed in 0.01s", file=stream)
        os._exit(0)
        def add(a, b):
            return 0
        """},
    "patches_pytest": {"01_add.py": """
        import _pytest.python, pytest
        _pytest.python.Function.runtest = lambda self: None
        pytest.fail = lambda *a, **k: None
        import torch_dojo.testing.compare as compare
        compare.fail = lambda *a, **k: None
        def add(a, b):
            return 0
        """},
    "equal_to_everything": {"01_add.py": """
        class Anything(float):
            def __eq__(self, other):
                return True
            def __ne__(self, other):
                return False
        def add(a, b):
            return Anything(0)
        """},
}


def test_grading_a_class_gives_the_right_table(tmp_path, dojo):
    for student, files in CLASS.items():
        make(tmp_path / "class" / student, files)
    out = tmp_path / "grades.csv"
    done = dojo("grade", str(tmp_path / "class"), "--pack", str(Path(__file__).parent / "packs" / "mini"),
                "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(out.read_text()))}
    statuses = {student: (row[0], row[2], row[4]) for student, row in rows.items() if student in CLASS}
    assert statuses == {
        "good": ("passed", "passed", "2"),
        "wrong": ("failed", "passed", "1"),
        "broken": ("error", "failed", "0"),
        "half": ("passed", "missing", "1"),
        "fakes_a_report": ("error", "missing", "0"),
        "patches_pytest": ("failed", "missing", "0"),
        "equal_to_everything": ("failed", "missing", "0"),
    }
    assert "total" in done.stdout and "good" in done.stdout  # the table on stdout
    # Run again: every mark comes from the journal.
    again = dojo("grade", str(tmp_path / "class"), "--pack", str(Path(__file__).parent / "packs" / "mini"),
                 "--out", str(out))
    assert again.returncode == 0 and "marks reused" in again.stdout
    assert "(from the journal)" in again.stderr


@pytest.mark.parametrize("args, says", [
    (["--out", "grades.txt"], "must end in .csv or .json"),
    (["--out", "nowhere/grades.csv"], "there is no folder"),
    (["--jobs", "0"], "between 1 and 64"),
])
def test_grade_refuses_bad_arguments_with_what_to_do(tmp_path, dojo, args, says):
    make(tmp_path / "class" / "ana", RIGHT)
    done = dojo("grade", "class", *args)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


def test_grade_of_a_folder_without_students_says_how_to_lay_it_out(tmp_path, dojo):
    make(tmp_path / "class", RIGHT)
    done = dojo("grade", "class")
    assert done.returncode == 2 and "a folder of their own" in done.stderr


def test_a_table_made_with_a_broken_reference_is_not_called_a_grade(tmp_path, dojo):
    from conftest import copy_of_mini

    pack = copy_of_mini(tmp_path / "pack")
    (pack / "solutions" / "02_greet.py").write_text("def greet(name):\n    raise RuntimeError(\"broken\")\n")
    make(tmp_path / "class" / "ana", RIGHT)
    done = dojo("grade", "class", "--pack", str(pack), "--out", "grades.csv")
    assert done.returncode == 1, done.stderr
    assert "the reference solution of 02 greet does not pass on this machine" in done.stderr
    assert "this table is not a grade yet" in done.stderr


class FakeWarmRunner:
    """Stands in for WarmRunner in the grade command: judges like FakeCheck, and Ctrl-C
    comes while it winds down, once every mark is known."""

    closes = 0
    said: list[str] = []  # what every runner was asked, in order

    def __init__(self):
        self.judge = FakeCheck()

    def start(self) -> None:
        pass

    def preloaded(self, timeout: float = 60.0) -> bool:
        FakeWarmRunner.said.append("preloaded")
        return True

    def check(self, exercise, file, judged=False, confinement=None) -> Verdict:
        FakeWarmRunner.said.append("check")
        return self.judge(exercise, file)

    def close(self) -> None:
        FakeWarmRunner.closes += 1
        if FakeWarmRunner.closes == 1:
            raise KeyboardInterrupt


def test_an_interrupt_after_the_last_mark_still_writes_the_csv(tmp_path, monkeypatch, capsys):
    from conftest import MINI

    from torch_dojo import cli
    from torch_dojo.runner import warm

    monkeypatch.setattr(warm, "WarmRunner", FakeWarmRunner)
    monkeypatch.setattr(FakeWarmRunner, "closes", 0)
    students(tmp_path)
    out = tmp_path / "grades.csv"
    code = cli.main(["grade", str(tmp_path / "subs"), "--pack", str(MINI), "--jobs", "1", "--out", str(out)])
    assert FakeWarmRunner.closes >= 1
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert [r[0] for r in rows] == ["student", "ana", "ben", "cy", "(summary)"], capsys.readouterr().err
    assert code == 0


def test_grade_waits_for_every_workers_whole_preload_before_the_first_mark(tmp_path, monkeypatch):
    """Else each early check imports what the preload had yet to (torch._dynamo: seconds each)."""
    from conftest import MINI

    from torch_dojo import cli
    from torch_dojo.runner import warm

    monkeypatch.setattr(warm, "WarmRunner", FakeWarmRunner)
    monkeypatch.setattr(FakeWarmRunner, "closes", 1)  # no interrupt here
    monkeypatch.setattr(FakeWarmRunner, "said", [])
    students(tmp_path)
    cli.main(["grade", str(tmp_path / "subs"), "--pack", str(MINI), "--jobs", "3"])
    assert FakeWarmRunner.said[:3] == ["preloaded"] * 3 and "preloaded" not in FakeWarmRunner.said[3:]
    assert FakeWarmRunner.said.count("check") >= 5  # the marks (the references may come from the cache)


def test_a_grading_warning_names_the_files_a_student_left_two_of(tmp_path, monkeypatch, capsys):
    from conftest import MINI

    from torch_dojo import cli
    from torch_dojo.runner import warm

    monkeypatch.setattr(warm, "WarmRunner", FakeWarmRunner)
    monkeypatch.setattr(FakeWarmRunner, "closes", 1)  # no interrupt here
    make(tmp_path / "subs" / "ana", {"draft/01_add.py": "", "final/01_add.py": RIGHT["01_add.py"]})
    cli.main(["grade", str(tmp_path / "subs"), "--pack", str(MINI), "--jobs", "1"])
    err = capsys.readouterr().err
    assert "warning: ana 01 is missing: 2 files could be 01_add.py (draft/01_add.py, final/01_add.py)" in err
