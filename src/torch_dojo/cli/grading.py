"""`torch-dojo grade`: the class's folders judged, the table on stdout and in --out, and what
keeps it from being a grade yet (``grading.doubts``) said on stderr, with exit code 1."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from torch_dojo import grading, junit
from torch_dojo.grading import shards
from torch_dojo.cli import progress_bar, render
from torch_dojo.cli.context import UsageError, pack_of, print_json
from torch_dojo.pack import Exercise
from torch_dojo.runner import confinement
from torch_dojo.verdict import Verdict

PRELOAD_WAIT = 120.0  # seconds, at most, for a warm worker's whole preload before the first mark


def grade(args: argparse.Namespace) -> int:
    """Judge every student's folder (or one shard of them); a table on stdout, the file in --out
    (CSV or JSON, or a shard's document). With --merge, the shards' documents make the table."""
    from torch_dojo.runner.warm import WarmRunner, cuda_may_exist

    if args.merge is not None:
        return _merge(args)
    if args.submissions is None:
        raise UsageError("say which folder to grade: `torch-dojo grade SUBMISSIONS` (one subfolder per student), "
                         "or merge shards with `torch-dojo grade --merge SHARD.json... --out FILE`.")
    pack = pack_of(args)
    out, reports = _out(args), _junit_dir(args)
    spec = args.shard
    if spec is not None and (out is None or out.suffix.lower() != ".json"):
        raise UsageError(f"--shard {spec} writes the shard's document for --merge: give --out shard-{spec.index}.json.")
    students = everyone = grading.find_submissions(Path(args.submissions))
    if spec is not None:
        students = shards.part(everyone, spec)
    journal = grading.Journal(out.with_name(out.name + ".journal")) if out else None
    if journal and args.fresh:
        journal.clear()
    cache = grading.references.cache_folder()  # kept reference verdicts: closed to the submissions' code
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # nothing is kept there, then: it costs time, never a mark
    try:  # what confines the submissions' code: said first (runner.confinement decides and words it)
        wall = confinement.for_grading(args.confinement, pack_root=pack.root, submissions=Path(args.submissions),
                                       outputs=[p for p in (out, journal and journal.path, cache) if p])
    except confinement.Refused as err:
        print(f"torch-dojo: {err}", file=sys.stderr)
        return 2
    print(wall.summary(), file=sys.stderr, flush=True)

    def shard_document(grades: grading.Grades, complete: bool) -> None:
        shards.write(shards.to_json(grades, spec, class_roster=shards.roster(everyone), class_size=len(everyone),
                                    complete=complete), out)

    if spec is not None:
        names = f"({', '.join(s.student for s in students)})" if students else \
            "(an empty shard: there are more shards than students, so it judges nothing)"
        print(f"shard {spec}: {len(students)} of {len(everyone)} students {names}", file=sys.stderr, flush=True)
        shard_document(grading.Grades(pack, students, {}, confinement=wall.to_json()), complete=False)
    shown = progress_bar.GradingBar(len(students) * len(pack.exercises))

    def save(grades: grading.Grades) -> None:
        if spec is not None:
            shard_document(grades, complete=grades.complete)
        else:
            grading.write(grades, out)

    runners = [WarmRunner() for _ in range(args.jobs if students else 0)]  # an empty shard judges nothing
    grades = None
    try:
        with shown:
            for warm in runners:
                warm.start()
            for warm in runners:  # the whole preload first: else each early check imports
                warm.preloaded(timeout=PRELOAD_WAIT)  # torch._dynamo for itself (seconds, on every fork)
            references = grading.References(cache, machine={"confinement": [wall.mode, wall.active, wall.abi],
                                                            "gpu": cuda_may_exist()}, fresh=args.fresh)
            grades = grading.Grades(pack, [], {}, confinement=wall.to_json()) if not students else grading.grade(
                pack, students, checks=[partial(w.check, judged=True, confinement=wall) for w in runners],
                journal=journal, confinement=wall.to_json(), on_mark=shown.mark,
                on_reference=partial(_reference_line, shown.say), references=references)
        if out is not None:  # before the workers wind down: an interrupt then loses nothing
            save(grades)
    except KeyboardInterrupt:
        if grades is None:
            where = f"; run the same command again to go on from there ({journal.path} keeps them)" if journal \
                else "; give --out FILE to make a run resumable"
            print(f"torch-dojo: grading interrupted after {shown.done} of {shown.total} marks{where}.", file=sys.stderr)
            return 130
        if out is not None:  # every mark was known: the table is whole, write it all the same
            save(grades)
    finally:
        _close_all(runners)
    return _report(args, grades, out, reports)


def _out(args: argparse.Namespace) -> Path | None:
    out = Path(args.out) if args.out else None
    if out is not None:
        if out.suffix.lower() not in (".csv", ".json"):
            raise UsageError(f"--out {out}: the file must end in .csv or .json, which says its format.")
        if not out.parent.is_dir():
            raise UsageError(f"--out {out}: there is no folder {out.parent} to write it in.")
    return out


def _junit_dir(args: argparse.Namespace) -> Path | None:
    """--junit DIR, made if its parent is there."""
    if not args.junit:
        return None
    folder = Path(args.junit)
    if not folder.is_dir():
        if not folder.parent.is_dir():
            raise UsageError(f"--junit {folder}: there is no folder {folder.parent} to make it in.")
        folder.mkdir()
    return folder


def _merge(args: argparse.Namespace) -> int:
    """`grade --merge SHARD.json...`: the table one unsharded run writes, from every shard."""
    if args.submissions is not None or args.shard is not None:
        raise UsageError("--merge takes the shards' files only: no SUBMISSIONS and no --shard (the shards "
                         "were graded already).")
    out, reports = _out(args), _junit_dir(args)
    pack = pack_of(args)
    grades = shards.merge(pack, [shards.read(Path(p)) for p in args.merge])
    for exercise in pack.exercises:
        if exercise.slug in grades.expected and not grading.reference_holds(grades.expected[exercise.slug]):
            _reference_line(lambda line: print(line, file=sys.stderr), exercise, grades.expected[exercise.slug])
    if out is not None:
        grading.write(grades, out)
    return _report(args, grades, out, reports, merged=len(args.merge))


def _report(args: argparse.Namespace, grades: grading.Grades, out: Path | None, reports: Path | None,
            merged: int = 0) -> int:
    """The table on stdout (and each student's JUnit file), what keeps it from being a grade on
    stderr; the exit code."""
    if reports is not None:
        for student in grades.students:
            junit.write(junit.student(grades, student.student), reports / junit.file_name(student.student))
    doubts = grading.doubts(grades)
    _warn(doubts)
    if args.json:
        print_json(grading.to_json(grades))
    else:
        print(render.grades(grades, render.stdout_style()))
        if out is not None:
            reused = f" ({grades.reused} marks reused from {out.name}.journal)" if grades.reused else ""
            if grades.references_reused:
                reused += (f" ({grades.references_reused} reference verdicts reused from "
                           f"{grading.references.cache_folder()})")
            source = f" (merged from {merged} shards)" if merged else ""
            print(f"\nWritten to {out}{reused}{source}.")
    if not doubts.is_grade:
        print(f"torch-dojo: this table is not a grade yet: {doubts.why_not()} (see the warnings above).",
              file=sys.stderr)
        return 1
    return 0


def _reference_line(say, exercise: Exercise, verdict: Verdict) -> None:
    if grading.reference_holds(verdict):
        say(f"reference {exercise.label}: {verdict.status}")
    else:
        say(f"torch-dojo: warning: the reference solution of {exercise.label} does not pass on this machine "
            f"({verdict.status}: {grading.why(verdict)}). Marks of this exercise say more about the pack or the "
            "machine than about the students: `torch-dojo pack verify` shows what is wrong.")


def _warn(doubts: grading.Doubts) -> None:
    """What the reader of the table should know, on stderr."""
    if doubts.faults:
        first = doubts.faults[0]
        print(f"torch-dojo: warning: {len(doubts.faults)} mark(s) could not be judged, through no fault of the "
              f"students (first: {first.student} {first.exercise_id}: {first.message}). They are not kept in the "
              "journal: running the same command again judges them again.", file=sys.stderr)
    for mark in doubts.unsure:
        print(f"torch-dojo: warning: {mark.student} {mark.exercise_id} is missing: {mark.message}.", file=sys.stderr)
    for exercise, skipped in doubts.skipped:
        print(f"torch-dojo: warning: {exercise.label} was skipped for {len(skipped)} student(s): "
              f"{skipped[0].message} Grade it again on a machine that has what it needs.", file=sys.stderr)


def _close_all(runners: list) -> None:
    """End every warm worker, even when Ctrl-C comes while they wind down."""
    for warm in runners:
        try:
            warm.close()
        except KeyboardInterrupt:
            warm.close()
