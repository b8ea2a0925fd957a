"""``pack verify``: prove a pack is sound with the same runner learners use.

The manifest (fields, hints, files) was validated when the pack loaded. For each exercise:

- the starter must fail, within its time limit, and every check that fails on it must say
  why (a message);
- the reference solution must pass (or be skipped for a requirement this machine lacks,
  which is a note), in at most half of its time limit: a slower machine or a slower but
  correct answer must not time out;
- a check that uses CUDA or torchvision must be marked so (``@requires``, or the exercise's
  ``requires``): read from the check file (``checkscan``) and watched while the solution
  runs (a check that starts CUDA unmarked);
- ``@points`` must be numbers above 0, and an exercise whose checks carry points must not
  set ``points`` in the manifest too (it would be ignored);
- a check whose own code crashes (``blame == "check"``) on the starter, the solution or a
  mistake file is the pack's problem, named with the check and where it crashed;
- every file under ``mistakes/`` (``torch_dojo.mistakes``) gets the verdict its docstring
  declares, and every folder there names an exercise;
- check names and first hints that show code, and floats compared with ``==``, are notes
  (``checkscan``);
- every name of an exercise's ``docs`` resolves in the installed torch (``apidocs``), or
  needs what this machine lacks (a note: not checked here); one without a docstring is a note.

A problem makes the pack unsound (exit 1); a note is said and does not count against it.
Every finding names the file, the exercise and the check or field.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from torch_dojo import checkscan, mistakes, runner
from torch_dojo.apidocs.lookup import Docs, lookup
from torch_dojo.pack import MANIFEST, Exercise, Pack, terminal_text_problems
from torch_dojo.verdict import Status, Verdict
from torch_dojo.runner.warm import WarmRunner

SLOW_SHARE = 0.5  # a solution may use at most this share of its time limit
_MARK = {"cuda": '@requires("cuda")', "torchvision": '@requires("torchvision")'}
_NAME = {"cuda": "CUDA", "torchvision": "torchvision"}


@dataclass(frozen=True)
class Finding:
    file: str  # relative to the pack, with the line where one is known: "checks/01_x.py:12"
    exercise: str  # "01 (slug)"
    where: str  # "check 'name'", "field 'time_limit'", or "" for the file as a whole
    message: str

    def __str__(self) -> str:
        where = f" {self.where}" if self.where else ""
        if not self.exercise:  # the pack as a whole
            return f"{self.file}:{where}: {self.message}" if where else f"{self.file}: {self.message}"
        return f"{self.file}: exercise {self.exercise}{where}: {self.message}"

    def to_json(self, level: str) -> dict:
        return {"level": level, "file": self.file, "exercise": self.exercise, "where": self.where,
                "message": self.message}


@dataclass
class ExerciseVerification:
    exercise: Exercise
    starter: Verdict
    solution: Verdict
    problems: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    mistakes: list[mistakes.Outcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"id": self.exercise.id, "slug": self.exercise.slug, "ok": self.ok,
                "problems": [str(p) for p in self.problems], "notes": [str(n) for n in self.notes],
                "findings": [p.to_json("problem") for p in self.problems] + [n.to_json("note") for n in self.notes],
                "starter": self.starter.status.value, "solution": self.solution.status.value,
                "solution_duration": round(self.solution.duration, 3),
                "mistakes": [m.to_json() for m in self.mistakes]}


@dataclass
class PackVerification:
    """Every exercise's verification, and what is wrong with the pack as a whole (a folder
    under mistakes/ that names no exercise)."""

    exercises: list[ExerciseVerification]
    problems: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(e.ok for e in self.exercises)

    @property
    def mistakes(self) -> list[mistakes.Outcome]:
        return [m for e in self.exercises for m in e.mistakes]

    def mistake_counts(self) -> dict[str, int]:
        outcomes = [m.outcome for m in self.mistakes]
        return {"run": len(outcomes), "proved": outcomes.count("proved"), "skipped": outcomes.count("skipped"),
                "problem": outcomes.count("problem")}

    def to_json(self) -> dict:
        return {"ok": self.ok, "problems": [str(p) for p in self.problems],
                "findings": [p.to_json("problem") for p in self.problems],
                "mistakes": self.mistake_counts(), "exercises": [e.to_json() for e in self.exercises]}


def verify_exercise(exercise: Exercise, check: Callable[..., Verdict] = runner.check,
                    mistake_files: Sequence[Path] = ()) -> ExerciseVerification:
    starter = check(exercise, exercise.starter)
    solution = check(exercise, exercise.solution, watch_cuda=True)
    found = ExerciseVerification(exercise, starter, solution)
    _starter(found)
    _solution(found)
    scanned = checkscan.scan(exercise.checks.read_text(encoding="utf-8", errors="replace"), exercise.requires)
    _marks(found, scanned)
    _style(found, scanned)
    found.problems += [_at(exercise, MANIFEST, where, message) for where, message in terminal_text_problems(exercise)]
    for path in mistake_files:
        _mistake(found, mistakes.prove(exercise, path, check))
    return found


def verify_pack(pack: Pack, jobs: int = 2, check: Callable[..., Verdict] | None = None,
                docs: Callable[..., Docs] = lookup) -> PackVerification:
    """Verify every exercise and run every mistake file; ``check``: a runner's (default: a
    warm runner, as learners' files are checked in the workbook); ``docs``: how the names of
    the exercises' ``docs`` are looked up."""
    verified = _verify_pack(pack, jobs, check)
    _docs(verified, docs)
    return verified


def _verify_pack(pack: Pack, jobs: int, check: Callable[..., Verdict] | None) -> PackVerification:
    found = mistakes.find(pack)
    problems = [Finding(file, "", "", message) for file, message in found.strays]
    problems += [Finding(MANIFEST, "", f"[pack] {where}", message) for where, message in terminal_text_problems(pack)]

    def mistakes_of(verified: ExerciseVerification, run: Callable[..., Verdict]) -> ExerciseVerification:
        for path in found.by_exercise.get(verified.exercise.id, ()):
            _mistake(verified, mistakes.prove(verified.exercise, path, run))
        return verified

    if check is not None:
        return PackVerification([mistakes_of(verify_exercise(e, check), check) for e in pack.exercises], problems)
    # The warm runner takes one check at a time, in milliseconds; checks that need a fresh
    # process (torchrun, CUDA) run cold, ``jobs`` at a time beside it. Every starter and
    # solution first, then the mistakes: a solution's time is not measured beside them.
    with WarmRunner() as warm, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        verified = list(pool.map(partial(verify_exercise, check=warm.check), pack.exercises))
        return PackVerification(list(pool.map(partial(mistakes_of, run=warm.check), verified)), problems)


def _docs(verified: PackVerification, docs: Callable[..., Docs]) -> None:
    """Every ``docs`` name resolves here, all asked at once (one probe process)."""
    every = {n.name: n for e in verified.exercises for n in e.exercise.docs}
    if not every:
        return
    found = docs(list(every.values()))
    if found.problem:
        verified.problems.append(Finding(MANIFEST, "", "docs", f"the exercises' docs could not be looked up: "
                                                              f"{found.problem}"))
        return
    by_name = {entry.name: entry for entry in found.entries}
    for one in verified.exercises:
        waiting: dict[str, list[str]] = {}  # why: the names that wait for it, said in one note
        for name in one.exercise.docs:
            entry, where = by_name.get(name.name), f"docs '{name.name}'"
            if entry is None:
                continue
            if entry.needs:
                waiting.setdefault(entry.problem, []).append(name.name)
            elif not entry.found:
                one.problems.append(_at(one.exercise, MANIFEST, where,
                                        f"does not resolve in torch {found.torch}: {entry.problem}. A learner "
                                        "would read 'not found' in the Docs tab; fix the name or remove it."))
            elif not entry.doc.strip():
                one.notes.append(_at(one.exercise, MANIFEST, where, "has no docstring in this torch: the Docs "
                                     "tab shows only its name; a name with documentation teaches more."))
        for why, names in waiting.items():
            one.notes.append(_at(one.exercise, MANIFEST, "docs", f"{', '.join(names)} not checked here: {why}"))


def _starter(found: ExerciseVerification) -> None:
    exercise, starter = found.exercise, found.starter
    file = f"exercises/{exercise.file}"
    if starter.passed:
        found.problems.append(_at(exercise, file, "", "the starter already passes its checks: a learner "
                                  "would have nothing to do. Leave the work undone (raise NotImplementedError)."))
    if starter.status is Status.TIMEOUT:
        found.problems.append(_at(exercise, file, "", f"the starter runs into the time limit ({exercise.time_limit:g} s): "
                                  "a learner would wait that long for a first verdict. Make it fail fast."))
    _crashes(found, starter, "the starter")
    for result in starter.checks:
        if result.blame == "check":
            continue
        if result.status in (Status.FAILED, Status.ERROR) and not result.message.strip():
            found.problems.append(_at(exercise, f"checks/{exercise.file}", f"check '{result.name}'",
                                      "fails on the starter without a message: say what was expected "
                                      '(fail("..."), or assert ..., "...").'))


def _solution(found: ExerciseVerification) -> None:
    exercise, solution = found.exercise, found.solution
    file = f"solutions/{exercise.file}"
    if solution.status is Status.SKIPPED:
        found.notes.append(_at(exercise, file, "", f"not verified on this machine: {solution.message}"))
        return
    crashed = _crashes(found, solution, "the solution")
    failing = [c for c in solution.checks if not c.passed_or_skipped and c.blame != "check"]
    if not solution.passed and (failing or not crashed):
        reasons = [f"{c.name}: {_first_line(c.message) or c.status}" for c in failing[:3]]
        found.problems.append(_at(exercise, file, "", f"the solution does not pass ({solution.status}): "
                                  + ("; ".join(reasons) or _first_line(solution.message))))
    elif solution.duration > SLOW_SHARE * exercise.time_limit:
        found.problems.append(_at(exercise, MANIFEST, "field 'time_limit'",
                                  f"the solution's checks took {solution.duration:.1f} s of the {exercise.time_limit:g} s "
                                  f"limit (more than {SLOW_SHARE:.0%}): on a slower machine a right answer would time "
                                  "out. Raise time_limit, or make the checks faster."))
    skipped = [c for c in solution.checks if c.status is Status.SKIPPED]
    if skipped:
        found.notes.append(_at(exercise, file, "", f"{len(skipped)} check(s) skipped here: {skipped[0].message}"))


def _marks(found: ExerciseVerification, scanned: checkscan.CheckFile) -> None:
    """Undeclared CUDA and torchvision, read and seen; and the checks' points."""
    exercise = found.exercise
    checks = f"checks/{exercise.file}"
    started = {name.split(" [", 1)[0] for name in found.solution.data.get(runner.TOUCHED_CUDA, [])}
    for touch in scanned.undeclared:
        where = f"check '{touch.check}'" if touch.check else ""
        place = f"{touch.what}, line {touch.line}" + (f", in {touch.via}()" if touch.via else "")
        need = _NAME[touch.need]
        if not touch.check:
            fix = (f'add requires = ["{touch.need}"] to the exercise in {MANIFEST}, or use it only inside '
                   f"checks marked {_MARK[touch.need]}")
            found.problems.append(_at(exercise, f"{checks}:{touch.line}", "",
                                      f"the top of the file uses {need} ({place}), for every check, but the "
                                      f"exercise does not require it: {fix}."))
        elif touch.certain or (touch.need == "cuda" and touch.check in started):
            started.discard(touch.check)
            found.problems.append(_at(exercise, f"{checks}:{touch.line}", where,
                                      f"uses {need} ({place}) but is not marked {_MARK[touch.need]}: without "
                                      f"{need} it fails instead of being skipped with the reason."))
        else:
            found.notes.append(_at(exercise, f"{checks}:{touch.line}", where,
                                   f"may use {need} ({place}); if that runs on the GPU, mark it {_MARK[touch.need]}."))
    for name in sorted(started):
        found.problems.append(_at(exercise, checks, f"check '{name}'",
                                  "started CUDA while it ran on the solution, but is not marked "
                                  '@requires("cuda"): without a GPU it fails instead of being skipped.'))
    for bad in scanned.bad_points:
        found.problems.append(_at(exercise, f"{checks}:{bad.line}", f"check '{bad.check}'",
                                  f"{bad.text}: a check's points are one number above 0, like points(2)."))
    if scanned.carries_points and exercise.points != 1:
        found.problems.append(_at(exercise, MANIFEST, "field 'points'",
                                  f"points = {exercise.points:g} is ignored: the checks carry @points, so the "
                                  "exercise is worth the sum of theirs. Remove one or the other."))


def _crashes(found: ExerciseVerification, verdict: Verdict, what: str) -> bool:
    """A check whose own code raised while ``what`` ran: the pack's bug, not the learner's."""
    crashed = [c for c in verdict.checks if c.blame == "check"]
    for result in crashed:
        found.problems.append(_at(found.exercise, f"checks/{found.exercise.file}", f"check '{result.name}'",
                                  f"the check itself crashed while {what} ran (a learner would be told it is not "
                                  f"their fault): {_brief(result.message) or result.status}. Fix the check."))
    return bool(crashed)


def _mistake(found: ExerciseVerification, outcome: mistakes.Outcome) -> None:
    found.mistakes.append(outcome)
    for where, message in outcome.problems:
        found.problems.append(_at(found.exercise, outcome.file, where, message))
    if outcome.note:
        found.notes.append(_at(found.exercise, outcome.file, "", f"not run here: {outcome.note}"))


def _style(found: ExerciseVerification, scanned: checkscan.CheckFile) -> None:
    """Notes: a check name or first hint that shows code; a float compared with ==."""
    checks = f"checks/{found.exercise.file}"
    for shown in scanned.code_hints:
        where = f"check '{shown.check}'" if shown.check else ""
        what = "the check's name" if shown.kind == "name" else "the first hint"
        fix = ("say what is checked, not how" if shown.kind == "name"
               else "nudge (the idea, at most the API's name); move the code to then=...")
        found.notes.append(_at(found.exercise, f"{checks}:{shown.line}", where,
                               f"{what} shows code: {shown.text!r} ({shown.why}); {fix}"))
    for compared in scanned.float_equals:
        where = f"check '{compared.check}'" if compared.check else ""
        found.notes.append(_at(found.exercise, f"{checks}:{compared.line}", where,
                               f"`{compared.text}` compares a float with ==: float32 arithmetic rarely gives the "
                               "exact value; compare floats with a tolerance: `torch_dojo.testing.assert_close`"))


def _at(exercise: Exercise, file: str, where: str, message: str) -> Finding:
    return Finding(file, f"{exercise.id} ({exercise.slug})", where, message)


def _brief(text: str, limit: int = 400) -> str:
    """A message on one line (the crash's file and line may be on a later one)."""
    said = " / ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return said if len(said) <= limit else said[:limit - 1] + "…"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
