"""The learner's commands beyond one exercise's check: `review` (practice that comes back)
and `progress export` / `progress import` (progress that travels between machines).

The rules are the domain's (review.py, transfer.py, through the ``Session``); this module
says them. Refusals (nothing passed yet, not an export, another pack's file) exit 2.
"""

from __future__ import annotations

import argparse
import os

from torch_dojo import clock, filesafe, progress, review, runner, transfer, workspace
from torch_dojo.cli import render
from torch_dojo.cli.context import (UsageError, find_workspace, given_path, not_saved, open_session, print_json,
                                    reached, require_workspace, select, warned)
from torch_dojo.pack import Exercise
from torch_dojo.selection import Selection
from torch_dojo.session import Session

REVIEW_SCHEMA = "torch-dojo/review@1"


def review_command(args: argparse.Namespace) -> int:
    """`review`: what is due and what comes next; `review ID`: start that review, or check it."""
    chosen = select(args, find_workspace(args))
    found = require_workspace(args, chosen)
    session = open_session(chosen, found)
    if args.exercise:
        if args.json:
            raise UsageError("`review --json` lists what is due; `review ID` starts or checks one and prints text "
                             "(`torch-dojo check ID --file PATH --json` judges any file as JSON).")
        return _review(chosen, session, chosen.find(args.exercise))
    due, upcoming = session.reviews()
    if args.json:
        def row(item: review.Review) -> dict:
            e = item.exercise
            return {"id": e.id, "slug": e.slug, "pack": e.pack, "address": chosen.address(e), "title": e.title,
                    "due": item.due.isoformat()}

        print_json({"schema": REVIEW_SCHEMA, "today": clock.today().isoformat(), "workspace": str(found.root),
                    "due": [row(r) for r in due], "upcoming": [row(r) for r in upcoming]})
        return 0
    today = clock.today()
    if not due and not upcoming:
        print("Nothing to review yet: an exercise you pass comes back for review after 1, 3, 7 and 21 days "
              "(then every 21 days).")
        return 0
    if due:
        print(f"Due for review ({len(due)}):")
        print("\n".join(f"  {chosen.address(r.exercise):<8} {r.exercise.title}: due {review.when(r.due, today)}"
                        for r in due))
        print(f"\nStart one: `torch-dojo review {chosen.address(due[0].exercise)}` gives you a fresh copy of the "
              "starter to solve again (your solved file is not touched).")
    else:
        print("Nothing is due for review today.")
    if upcoming:
        print("\nComing up:")
        print("\n".join(f"  {chosen.address(r.exercise):<8} {r.exercise.title}: due {review.when(r.due, today)}"
                        for r in upcoming))
    return 0


def _review(chosen: Selection, session: Session, exercise: Exercise) -> int:
    address, entry = chosen.address(exercise), session.record_of(exercise)
    if not entry.ever_passed:
        raise UsageError(f"{exercise.label} comes up for review once you passed it: solve "
                         f"{session.file_for(exercise)} and `torch-dojo check {address}` first.")
    copy = session.review_copy(exercise)
    if not os.path.lexists(copy):
        copy = session.start_review(exercise)
        due = review.due_date(entry.review_due)
        today = clock.today()
        when = ("It is due today." if due is None or due <= today else
                f"It is not due until {due.isoformat()}: a review now counts all the same.")
        print(f"Review of {exercise.label}: a fresh copy of the starter is at\n    {copy}\n"
              f"Solve it again without looking at your solved file ({session.file_for(exercise)}, which stays as "
              f"it is). {when}\nThen `torch-dojo review {address}` checks it.")
        return 0
    if problem := filesafe.file_problem(copy):
        raise UsageError(f"{problem}. Nothing was judged: move it away, and `torch-dojo review {address}` puts a "
                         "fresh copy there.")
    if review.untouched(copy, exercise):
        print(f"{copy} is still the starter, so there is nothing to judge yet: solve it, then run "
              f"`torch-dojo review {address}` again.")
        return 1
    verdict = runner.check(exercise, copy)
    reached.append(0 if verdict.passed else 1)
    print(render.verdict(verdict, render.stdout_style(), failures=render.SHOWN_FAILURES))
    unsaved = session.reviewed(exercise, verdict)
    due = review.due_date(session.record_of(exercise).review_due)
    when = review.when(due, clock.today()) if due else "tomorrow"
    if verdict.passed:
        print(f"\nReview passed: {exercise.label} comes back {when}.")
    else:
        print(f"\nReview not passed: {exercise.label} comes back {when}. Your copy stays at {copy}: fix it and "
              f"run `torch-dojo review {address}` again.")
    not_saved(unsaved, "so the review's new date is not remembered")
    warned(session)
    return reached[-1]


def progress_export(args: argparse.Namespace) -> int:
    chosen = select(args, find_workspace(args))
    found = require_workspace(args, chosen)
    session = open_session(chosen, found)
    target = given_path(args.file, "FILE").resolve()
    try:
        count = transfer.export(session.state, _first_pack(found, chosen), target)
    except transfer.TransferError as err:
        raise UsageError(str(err)) from None
    print(f"Exported the progress of {count} exercise{'s' if count != 1 else ''} to {target}.\n"
          f"On your other machine: `torch-dojo progress import {target.name}` merges it (your exercise files "
          "do not travel: copy them too if you want them there).")
    return 0


def progress_import(args: argparse.Namespace) -> int:
    chosen = select(args, find_workspace(args))
    found = require_workspace(args, chosen)
    source = given_path(args.file, "FILE")
    try:
        carried = transfer.read(source, _first_pack(found, chosen))
    except transfer.TransferError as err:
        raise UsageError(str(err)) from None
    merged: list[transfer.Merged] = []
    state = progress.update(found.progress_file, lambda here: merged.append(transfer.merge(here, carried.progress)))
    done = merged[0]
    session = Session(chosen.packs, found, state)
    passed = f"{session.passed_count()} of {len(session.exercises)} exercises passed here now"
    if not done.changed:
        print(f"Nothing new in {source}: everything it holds was here already ({passed}).")
    else:
        print(f"Imported {source} (exported {carried.exported_at.replace('T', ' ') or 'at an unknown time'}): "
              f"{done.changed} of {done.exercises} exercises updated, {done.newly_passed} newly passed; {passed}. "
              "Your exercise files were not touched.")
    return 0


def _first_pack(found: workspace.Workspace, chosen: Selection) -> str:
    """The pack whose exercises progress keys by bare slug: the workspace's first."""
    return workspace.pack_name(found) or (found.members[0].name if found.members else chosen.packs[0].name)
