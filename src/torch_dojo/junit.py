"""Verdicts and marks as JUnit XML, the report CI systems and CodeGrade show without glue.

One ``<testsuite>`` per exercise (named ``ID SLUG``), one ``<testcase>`` per check (its
``classname`` the exercise's slug): a check that failed has a ``<failure>``, one that
raised, ran out of time or memory an ``<error>``, both with the message and the hint; a
skipped check (a requirement this machine lacks) or one never reached is ``<skipped>`` with
the reason. A verdict with no checks at all (a syntax error, a missing file) is one testcase
named after the file, and so is one that did not pass while none of its checks says why
(a crash that left every check not run). The counts (tests, failures, errors, skipped, time) are those of the
testcases, summed on the ``<testsuites>`` root.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from torch_dojo.grading.marks import MISSING, Grades
from torch_dojo.verdict import Status, Verdict

_FAILURE = {Status.FAILED: "failure", Status.ERROR: "error", Status.TIMEOUT: "error", Status.MEMORY: "error"}
_NOT_RUN = "not run: the run ended before this check (a timeout, the memory limit or a crash)"


def verdicts(found: list[Verdict], name: str = "torch-dojo") -> ET.ElementTree:
    """The document of ``check`` (one verdict) or ``check --all`` (several)."""
    root = ET.Element("testsuites", name=name)
    for verdict in found:
        suite = _suite(root, verdict.exercise_id, verdict.slug)
        if _whole_file(verdict.status, [c.status for c in verdict.checks]):
            _case(suite, verdict.slug, verdict.file and Path(verdict.file).name or verdict.slug, verdict.status,
                  verdict.message or str(verdict.status), verdict.hint, verdict.duration)
        for check in verdict.checks:
            _case(suite, verdict.slug, check.name, check.status, check.message, check.hint, check.duration)
    return _counted(root)


def student(grades: Grades, name: str) -> ET.ElementTree:
    """One student's marks (``grade --junit DIR``): a mark keeps each check's name and
    status, and the first lines of why the exercise did not pass."""
    root = ET.Element("testsuites", name=name)
    for exercise in grades.pack.exercises:
        mark = grades.of(name, exercise)
        if mark is None:
            continue
        suite = _suite(root, exercise.id, exercise.slug)
        status = Status.FAILED if mark.status == MISSING else Status(mark.status)
        if _whole_file(status, [Status(c["status"]) for c in mark.checks]):
            _case(suite, exercise.slug, exercise.file, status, mark.message or mark.status, "", 0.0)
        for check in mark.checks:
            status = Status(check["status"])
            message = mark.message if status in _FAILURE else ""
            _case(suite, exercise.slug, check["name"], status, message, "", 0.0)
    return _counted(root)


def write(tree: ET.ElementTree, path: Path) -> None:
    """Written whole or not at all."""
    ET.indent(tree)
    tmp = path.with_name(f".{path.name}.tmp")
    tree.write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)


def file_name(student_name: str) -> str:
    """A student's file in ``grade --junit DIR``: their folder's name, which is a safe file name."""
    return f"{student_name}.xml"


def _whole_file(status: Status, checks: list[Status]) -> bool:
    """A verdict no check speaks for (no checks, or a crash after the last one): the file's own case."""
    return not checks or (status in _FAILURE and not any(c in _FAILURE for c in checks))


def _suite(root: ET.Element, exercise_id: str, slug: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=f"{exercise_id} {slug}")


def _case(suite: ET.Element, classname: str, name: str, status: Status, message: str, hint: str,
          duration: float) -> None:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{duration:.3f}")
    if status in _FAILURE:
        element = ET.SubElement(case, _FAILURE[status], message=message or str(status), type=str(status))
        element.text = "\n\n".join(part for part in (message, f"Hint: {hint}" if hint else "") if part)
    elif status is Status.SKIPPED:
        ET.SubElement(case, "skipped", message=message or "skipped on this machine")
    elif status is Status.NOT_RUN:
        ET.SubElement(case, "skipped", message=_NOT_RUN)


def _counted(root: ET.Element) -> ET.ElementTree:
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    time = 0.0
    for suite in root:
        counts = {"tests": len(suite), "failures": len(suite.findall("testcase/failure")),
                  "errors": len(suite.findall("testcase/error")), "skipped": len(suite.findall("testcase/skipped"))}
        seconds = sum(float(case.get("time", "0")) for case in suite)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{seconds:.3f}")
        time += seconds
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{time:.3f}")
    return ET.ElementTree(root)

