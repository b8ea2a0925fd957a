"""End to end on the built-in pack: real learner files, right and wrong, through the runner.

Each file in mistakes/NN_slug/ (the pack's mistakes) says in its docstring what must happen:

    Wrong on purpose: what the mistake is.

    Must fail: "name of a check" and "another check".   (each named check must not pass)
    Passes: "name of a check".                            (optional: these must pass)
    Says: "words the verdict must contain".               (optional: in a message or hint)
    Caught only with: cuda.                               (optional: skipped on machines without it)

or, for a correct alternative, "Right, written another way: …  Must pass every check."
Files of an exercise that needs what this machine lacks (torchvision) are skipped.
A check is named by its name or the start of it ("…" or "..." may end the quote).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from torch_dojo.pack import load_builtin_pack
from torch_dojo.runner.requirements import missing
from torch_dojo.report import CheckResult, Status, Verdict
from torch_dojo.runner.warm import WarmRunner
from torch_dojo.verify import verify_exercise

LEARNER_FILES = Path(__file__).resolve().parents[1] / "mistakes"
PACK = load_builtin_pack()
LEARNER_CASES = sorted(LEARNER_FILES.glob("*/*.py"))
# Judged (the learner's code in a process of its own, as grading runs it): every solution,
# and a sample of mistakes: the first wrong file of each exercise, and every file of 07
# (graphs). benchmarks/judged_parity.py runs every file both ways.
JUDGED_CASES = sorted({path for path in LEARNER_CASES if path.parent.name.startswith("07_")} | {
    next(p for p in sorted(folder.glob("*.py")) if "Wrong on purpose" in p.read_text(encoding="utf-8"))
    for folder in sorted(LEARNER_FILES.iterdir()) if folder.is_dir() and not folder.name.startswith("18_")})


@pytest.fixture(scope="module")
def warm():
    """One warm runner per test process: the checks answer as a learner's would in the TUI."""
    with WarmRunner() as runner_:
        runner_.start()
        yield runner_


@dataclass
class Expectation:
    passes: bool
    must_fail: list[str] = field(default_factory=list)
    must_pass: list[str] = field(default_factory=list)
    says: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)


def expectation(path: Path) -> Expectation:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    if doc.startswith("Right"):
        assert "Must pass every check" in doc, f"{path}: a correct file says 'Must pass every check.'"
        return Expectation(passes=True)
    assert doc.startswith("Wrong on purpose"), f"{path}: the docstring starts 'Wrong on purpose' or 'Right'"
    found = Expectation(passes=False)
    needs = re.search(r"Caught only with: ([\w, ]+)", doc)
    if needs:
        found.needs = [n.strip() for n in needs.group(1).split(",")]
        doc = doc[:needs.start()] + doc[needs.end():]
    sections = re.split(r"(Must fail:|Passes:|Says:)", doc)
    for label, text in zip(sections[1::2], sections[2::2]):
        quoted = [" ".join(q.split()).rstrip(".…").strip() for q in re.findall(r'"([^"]+)"', text)]
        {"Must fail:": found.must_fail, "Passes:": found.must_pass, "Says:": found.says}[label].extend(quoted)
    return found


def named(verdict: Verdict, name: str) -> list[CheckResult]:
    if name.startswith(("...", "…")):  # "… the end of a check's name"
        found = [c for c in verdict.checks if name.lstrip(".… ") in c.name]
    else:
        found = [c for c in verdict.checks if c.name.startswith(name)]
    assert found, f"no check named {name!r}; the checks are {[c.name for c in verdict.checks]}"
    return found


def everything_said(verdict: Verdict) -> str:
    parts = [verdict.message, verdict.hint]
    for check in verdict.checks:
        parts += [check.message, check.hint]
    return "\n".join(parts).lower()


@pytest.mark.parametrize("exercise", PACK.exercises, ids=lambda e: e.label)
def test_starter_fails_and_solution_passes(exercise, warm):
    found = verify_exercise(exercise, check=warm.check)
    assert found.ok, found.problems
    lacking = [missing(need) for need in sorted(exercise.requires) if missing(need)]
    if lacking:  # the starter and solution were judged "skipped", with the reason: nothing ran
        assert found.solution.status is Status.SKIPPED, found.solution.to_json()
        pytest.skip(f"{exercise.label} {lacking[0]}")
    assert found.solution.status is Status.PASSED, found.solution.to_json()


@pytest.mark.parametrize("path", LEARNER_CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_learner_file_gets_the_expected_verdict(path, warm):
    _expected_verdict(path, warm, judged=False)


@pytest.mark.parametrize("exercise", PACK.exercises, ids=lambda e: e.label)
def test_solution_passes_judged(exercise, warm):
    lacking = [missing(need) for need in sorted(exercise.requires) if missing(need)]
    if lacking:
        pytest.skip(f"{exercise.label} {lacking[0]}")
    verdict = warm.check(exercise, exercise.solution, judged=True)
    assert verdict.status is Status.PASSED, verdict.to_json()


@pytest.mark.parametrize("path", JUDGED_CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_learner_file_judged_gets_the_expected_verdict(path, warm):
    _expected_verdict(path, warm, judged=True)


def _expected_verdict(path: Path, warm: WarmRunner, judged: bool) -> None:
    expected = expectation(path)
    for need in expected.needs:
        if missing(need):
            pytest.skip(f"this mistake shows only with {need}: {missing(need)}")
    exercise = PACK.find(path.parent.name.split("_", 1)[1])
    for need in sorted(exercise.requires):  # the whole exercise is skipped here, right or wrong
        if missing(need):
            pytest.skip(f"{exercise.label} needs {need}: {missing(need)}")
    verdict = warm.check(exercise, path, judged=judged)
    if expected.passes:
        assert verdict.status is Status.PASSED, verdict.to_json()
        return
    assert verdict.status is not Status.PASSED, verdict.to_json()
    for name in expected.must_fail:  # a parametrized check fails when one of its cases does
        failing = [c for c in named(verdict, name) if c.status not in (Status.PASSED, Status.SKIPPED)]
        assert failing, f"every check named {name!r} passed"
        for check in failing:
            assert check.message and check.hint, f"{check.name!r} fails without a message and a hint"
    for name in expected.must_pass:
        assert all(c.status in (Status.PASSED, Status.SKIPPED) for c in named(verdict, name)), name
    said = everything_said(verdict)
    for text in expected.says:
        assert text.lower() in said, f"expected {text!r} in what the verdict says:\n{said}"


def test_every_exercise_has_mistakes_and_a_correct_alternative():
    for exercise in PACK.exercises:
        files = list((LEARNER_FILES / f"{exercise.id}_{exercise.slug}").glob("*.py"))
        kinds = {expectation(f).passes for f in files}
        assert kinds == {True, False}, f"{exercise.label}: needs wrong files and a correct alternative"
