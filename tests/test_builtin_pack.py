"""End to end on the built-in pack: real learner files, right and wrong, through the runner.

Every file in tests/learner_files/NN_slug/ starts with header comments:
    # expect: failed | passed
    # expect-text: words the verdict must contain (in a message or a hint)
so each mistake named in shared/curriculum.md has a file that must fail with its hint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from torch_dojo import runner
from torch_dojo.pack import load_builtin_pack
from torch_dojo.report import Status, Verdict
from torch_dojo.verify import verify_exercise

LEARNER_FILES = Path(__file__).parent / "learner_files"
PACK = load_builtin_pack()


def expectations(path: Path) -> tuple[str, list[str]]:
    status, texts = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        if key.strip() == "expect":
            status = value.strip()
        elif key.strip() == "expect-text":
            texts.append(value.strip())
    return status, texts


def everything_said(verdict: Verdict) -> str:
    parts = [verdict.message, verdict.hint]
    for check in verdict.checks:
        parts += [check.message, check.hint]
    return "\n".join(parts).lower()


LEARNER_CASES = sorted(LEARNER_FILES.glob("*/*.py"))


@pytest.mark.parametrize("exercise", PACK.exercises, ids=lambda e: e.label)
def test_starter_fails_and_solution_passes(exercise):
    found = verify_exercise(exercise)
    assert found.ok, found.problems
    assert found.solution.status is Status.PASSED, found.solution.to_json()


@pytest.mark.parametrize("path", LEARNER_CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_learner_file_gets_the_expected_verdict(path):
    status, texts = expectations(path)
    assert status in ("passed", "failed"), f"{path} needs an '# expect: passed|failed' header"
    exercise = PACK.find(path.parent.name.split("_", 1)[1])
    verdict = runner.check(exercise, path)
    if status == "passed":
        assert verdict.status is Status.PASSED, verdict.to_json()
        return
    assert verdict.status is not Status.PASSED
    assert texts, f"{path} needs at least one '# expect-text:' header"
    said = everything_said(verdict)
    for text in texts:
        assert text.lower() in said, f"expected {text!r} in what the verdict says:\n{said}"


def test_every_core_exercise_has_mistakes_and_a_correct_alternative():
    for exercise in PACK.exercises:
        files = list((LEARNER_FILES / f"{exercise.id}_{exercise.slug}").glob("*.py"))
        kinds = {expectations(f)[0] for f in files}
        assert kinds == {"passed", "failed"}, f"{exercise.label}: needs mistake_*.py and ok_*.py files"
