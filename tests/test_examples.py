"""The example pack (examples/intro-pack): it verifies, and its checks catch the mistakes
in examples/intro-pack/mistakes/, each with the verdict its docstring asks for, judged
by the code `pack verify` runs (torch_dojo.mistakes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_builtin_pack import prove

from torch_dojo import mistakes
from torch_dojo.pack import load_pack
from torch_dojo.runner.warm import WarmRunner
from torch_dojo.scoring import Score, score

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "intro-pack"
PACK = load_pack(EXAMPLE)
FILES = EXAMPLE / "mistakes"
CASES = sorted(FILES.glob("*/*.py"))


@pytest.fixture(scope="module")
def warm():
    with WarmRunner() as runner_:
        yield runner_


def test_the_example_pack_verifies(dojo):
    run = dojo("pack", "verify", str(EXAMPLE))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 of 3 exercises verified" in run.stdout
    assert f"{len(CASES)} of {len(CASES)} mistake files proved" in run.stdout


def test_the_example_shows_points_hints_and_a_cuda_check():
    checks = "\n".join(e.checks.read_text() for e in PACK.exercises)
    assert "@points(" in checks and '@requires("cuda")' in checks and "record(" in checks
    assert any(e.points != 1 for e in PACK.exercises)


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_learner_file_gets_the_expected_verdict(path, warm):
    prove(PACK, path, warm.check)


def test_every_example_exercise_has_mistakes_and_a_correct_alternative():
    for exercise in PACK.exercises:
        kinds = {mistakes.read(f).passes for f in (FILES / f"{exercise.id}_{exercise.slug}").glob("*.py")}
        assert kinds == {True, False}, exercise.label


def test_a_wrong_file_scores_the_points_of_the_checks_it_passed(warm):
    broadcasting, training = PACK.find("broadcasting"), PACK.find("training_step")
    reference = warm.check(broadcasting, broadcasting.solution)
    flipped = warm.check(broadcasting, FILES / "01_broadcasting" / "mistake_sign_flipped.py")
    # standardize (2 points) and the unmarked in-place check (1) pass; the table (2) does not
    assert score(broadcasting, flipped, expected=reference) == Score(3.0, 5.0)
    no_step = warm.check(training, FILES / "03_training_step" / "mistake_no_step.py")
    assert score(training, no_step) == Score(0.0, 2.0)  # no @points there: all or nothing, worth 2
