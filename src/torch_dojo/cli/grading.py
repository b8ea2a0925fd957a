"""`torch-dojo grade`: the class's folders judged, the table on stdout and in --out, and what
keeps it from being a grade yet (``grading.doubts``) said on stderr, with exit code 1."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from torch_dojo import grading
from torch_dojo.cli import render
from torch_dojo.cli.context import UsageError, pack_of, print_json
from torch_dojo.pack import Exercise
from torch_dojo.runner import confinement
from torch_dojo.verdict import Verdict


def grade(args: argparse.Namespace) -> int:
    """Judge every student's folder; a table on stdout, the file in --out (CSV or JSON)."""
    from torch_dojo.runner.warm import WarmRunner, cuda_may_exist

    pack = pack_of(args)
    out = Path(args.out) if args.out else None
    if out is not None:
        if out.suffix.lower() not in (".csv", ".json"):
            raise UsageError(f"--out {out}: the file must end in .csv or .json, which says its format.")
        if not out.parent.is_dir():
            raise UsageError(f"--out {out}: there is no folder {out.parent} to write it in.")
    students = grading.find_submissions(Path(args.submissions))
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
    total = len(students) * len(pack.exercises)
    done = 0

    def progress_line(mark: grading.Mark, reused: bool) -> None:
        nonlocal done
        done += 1
        note = " (from the journal)" if reused else ""
        print(f"[{done:>{len(str(total))}}/{total}] {mark.student}  {mark.exercise_id} {mark.slug}: {mark.status} "
              f"{grading.number(mark.earned)}/{grading.number(mark.possible)}{note}", file=sys.stderr, flush=True)

    def reference_line(exercise: Exercise, verdict: Verdict) -> None:
        if grading.reference_holds(verdict):
            print(f"reference {exercise.label}: {verdict.status}", file=sys.stderr, flush=True)
        else:
            print(f"torch-dojo: warning: the reference solution of {exercise.label} does not pass on this machine "
                  f"({verdict.status}: {grading.why(verdict)}). Marks of this exercise say more about the pack or the "
                  "machine than about the students: `torch-dojo pack verify` shows what is wrong.",
                  file=sys.stderr, flush=True)

    runners = [WarmRunner() for _ in range(args.jobs)]
    grades = None
    try:
        for warm in runners:
            warm.start()
        references = grading.References(cache, machine={"confinement": [wall.mode, wall.active, wall.abi],
                                                        "gpu": cuda_may_exist()}, fresh=args.fresh)
        grades = grading.grade(pack, students, checks=[partial(w.check, judged=True, confinement=wall) for w in runners],
                               journal=journal, confinement=wall.to_json(), on_mark=progress_line,
                               on_reference=reference_line, references=references)
        if out is not None:  # before the workers wind down: an interrupt then loses nothing
            grading.write(grades, out)
    except KeyboardInterrupt:
        if grades is None:
            where = f"; run the same command again to go on from there ({journal.path} keeps them)" if journal \
                else "; give --out FILE to make a run resumable"
            print(f"torch-dojo: grading interrupted after {done} of {total} marks{where}.", file=sys.stderr)
            return 130
        if out is not None:  # every mark was known: the table is whole, write it all the same
            grading.write(grades, out)
    finally:
        _close_all(runners)
    doubts = grading.doubts(grades)
    _warn(doubts)
    if args.json:
        print_json(grading.to_json(grades))
    else:
        print(render.grades(grades, render.stdout_style()))
        if out is not None:
            reused = f" ({grades.reused} marks reused from {journal.path.name})" if grades.reused else ""
            if grades.references_reused:
                reused += (f" ({grades.references_reused} reference verdicts reused from "
                           f"{grading.references.cache_folder()})")
            print(f"\nWritten to {out}{reused}.")
    if not doubts.is_grade:
        print(f"torch-dojo: this table is not a grade yet: {doubts.why_not()} (see the warnings above).",
              file=sys.stderr)
        return 1
    return 0


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
