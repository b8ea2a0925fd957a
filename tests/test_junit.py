"""JUnit XML: a testsuite per exercise, a testcase per check, counts that add up, for
`check --junit`, `check --all --junit` and `grade --junit DIR`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import MINI
from test_shards import CLASS, fake_runner, klass  # noqa: F401 - fixtures

from torch_dojo import cli, junit
from torch_dojo.verdict import CheckResult, Status, Verdict

EVERY_KIND = Verdict("03", "dtypes", "Tensor data types", Status.FAILED, checks=(
    CheckResult("keeps ints", Status.PASSED, duration=0.25),
    CheckResult("floats are float32", Status.FAILED, "dtype is int64, expected float32",
                hint="Pass dtype=torch.float32", duration=0.5),
    CheckResult("raises on strings", Status.ERROR, "ValueError: bad", hint="Read the traceback", duration=0.125),
    CheckResult("runs on the GPU", Status.SKIPPED, "needs cuda: this machine has no GPU"),
    CheckResult("slow one", Status.TIMEOUT, "took longer than 10 s"),
    CheckResult("after it", Status.NOT_RUN),
))


def counts(element: ET.Element) -> dict[str, str]:
    return {key: element.get(key) for key in ("tests", "failures", "errors", "skipped")}


def parsed(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def test_a_verdict_is_a_testsuite_with_a_testcase_per_check(tmp_path):
    junit.write(junit.verdicts([EVERY_KIND]), tmp_path / "r.xml")
    root = parsed(tmp_path / "r.xml")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "03 dtypes"
    assert counts(suite) == counts(root) == {"tests": "6", "failures": "1", "errors": "2", "skipped": "2"}
    assert suite.get("time") == root.get("time") == "0.875"
    cases = {case.get("name"): case for case in suite}
    assert {case.get("classname") for case in suite} == {"dtypes"}
    failure = cases["floats are float32"].find("failure")
    assert failure.get("message") == "dtype is int64, expected float32"
    assert "Hint: Pass dtype=torch.float32" in failure.text
    assert cases["raises on strings"].find("error").get("message") == "ValueError: bad"
    assert cases["slow one"].find("error").get("type") == "timeout"
    assert cases["runs on the GPU"].find("skipped").get("message") == "needs cuda: this machine has no GPU"
    assert "not run" in cases["after it"].find("skipped").get("message")
    assert list(cases["keeps ints"]) == []


@pytest.mark.parametrize("verdict, kind", [
    (Verdict("01", "add", "Add", Status.ERROR, "SyntaxError: line 2", file="/w/01_add.py"), "error"),
    (Verdict("01", "add", "Add", Status.TIMEOUT, "took longer than 20 s",
             checks=(CheckResult("adds", Status.NOT_RUN),)), "error"),
])
def test_a_verdict_no_check_speaks_for_is_one_testcase_for_the_file(tmp_path, verdict, kind):
    junit.write(junit.verdicts([verdict]), tmp_path / "r.xml")
    suite = parsed(tmp_path / "r.xml").find("testsuite")
    whole = suite.find(f"testcase/{kind}/..")
    assert whole.get("name") in ("01_add.py", "add") and verdict.message in whole.find(kind).get("message")
    assert int(suite.get("errors")) == 1 and int(suite.get("tests")) == 1 + len(verdict.checks)


def mini_workspace(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TORCH_DOJO_WORKSPACE", raising=False)
    monkeypatch.setenv("TORCH_DOJO_PACK", str(MINI))
    assert cli.main([]) == 0
    (tmp_path / "torch-dojo" / "01_add.py").write_text("def add(a, b):\n    return a + b\n")
    return tmp_path / "torch-dojo"


def test_check_all_junit_counts_what_the_verdicts_say(tmp_path, monkeypatch, capsys):
    mini_workspace(tmp_path, monkeypatch)
    capsys.readouterr()
    assert cli.main(["check", "--all", "--json", "--junit", "all.xml"]) == 1
    verdicts = json.loads(capsys.readouterr().out)["verdicts"]
    root = parsed(tmp_path / "all.xml")
    assert [s.get("name") for s in root] == ["01 add", "02 greet"]
    for suite, verdict in zip(root, verdicts):
        statuses = [c["status"] for c in verdict["checks"]]
        assert int(suite.get("tests")) == len(statuses)
        assert int(suite.get("failures")) == statuses.count("failed")
        assert int(suite.get("errors")) == sum(s in ("error", "timeout", "memory") for s in statuses)
        assert int(suite.get("skipped")) == sum(s in ("skipped", "not_run") for s in statuses)
    assert root.get("failures") != "0" and root.find("testsuite/testcase/failure") is not None


def test_check_one_exercise_junit_and_a_junit_file_with_nowhere_to_go(tmp_path, monkeypatch, capsys):
    mini_workspace(tmp_path, monkeypatch)
    assert cli.main(["check", "01", "--junit", "one.xml"]) == 0
    root = parsed(tmp_path / "one.xml")
    assert [s.get("name") for s in root] == ["01 add"] and root.get("failures") == root.get("errors") == "0"
    assert int(root.get("tests")) >= 1
    assert cli.main(["check", "01", "--junit", "nowhere/one.xml"]) == 2
    assert "there is no folder nowhere" in capsys.readouterr().err


def test_grade_junit_writes_one_file_per_student_counting_their_marks(klass, fake_runner, tmp_path, capsys):
    reports = tmp_path / "junit"
    assert cli.main(["grade", str(klass), "--pack", str(MINI), "--jobs", "1", "--json", "--junit", str(reports)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert sorted(p.name for p in reports.iterdir()) == sorted(f"{s}.xml" for s in CLASS)
    for student in document["students"]:
        root = parsed(reports / f"{student['student']}.xml")
        marks = student["exercises"]
        assert [s.get("name") for s in root] == [f"{i} {m['slug']}" for i, m in marks.items()]
        failed = sum(m["status"] in ("failed", "missing") for m in marks.values())
        assert int(root.get("failures")) == failed, student["student"]
        assert int(root.get("tests")) == len(marks)  # one check each on this pack, or the missing file
    eve = parsed(reports / "=eve.xml")
    assert "no 01_add.py in the submission" in eve.find("testsuite/testcase/failure").get("message")
