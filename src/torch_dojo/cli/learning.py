"""The learner's commands: `torch-dojo` (no command), list, check, hint, solution, reset, doctor.

Each opens the learner's ``Session`` and asks it what the workbook would: what comes next,
whether the solution is unlocked, the next hint; the text around it is the CLI's own.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from torch_dojo import __version__, catalog, filesafe, junit, progress, record, runner, workspace
from torch_dojo.cli import render, streams
from torch_dojo.cli.progress_bar import ProgressBar
from torch_dojo.cli.context import (UsageError, find_workspace, given_path, named_pack, not_saved, open_session,
                                    print_json, reached, require_workspace, select, warned)
from torch_dojo.pack import Exercise
from torch_dojo.runner import confinement
from torch_dojo.runner.environment import probe
from torch_dojo.selection import Selection
from torch_dojo.session import Session
from torch_dojo.verdict import SCHEMA, Verdict

LIST_SCHEMA = "torch-dojo/list@1"
ALL_SCHEMA = "torch-dojo/check-all@1"
DOCTOR_SCHEMA = "torch-dojo/doctor@1"
ALL_FAILURES = "the same command with -v shows every one"  # when `check` leaves some failures out


def start(args: argparse.Namespace) -> int:
    """No command: find or create the workspace, then open the workbook (on a terminal) or
    say what to do next (without one: a pipe, CI, an editor's task runner).

    With --pack, that pack is added to the workspace (its files in a subfolder named after
    it) and the workbook shows it alone; without, every pack of the workspace."""
    named = named_pack(args)
    found = find_workspace(args)
    created, changes = found is None, []
    if created:
        place = args.workspace or (Path(os.environ[workspace.ENV_VAR]) if os.environ.get(workspace.ENV_VAR) else None)
        if place is None and streams.cwd_gone:
            raise UsageError("the current folder no longer exists (deleted or moved), so there is nowhere to find or "
                             "create your workspace: `cd` to a folder that exists, or give --workspace DIR.")
        found = catalog.create_workspace(given_path(place, "--workspace") if place else Path.cwd() / workspace.FOLDER,
                                         named)
    elif named is not None:  # added, or brought up to date; no other pack is touched
        found, _, added = catalog.add(found, named)
        changes.append(added)
    chosen = select(args, found)
    changes += [workspace.add_missing_starters(found, pack) for pack in chosen.packs]
    moved = [m for change in changes for m in change.moved]
    repaired = [p for change in changes for p in change.repaired]
    if repaired:
        print("These files were empty (a copy that failed earlier), so they hold the starter again: "
              + ", ".join(p.name for p in repaired))
    if moved:  # printed before the workbook opens, so it stays in the terminal after it
        print("Renamed your files to the pack's new numbering: " + ", ".join(f"{m.old.name} -> {m.new.name}" for m in moved))
    if streams.interactive():
        from torch_dojo import tui  # Textual only where it is used: the CLI stays quick

        return tui.run(Session.open(chosen.packs, found), first_run=created)  # the workbook says its warnings
    session = open_session(chosen, found)
    upcoming = session.next_to_do()
    style = render.stdout_style()
    verb = "Created your workspace" if created else "Your workspace is"
    print(f"{style('torch-dojo', 'bold')}: learn PyTorch by doing. {verb} at {found.root}")
    print("It holds one .py file per exercise: yours to edit, in any editor.\n")
    print(_exercise_lists(chosen, session.state, style))
    if upcoming is None:
        print("\nEvery exercise passed. Well done! `torch-dojo solution ID` compares with the reference.")
    else:
        print(f"\nNext: open {found.file_for(upcoming)} in your editor, then run")
        print(f"    torch-dojo check {chosen.address(upcoming)}    to judge it")
        print(f"    torch-dojo hint {chosen.address(upcoming)}     for one hint at a time")
    return 0


def list_exercises(args: argparse.Namespace) -> int:
    chosen = select(args, find_workspace(args))
    found, session = chosen.workspace, open_session(chosen)
    state = session.state if session else None
    if args.json:
        rows = []
        for e in chosen.exercises:
            entry = state.of(found.key(e)) if state else progress.ExerciseProgress()
            rows.append({"id": e.id, "slug": e.slug, "pack": e.pack, "address": chosen.address(e), "title": e.title,
                         "chapter": e.chapter, "book": e.book,
                         "requires": sorted(e.requires), "file": str(found.file_for(e)) if found else None,
                         "status": entry.status, "hints_shown": entry.hints_shown, "hints": len(e.hints),
                         **_record_json(entry)})
        described = [{"name": p.name, "title": p.title, "version": p.version, "root": str(p.root)} for p in chosen.packs]
        print_json({"schema": LIST_SCHEMA, "pack": described[0] if len(described) == 1 else None,
                    "packs": described, "workspace": str(found.root) if found else None, "exercises": rows})
    else:
        print(_exercise_lists(chosen, state, render.stdout_style()))
        if chosen.outside:
            print(f"\nNo progress shown: {chosen.outside}.")
        elif not found:
            print("\nNo workspace here yet: run `torch-dojo` to create one.")
    return 0


def check(args: argparse.Namespace) -> int:
    chosen = select(args, find_workspace(args))
    if args.junit:
        args.junit = given_path(args.junit, "--junit")
        if not args.junit.parent.is_dir():
            raise UsageError(f"--junit {args.junit}: there is no folder {args.junit.parent} to write it in.")
    if args.all:
        if args.exercise or args.file:
            raise UsageError("`check --all` takes no exercise and no --file.")
        return _check_all(chosen, require_workspace(args, chosen), args)
    if not args.exercise:
        raise _no_exercise(chosen, "check", ", or `check --all` for every one")
    found = None if args.file else require_workspace(args, chosen)  # before the exercise: its pack may be there
    exercise = chosen.find(args.exercise)
    if args.file:
        file = given_path(args.file, "--file")
        if filesafe.file_problem(file):
            raise UsageError(f"{filesafe.file_problem(file)}: give the path of your exercise's .py file.")
    else:
        file = found.file_for(exercise)
        _judgeable(file, chosen.address(exercise))
    verdict = runner.check(exercise, file, time_limit=args.timeout)
    reached.append(0 if verdict.passed else 1)
    session = open_session(chosen, found) if found is not None else None  # --file keeps no progress, so no second hints
    if session is not None:
        verdict = session.as_seen(exercise, verdict)
    if args.junit:
        junit.write(junit.verdicts([verdict]), args.junit)
    if args.json:
        print_json(verdict.to_json())
    else:
        print(render.verdict(verdict, render.stdout_style(), next_step=_next_step(chosen, exercise, verdict, session),
                             failures=None if args.verbose else render.SHOWN_FAILURES, all_failures=ALL_FAILURES))
    if session is not None:  # saved after it is shown: a verdict reached is never hidden
        _remember(session, exercise, verdict)
    return reached[-1]


def _check_all(chosen: Selection, found: workspace.Workspace, args: argparse.Namespace) -> int:
    from torch_dojo.runner.warm import WarmRunner  # one torch import for all, not one each

    style = render.stdout_style()
    verdicts: list[Verdict] = []
    reached.append(1)  # cut short (`| head`), not every exercise was seen to pass
    unjudged = 0
    by_address: dict[str, Verdict] = {}  # for the table at the end, in the pack's order
    session = open_session(chosen, found)
    with WarmRunner() as warm, ProgressBar(len(chosen.exercises), "checking", shares_stdout=True) as shown:
        for exercise in chosen.exercises:
            shown.now(f"checking {chosen.address(exercise)} {exercise.slug}")
            problem = filesafe.file_problem(found.file_for(exercise))
            if problem and os.path.lexists(found.file_for(exercise)):  # a missing one is an error verdict
                unjudged += 1
                print(f"torch-dojo: {chosen.address(exercise)} not judged: {problem}. Move it away, then "
                      f"`torch-dojo reset {chosen.address(exercise)}` puts a fresh starter there.", file=sys.stderr)
                shown.step()
                continue
            verdict = session.as_seen(exercise, warm.check(exercise, found.file_for(exercise), time_limit=args.timeout))
            verdicts.append(verdict)
            by_address[chosen.address(exercise)] = verdict
            _remember(session, exercise, verdict)
            shown.step()
    if args.junit:
        junit.write(junit.verdicts(verdicts), args.junit)
    passed = sum(v.passed for v in verdicts)
    if args.json:
        print_json({"schema": ALL_SCHEMA, "verdict_schema": SCHEMA,
                    "summary": {"passed": passed, "total": len(verdicts),
                                "duration": round(sum(v.duration for v in verdicts), 3)},
                    "verdicts": [v.to_json() for v in verdicts]})
    else:  # the details of what did not pass, then one row each: what a learner reads last
        for verdict in (v for v in verdicts if not v.passed):
            print(render.verdict(verdict, style, failures=None if args.verbose else render.SHOWN_FAILURES,
                                 all_failures=ALL_FAILURES) + "\n")
        rows = [(chosen.address(e), e.slug, by_address.get(chosen.address(e))) for e in chosen.exercises]
        print(render.check_all(rows, style))
    reached.append(0 if passed == len(verdicts) and not unjudged else 1)
    return reached[-1]


def _remember(session: Session, exercise: Exercise, verdict: Verdict) -> None:
    """Save the verdict (after it was shown); one that cannot be saved is said, once a run."""
    sys.stdout.flush()
    not_saved(session.remember(exercise, verdict), "so this verdict is not remembered (the verdict itself stands)")
    warned(session)


def hint(args: argparse.Namespace) -> int:
    chosen = select(args, find_workspace(args))
    exercise = _named(args, chosen, "hint")
    address, session = chosen.address(exercise), open_session(chosen)
    if session is None:
        print(f"Hint 1 of {len(exercise.hints)} for {exercise.label}:\n  {exercise.hints[0]}")
        print("\n(No workspace here, so hints are not remembered: run `torch-dojo` to create one.)")
        return 0
    session.reveal_hint(exercise)  # shown all the same when it cannot be remembered, and the learner told
    warned(session)
    shown = len(session.hints_shown(exercise))
    for number, text in enumerate(exercise.hints[:shown], start=1):
        marker = ">" if number == shown else " "
        print(f"{marker} Hint {number} of {len(exercise.hints)}: {text}")
    if shown == len(exercise.hints):
        print(f"\nThat was the last hint. Still stuck? `torch-dojo solution {address} --force` shows the answer.")
    else:
        print(f"\nRun `torch-dojo hint {address}` again for the next one.")
    not_saved(session.not_saved, "so this hint is not remembered")
    return 0


def solution(args: argparse.Namespace) -> int:
    chosen = select(args, find_workspace(args))
    exercise = _named(args, chosen, "solution")
    session = open_session(chosen)
    if not (session is not None and session.solution_unlocked(exercise) or args.force):
        print(f"The solution of {exercise.label} opens once your file passes; finding it yourself is the "
              f"point. `torch-dojo hint {chosen.address(exercise)}` helps; `--force` shows it now.", file=sys.stderr)
        return 1
    print(render.source(exercise.solution.read_text(encoding="utf-8"), render.stdout_style()), end="")
    return 0


def reset(args: argparse.Namespace) -> int:
    chosen = select(args, find_workspace(args))
    exercise = _named(args, chosen, "reset")
    session = open_session(chosen, require_workspace(args, chosen))
    backup = session.reset(exercise)
    print(f"{session.file_for(exercise)} is a fresh starter again.")
    if backup:
        print(f"What you had is saved at {backup}")
    warned(session)
    not_saved(session.not_saved, "so the exercise still shows its last verdict until you check it again")
    return 0


def doctor(args: argparse.Namespace) -> int:
    env = probe()
    if args.json:
        print_json({"schema": DOCTOR_SCHEMA, "version": __version__, **env.to_json(),
                    "confinement": {"landlock_abi": confinement.abi(), "says": confinement.availability()}})
    else:
        print(f"torch-dojo {__version__}")
        print(render.environment(env, render.stdout_style()))
        print(f"grading confinement (Landlock): {confinement.availability()}")
    return 1 if env.torch_problem else 0


def _exercise_lists(chosen: Selection, state: progress.Progress | None, style: render.Style) -> str:
    """Each pack's exercises with the learner's progress; another pack's ids need its name."""
    found, parts = chosen.workspace, []
    for pack in chosen.packs:
        # render keys progress by slug; a pack beyond the first keeps it under PACK/SLUG
        view = progress.Progress({e.slug: state.of(found.key(e)) for e in pack.exercises}) if state else None
        text = render.exercise_list(pack, view, style)
        if pack.name != chosen.bare:
            text += f"\n  (exercises of this pack are {pack.name}/ID or {pack.name}/SLUG)"
        parts.append(text)
    return "\n\n".join(parts)


def _named(args: argparse.Namespace, chosen: Selection, command: str) -> Exercise:
    """The exercise the command names; a command that names none is told how to."""
    if not args.exercise:
        raise _no_exercise(chosen, command)
    return chosen.find(args.exercise)


def _no_exercise(chosen: Selection, command: str, other: str = "") -> UsageError:
    """Which exercise to name; for `check` and `hint`, the learner's next one is the example."""
    found, upcoming = chosen.workspace, None
    if found is not None and command in ("check", "hint"):
        upcoming = Session.open(chosen.packs, found).next_to_do()
    example = chosen.address(upcoming or chosen.exercises[0])
    which = f" ({example}: the first you have not passed)" if upcoming else ""
    return UsageError(f"say which exercise, by its id or slug: `torch-dojo {command} {example}`{which}{other}.")


def _record_json(entry: progress.ExerciseProgress) -> dict:
    """The learner's record of an exercise, as `list --json` gives it (docs/json.md)."""
    took = record.time_to_pass(entry)
    return {"attempts": entry.attempt_count, "first_passed_at": entry.first_passed_at or None,
            "attempts_to_pass": entry.attempts_to_pass, "hints_before_pass": entry.hints_before_pass,
            "seconds_to_pass": int(took.total_seconds()) if took is not None else None,
            "review_due": entry.review_due or None}


def _judgeable(file: Path, address: str) -> None:
    """Stop before the runner when the learner's path holds something that is not a file (a
    missing file is judged: its verdict says to reset)."""
    problem = filesafe.file_problem(file)
    if problem and os.path.lexists(file):
        raise UsageError(f"{problem}. Nothing was judged. Move it away (or fix the link), then "
                         f"`torch-dojo reset {address}` puts a fresh starter there.")


def _next_step(chosen: Selection, exercise: Exercise, verdict: Verdict, session: Session | None) -> str:
    if session is None:
        return ""
    address = chosen.address(exercise)
    if verdict.passed:
        later = session.next_open(exercise)  # the progress file does not know of this pass yet
        following = (f" Next: `torch-dojo check {chosen.address(later)}` ({later.title})." if later else
                     " That was the last one left: every exercise has passed. Well done!")
        return (f"Passed! `torch-dojo solution {address}` shows the reference to compare with."
                + following)
    return (f"Edit {session.file_for(exercise)} and run `torch-dojo check {address}` again; "
            f"`torch-dojo hint {address}` gives one hint at a time.")
