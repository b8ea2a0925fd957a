"""End to end on the built-in pack: real learner files, right and wrong, through the runner.

Each file in mistakes/NN_slug/ (the pack's mistakes) says in its docstring what must happen
(the grammar is torch_dojo.mistakes', documented in docs/packs.md):

    Wrong on purpose: what the mistake is.

    Must fail: "name of a check" and "another check".   (each named check must not pass)
    Passes: "name of a check".                            (optional: these must pass)
    Says: "words the verdict must contain".               (optional: in a message or hint)
    Caught only with: cuda.                               (optional: skipped on machines without it)

or, for a correct alternative, "Right, written another way: …  Must pass every check."
Each file is judged by ``mistakes.prove``, the code ``pack verify`` runs; files of an
exercise that needs what this machine lacks (torchvision) are skipped.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from torch_dojo import mistakes
from torch_dojo.pack import Pack, load_builtin_pack
from torch_dojo.runner.check_process.requirements import missing
from torch_dojo.verdict import Status
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


def prove(pack: Pack, path: Path, check) -> None:
    """Judge one mistake file as `pack verify` does: skipped for what this machine lacks,
    else every way its verdict falls short of its docstring fails the test."""
    exercise = next(e for e in pack.exercises if Path(e.file).stem == path.parent.name)
    outcome = mistakes.prove(exercise, path, check)
    if outcome.note:
        pytest.skip(outcome.note)
    assert outcome.outcome == "proved", "\n".join(outcome.to_json()["problems"])
    assert outcome.status, outcome  # it ran


def _expected_verdict(path: Path, warm: WarmRunner, judged: bool) -> None:
    prove(PACK, path, partial(warm.check, judged=judged))


def test_every_exercise_has_mistakes_and_a_correct_alternative():
    for exercise in PACK.exercises:
        files = list((LEARNER_FILES / f"{exercise.id}_{exercise.slug}").glob("*.py"))
        kinds = {mistakes.read(f).passes for f in files}
        assert kinds == {True, False}, f"{exercise.label}: needs wrong files and a correct alternative"


def test_every_mistake_folder_names_an_exercise():
    found = mistakes.find(PACK)
    assert found.strays == []
    assert sum(len(files) for files in found.by_exercise.values()) == len(LEARNER_CASES)
