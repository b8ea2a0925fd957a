"""The `torch-dojo` command: arguments in, domain calls, text or JSON out.

Exit codes: 0 passed (or done), 1 not passed, 2 usage error (unknown exercise, missing
file, bad pack, no workspace) or a file that could not be read or written; once a verdict
is reached, its code, whatever fails after it (saving progress, writing the output).
Nothing here reads stdin, so it runs the same with no terminal at all, and with stdin,
stdout or stderr closed, a console that cannot show UTF-8, or a current folder deleted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from torch_dojo import __version__, grading, packs, progress, render, runner, workspace
from torch_dojo.verdict import failing
from torch_dojo.grading import GradeError
from torch_dojo.pack import Exercise, Pack, PackError, UnknownExercise, load_pack
from torch_dojo.packs import PacksError, Selection
from torch_dojo.verdict import SCHEMA, Status, Verdict
from torch_dojo.runner import confinement
from torch_dojo.runner.environment import describe
from torch_dojo.verify import verify_pack
from torch_dojo.workspace import Workspace, WorkspaceError

LIST_SCHEMA = "torch-dojo/list@1"
ALL_SCHEMA = "torch-dojo/check-all@1"
VERIFY_SCHEMA = "torch-dojo/verify@1"
DOCTOR_SCHEMA = "torch-dojo/doctor@1"
PACKS_SCHEMA = "torch-dojo/packs@1"
PACK_VAR = "TORCH_DOJO_PACK"
ALL_FAILURES = "the same command with -v shows every one"  # when `check` leaves some failures out


class UsageError(Exception):
    pass


class _OutputError(OSError):
    """stdout could not be written (full, gone): not a problem with the learner's files."""


class _Output:
    """stdout, whose write errors say they are stdout's (every other OSError is a file's)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise _OutputError(err.errno, err.strerror) from err

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            raise _OutputError(err.errno, err.strerror) from err

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


_reached: list[int] = []  # the exit code a verdict set, once reached: kept whatever fails after it
_cwd_gone = False  # the current folder was deleted (or moved) under us


def main(argv: list[str] | None = None) -> int:
    _guard_streams()
    args = _parser().parse_args(argv)
    _reached.clear()
    try:
        code = args.command(args)
        sys.stdout.flush()  # a full stdout fails here, not after main returned
        return code
    except (UsageError, PackError, PacksError, UnknownExercise, WorkspaceError, GradeError) as err:
        print(f"torch-dojo: {err}", file=sys.stderr)
        return _reached[-1] if _reached else 2
    except KeyboardInterrupt:
        print("torch-dojo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `torch-dojo list | head`: fine, unless a verdict did not pass
        _silence_stdout()
        return _reached[-1] if _reached else 0
    except _OutputError as err:
        _silence_stdout()
        print(f"torch-dojo: could not write the output: {err.strerror or err}. Nothing else is affected: "
              "run the command again with its output going where there is room (a terminal, a file).",
              file=sys.stderr)
        return _reached[-1] if _reached else 2
    except OSError as err:  # a file of the workspace or a pack could not be read or written
        print(f"torch-dojo: {_os_problem(err)}", file=sys.stderr)
        return _reached[-1] if _reached else 2


def _os_problem(err: OSError) -> str:
    """What failed, why, and what to do, for an OSError no command turned into a message."""
    if isinstance(err, progress.NotSaved):
        return f"{err}. Your files are untouched; make the folder writable or free some space, then run this again."
    what = f" {err.filename}" + (f" -> {err.filename2}" if err.filename2 else "") if err.filename else ""
    return (f"could not use{what}: {err.strerror or err}. Nothing was changed that was not finished: fix that "
            "(free some space, make the folder writable, or move the file away) and run this again.")


def _guard_streams() -> None:
    """Closed stdin, stdout or stderr (`<&-`, `>&-`) become /dev/null: no file we open can take
    their place, and nothing fails for writing to them. A console that cannot show a character
    gets '?' for it; write errors of stdout are told apart from those of the learner's files."""
    global _cwd_gone
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))
    for stream in (sys.stdout, sys.stderr):
        if not _utf8(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if not isinstance(sys.stdout, _Output) and not sys.stdout.isatty():  # the TUI writes to a terminal itself
        sys.stdout = _Output(sys.stdout)
    try:
        os.getcwd()
        _cwd_gone = False
    except OSError:  # deleted under us: work from a folder that exists (checks, doctor run processes)
        _cwd_gone = True
        os.chdir(Path.home() if Path.home().is_dir() else "/")


def _utf8(stream) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def _silence_stdout() -> None:
    """What stdout still buffers goes nowhere, so exiting does not fail on it again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


# Commands ---------------------------------------------------------------------------------

def start(args: argparse.Namespace) -> int:
    """No command: find or create the workspace, then open the workbook (on a terminal) or
    say what to do next (without one: a pipe, CI, an editor's task runner).

    With --pack, that pack is added to the workspace (its files in a subfolder named after
    it) and the workbook shows it alone; without, every pack of the workspace."""
    named = _named_pack(args)
    found = _find_workspace(args)
    created, changes = found is None, []
    if created:
        place = args.workspace or (Path(os.environ[workspace.ENV_VAR]) if os.environ.get(workspace.ENV_VAR) else None)
        if place is None and _cwd_gone:
            raise UsageError("the current folder no longer exists (deleted or moved), so there is nowhere to find or "
                             "create your workspace: `cd` to a folder that exists, or give --workspace DIR.")
        found = packs.create_workspace(_given_path(place, "--workspace") if place else Path.cwd() / workspace.FOLDER,
                                       named)
    elif named is not None:  # added, or brought up to date; no other pack is touched
        found, _, added = packs.add(found, named)
        changes.append(added)
    chosen = _select(args, found)
    changes += [workspace.add_missing_starters(found, pack) for pack in chosen.packs]
    moved = [m for change in changes for m in change.moved]
    repaired = [p for change in changes for p in change.repaired]
    if repaired:
        print("These files were empty (a copy that failed earlier), so they hold the starter again: "
              + ", ".join(p.name for p in repaired))
    if moved:  # printed before the workbook opens, so it stays in the terminal after it
        print("Renamed your files to the pack's new numbering: " + ", ".join(f"{m.old.name} -> {m.new.name}" for m in moved))
    if _interactive():
        from torch_dojo import tui  # Textual only where it is used: the CLI stays quick

        return tui.run(chosen.packs, found, first_run=created)
    state = _load_progress(found)
    upcoming = next((e for e in chosen.exercises if state.of(found.key(e)).status != "passed"), None)
    style = render.stdout_style()
    verb = "Created your workspace" if created else "Your workspace is"
    print(f"{style('torch-dojo', 'bold')}: learn PyTorch by doing. {verb} at {found.root}")
    print("It holds one .py file per exercise: yours to edit, in any editor.\n")
    print(_exercise_lists(chosen, state, style))
    if upcoming is None:
        print("\nEvery exercise passed. Well done! `torch-dojo solution ID` compares with the reference.")
    else:
        print(f"\nNext: open {found.file_for(upcoming)} in your editor, then run")
        print(f"    torch-dojo check {chosen.address(upcoming)}    to judge it")
        print(f"    torch-dojo hint {chosen.address(upcoming)}     for one hint at a time")
    return 0


def list_exercises(args: argparse.Namespace) -> int:
    chosen = _select(args, _find_workspace(args))
    found = chosen.workspace
    state = _load_progress(found) if found else None
    if args.json:
        rows = []
        for e in chosen.exercises:
            entry = state.of(found.key(e)) if state else progress.ExerciseProgress()
            rows.append({"id": e.id, "slug": e.slug, "pack": e.pack, "address": chosen.address(e), "title": e.title,
                         "chapter": e.chapter, "book": e.book,
                         "requires": sorted(e.requires), "file": str(found.file_for(e)) if found else None,
                         "status": entry.status, "hints_shown": entry.hints_shown, "hints": len(e.hints)})
        described = [{"name": p.name, "title": p.title, "version": p.version, "root": str(p.root)} for p in chosen.packs]
        _print_json({"schema": LIST_SCHEMA, "pack": described[0] if len(described) == 1 else None,
                     "packs": described, "workspace": str(found.root) if found else None, "exercises": rows})
    else:
        print(_exercise_lists(chosen, state, render.stdout_style()))
        if chosen.outside:
            print(f"\nNo progress shown: {chosen.outside}.")
        elif not found:
            print("\nNo workspace here yet: run `torch-dojo` to create one.")
    return 0


def list_packs(args: argparse.Namespace) -> int:
    """Every pack there is, whether it loads, and where it comes from (exit 1 only when none loads)."""
    found = _find_workspace(args)
    named = _named_pack(args)
    extra = [named] if named is not None and Path(named).expanduser().exists() else []
    every = packs.available(extra, found)
    if args.json:
        _print_json({"schema": PACKS_SCHEMA, "workspace": str(found.root) if found else None,
                     "packs": [a.to_json(found) for a in every]})
    else:
        style = render.stdout_style()
        for one in every:
            mark = style.mark(Status.PASSED if one.ok else Status.FAILED)
            held = style("  (in your workspace)", "cyan") if found and found.holds(one.name) and one.ok else ""
            if one.pack is not None:
                size = f"{len(one.pack.exercises)} exercise{'s' if len(one.pack.exercises) != 1 else ''}"
                version = f" {one.pack.version}" if one.pack.version else ""
                print(f"{mark} {style(one.name, 'bold')}{version}: {one.pack.title}, {size}{held}")
            else:
                print(f"{mark} {style(one.name, 'bold')}")
            where = one.origin.detail or str(one.root or "")
            if one.root and str(one.root) != where:
                where += f" ({one.root})"
            print(style(f"    {one.origin.kind}: {where}", "dim"))
            if one.problem:
                print(f"    {style('problem:', 'red')} {one.problem}")
        print("\n`torch-dojo --pack NAME` (or PATH) adds a pack to your workspace; its exercises are NAME/ID.")
    return 0 if any(a.ok for a in every) else 1


def check(args: argparse.Namespace) -> int:
    chosen = _select(args, _find_workspace(args))
    if args.all:
        if args.exercise or args.file:
            raise UsageError("`check --all` takes no exercise and no --file.")
        return _check_all(chosen, _require_workspace(args, chosen), args)
    if not args.exercise:
        raise UsageError("say which exercise: `torch-dojo check 01` (or `check --all`).")
    found = None if args.file else _require_workspace(args, chosen)  # before the exercise: its pack may be there
    exercise = chosen.find(args.exercise)
    if args.file:
        file = _given_path(args.file, "--file")
        if workspace.file_problem(file):
            raise UsageError(f"{workspace.file_problem(file)}: give the path of your exercise's .py file.")
    else:
        file = found.file_for(exercise)
        _judgeable(file, chosen.address(exercise))
    verdict = runner.check(exercise, file, time_limit=args.timeout)
    _reached.append(0 if verdict.passed else 1)
    if found is not None:  # --file keeps no progress, so it has no second hints either
        verdict = progress.as_seen(_load_progress(found), found.key(exercise), verdict)
    if args.json:
        _print_json(verdict.to_json())
    else:
        print(render.verdict(verdict, render.stdout_style(), next_step=_next_step(chosen, exercise, verdict, found),
                             failures=None if args.verbose else render.SHOWN_FAILURES, all_failures=ALL_FAILURES))
    if found is not None:  # saved after it is shown: a verdict reached is never hidden
        sys.stdout.flush()
        _remember(found, exercise, verdict)
    return _reached[-1]


def _check_all(chosen: Selection, found: Workspace, args: argparse.Namespace) -> int:
    from torch_dojo.runner.warm import WarmRunner  # one torch import for all, not one each

    style = render.stdout_style()
    verdicts: list[Verdict] = []
    _reached.append(1)  # cut short (`| head`), not every exercise was seen to pass
    unjudged = 0
    with WarmRunner() as warm:
        for exercise in chosen.exercises:
            problem = workspace.file_problem(found.file_for(exercise))
            if problem and os.path.lexists(found.file_for(exercise)):  # a missing one is an error verdict
                unjudged += 1
                print(f"torch-dojo: {chosen.address(exercise)} not judged: {problem}. Move it away, then "
                      f"`torch-dojo reset {chosen.address(exercise)}` puts a fresh starter there.", file=sys.stderr)
                continue
            verdict = warm.check(exercise, found.file_for(exercise), time_limit=args.timeout)
            verdict = progress.as_seen(_load_progress(found), found.key(exercise), verdict)
            verdicts.append(verdict)
            if not args.json:
                print(render.verdict(verdict, style, failures=None if args.verbose else render.SHOWN_FAILURES,
                                     all_failures=ALL_FAILURES) + "\n", flush=True)
            _remember(found, exercise, verdict)
    passed = sum(v.passed for v in verdicts)
    if args.json:
        _print_json({"schema": ALL_SCHEMA, "verdict_schema": SCHEMA,
                     "summary": {"passed": passed, "total": len(verdicts),
                                 "duration": round(sum(v.duration for v in verdicts), 3)},
                     "verdicts": [v.to_json() for v in verdicts]})
    else:
        print(f"{passed} of {len(verdicts) + unjudged} exercises passed.")
    _reached.append(0 if passed == len(verdicts) and not unjudged else 1)
    return _reached[-1]


def hint(args: argparse.Namespace) -> int:
    chosen = _select(args, _find_workspace(args))
    exercise = chosen.find(args.exercise)
    found, address = chosen.workspace, chosen.address(exercise)
    if found is None:
        print(f"Hint 1 of {len(exercise.hints)} for {exercise.label}:\n  {exercise.hints[0]}")
        print("\n(No workspace here, so hints are not remembered: run `torch-dojo` to create one.)")
        return 0
    key = found.key(exercise)
    try:
        shown = _warn(progress.reveal_hint(found.progress_file, key, len(exercise.hints))).of(key).hints_shown
        not_saved = None
    except progress.NotSaved as err:  # the hint is shown all the same, and the learner told
        shown = min(_load_progress(found).of(key).hints_shown + 1, len(exercise.hints))
        not_saved = err
    for number, text in enumerate(exercise.hints[:shown], start=1):
        marker = ">" if number == shown else " "
        print(f"{marker} Hint {number} of {len(exercise.hints)}: {text}")
    if shown == len(exercise.hints):
        print(f"\nThat was the last hint. Still stuck? `torch-dojo solution {address} --force` shows the answer.")
    else:
        print(f"\nRun `torch-dojo hint {address}` again for the next one.")
    if not_saved is not None:
        sys.stdout.flush()
        _not_saved(not_saved, "so this hint is not remembered")
    return 0


def solution(args: argparse.Namespace) -> int:
    chosen = _select(args, _find_workspace(args))
    exercise = chosen.find(args.exercise)
    found = chosen.workspace
    passed = bool(found) and _load_progress(found).of(found.key(exercise)).ever_passed
    if not (passed or args.force):
        print(f"The solution of {exercise.label} opens once your file passes; finding it yourself is the "
              f"point. `torch-dojo hint {chosen.address(exercise)}` helps; `--force` shows it now.", file=sys.stderr)
        return 1
    print(render.source(exercise.solution.read_text(encoding="utf-8"), render.stdout_style()), end="")
    return 0


def reset(args: argparse.Namespace) -> int:
    chosen = _select(args, _find_workspace(args))
    exercise = chosen.find(args.exercise)
    found = _require_workspace(args, chosen)
    backup = workspace.reset(found, exercise)
    print(f"{found.file_for(exercise)} is a fresh starter again.")
    if backup:
        print(f"What you had is saved at {backup}")
    try:
        _warn(progress.mark_reset(found.progress_file, found.key(exercise)))
    except progress.NotSaved as err:
        sys.stdout.flush()
        _not_saved(err, "so the exercise still shows its last verdict until you check it again")
    return 0


def doctor(args: argparse.Namespace) -> int:
    env = describe()
    if args.json:
        _print_json({"schema": DOCTOR_SCHEMA, "version": __version__, **env.to_json(),
                     "confinement": {"landlock_abi": confinement.abi(), "says": confinement.availability()}})
    else:
        print(f"torch-dojo {__version__}")
        print(render.environment(env, render.stdout_style()))
        print(f"grading confinement (Landlock): {confinement.availability()}")
    return 1 if env.torch_problem else 0


def pack_verify(args: argparse.Namespace) -> int:
    try:
        pack = load_pack(Path(args.path)) if args.path else _pack(args)
    except PackError as err:
        if not args.json:
            raise
        _print_json({"schema": VERIFY_SCHEMA, "pack": None, "ok": False, "exercises": [],
                     "manifest": [{"file": str(p.file), "field": p.field, "message": p.message} for p in err.problems]})
        return 2
    found = verify_pack(pack, jobs=args.jobs)
    if args.json:
        _print_json({"schema": VERIFY_SCHEMA, "pack": pack.name, **found.to_json()})
    else:
        print(f"Verifying pack '{pack.name}' at {pack.root}\n")
        print(render.verification(found, render.stdout_style()))
    return 0 if found.ok else 1


def grade(args: argparse.Namespace) -> int:
    """Judge every student's folder; a table on stdout, the file in --out (CSV or JSON)."""
    from functools import partial

    from torch_dojo.runner.warm import WarmRunner

    pack = _pack(args)
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
    try:  # what confines the submissions' code: said first (runner.confinement decides and words it)
        wall = confinement.for_grading(args.confinement, pack_root=pack.root, submissions=Path(args.submissions),
                                       outputs=[p for p in (out, journal and journal.path) if p])
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
        if verdict.status in (Status.PASSED, Status.SKIPPED):
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
        grades = grading.grade(pack, students, checks=[partial(w.check, judged=True, confinement=wall) for w in runners],
                               journal=journal, confinement=wall.to_json(), on_mark=progress_line, on_reference=reference_line)
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
    faults = [m for m in grades.marks.values() if m.status == "error" and not m.fingerprint]
    if faults:
        print(f"torch-dojo: warning: {len(faults)} mark(s) could not be judged, through no fault of the students "
              f"(first: {faults[0].student} {faults[0].exercise_id}: {faults[0].message}). They are not kept in the "
              "journal: running the same command again judges them again.", file=sys.stderr)
    unsure = [m for m in grades.marks.values() if m.candidates]
    for mark in sorted(unsure, key=lambda m: (m.student, m.exercise_id)):
        print(f"torch-dojo: warning: {mark.student} {mark.exercise_id} is missing: {mark.message}.", file=sys.stderr)
    for exercise in pack.exercises:
        skipped = [m for s in students if (m := grades.of(s.student, exercise)) and m.status == "skipped"]
        if skipped:
            print(f"torch-dojo: warning: {exercise.label} was skipped for {len(skipped)} student(s): "
                  f"{skipped[0].message} Grade it again on a machine that has what it needs.", file=sys.stderr)
    if args.json:
        _print_json(grading.to_json(grades))
    else:
        print(render.grades(grades, render.stdout_style()))
        if out is not None:
            reused = f" ({grades.reused} marks reused from {journal.path.name})" if grades.reused else ""
            print(f"\nWritten to {out}{reused}.")
    broken = [e for e in pack.exercises if grades.expected[e.slug].status not in (Status.PASSED, Status.SKIPPED)]
    if faults or broken:
        print("torch-dojo: this table is not a grade yet: " + "; ".join(
            ([f"{len(faults)} mark(s) could not be judged"] if faults else [])
            + ([f"the reference of {', '.join(e.label for e in broken)} does not pass here"] if broken else []))
            + " (see the warnings above).", file=sys.stderr)
        return 1
    return 0


def _close_all(runners: list) -> None:
    """End every warm worker, even when Ctrl-C comes while they wind down."""
    for warm in runners:
        try:
            warm.close()
        except KeyboardInterrupt:
            warm.close()


def pack_new(args: argparse.Namespace) -> int:
    from torch_dojo.scaffold import ScaffoldError, new_pack

    try:
        root = new_pack(args.name, args.dir)
    except ScaffoldError as err:
        raise UsageError(str(err)) from None
    print(f"Created the pack '{args.name}' at {root}: one exercise, with its starter, checks and solution.")
    print(f"\nNext:\n    torch-dojo pack verify {root}    proves it sound (it is, as created)")
    print(f"    torch-dojo --pack {root}          opens it as a learner would")
    print("Then make the exercise yours, and add more: README.md in the pack says how.")
    return 0


# Helpers ----------------------------------------------------------------------------------

def _named_pack(args: argparse.Namespace) -> str | None:
    """The pack (a name or a path) named by --pack or $TORCH_DOJO_PACK, or None."""
    return args.pack or os.environ.get(PACK_VAR) or None


def _pack(args: argparse.Namespace) -> Pack:
    """The pack named by --pack or $TORCH_DOJO_PACK, else the built-in one."""
    return packs.resolve(_named_pack(args), _find_workspace(args))


def _select(args: argparse.Namespace, found: Workspace | None) -> Selection:
    """The packs this command works on (--pack's, else the workspace's); says which cannot load."""
    chosen = packs.select(found, _named_pack(args))
    for warning in chosen.warnings:
        print(f"torch-dojo: warning: {warning}", file=sys.stderr)
    return chosen


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


def _find_workspace(args: argparse.Namespace) -> Workspace | None:
    explicit = _given_path(args.workspace, "--workspace") if args.workspace else None
    if explicit is None and os.environ.get(workspace.ENV_VAR):
        explicit = _given_path(os.environ[workspace.ENV_VAR], f"${workspace.ENV_VAR}")
    return workspace.find(None if _cwd_gone else Path.cwd(), explicit)


def _given_path(text: str | Path, what: str) -> Path:
    """A path the learner gave; one relative to a current folder that no longer exists cannot be found."""
    path = Path(text).expanduser()
    if _cwd_gone and not path.is_absolute():
        raise UsageError(f"{what} {text} is relative to the current folder, which no longer exists (deleted or "
                         "moved). `cd` to a folder that exists, or give the full path.")
    return path


def _judgeable(file: Path, address: str) -> None:
    """Stop before the runner when the learner's path holds something that is not a file (a
    missing file is judged: its verdict says to reset)."""
    problem = workspace.file_problem(file)
    if problem and os.path.lexists(file):
        raise UsageError(f"{problem}. Nothing was judged. Move it away (or fix the link), then "
                         f"`torch-dojo reset {address}` puts a fresh starter there.")


def _require_workspace(args: argparse.Namespace, chosen: Selection) -> Workspace:
    found = chosen.workspace
    if found is None and chosen.outside:
        raise WorkspaceError(f"{chosen.outside}; or judge any file with `torch-dojo check ID --file PATH`.")
    if found is None:
        where = args.workspace or os.environ.get(workspace.ENV_VAR)
        if _cwd_gone and not where:
            raise WorkspaceError("the current folder no longer exists (deleted or moved), so no workspace can be "
                                 "found from it: `cd` into your workspace, or give --workspace DIR.")
        place = f"at {where}" if where else "in this folder or above it"
        raise WorkspaceError(f"no workspace {place}. Run `torch-dojo` to create one, or judge any file "
                             "with `torch-dojo check ID --file PATH`.")
    return found


def _load_progress(found: Workspace) -> progress.Progress:
    return _warn(progress.load(found.progress_file))


def _remember(found: Workspace, exercise: Exercise, verdict: Verdict) -> None:
    """Save the verdict (after it was shown); one that cannot be saved is said, once a run."""
    try:
        _warn(progress.record_verdict(found.progress_file, found.key(exercise), verdict.status.value,
                                      failing(verdict)))
    except progress.NotSaved as err:
        _not_saved(err, "so this verdict is not remembered (the verdict itself stands)")


_said: set[str] = set()  # warnings already printed by this run


def _warn(state: progress.Progress) -> progress.Progress:
    """Say on stderr, once a run, what was wrong with the progress file (set aside, fields reset,
    not writable)."""
    if state.warning and state.warning not in _said:
        _said.add(state.warning)
        print(f"torch-dojo: warning: {state.warning}", file=sys.stderr)
    return state


def _not_saved(err: progress.NotSaved, consequence: str) -> None:
    text = (f"torch-dojo: {err}; {consequence}. Your exercise files are untouched: make the folder writable "
            "or free some space, and the next run saves again.")
    if str(err) not in _said:
        _said.add(str(err))
        print(text, file=sys.stderr)


def _next_step(chosen: Selection, exercise: Exercise, verdict: Verdict, found: Workspace | None) -> str:
    if found is None:
        return ""
    address = chosen.address(exercise)
    if verdict.passed:
        siblings = chosen.pack_named(exercise.pack).exercises
        later = siblings[siblings.index(exercise) + 1:]
        following = f" Next: `torch-dojo check {chosen.address(later[0])}` ({later[0].title})." if later else ""
        return (f"Passed! `torch-dojo solution {address}` shows the reference to compare with."
                + following)
    return (f"Edit {found.file_for(exercise)} and run `torch-dojo check {address}` again; "
            f"`torch-dojo hint {address}` gives one hint at a time.")


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _print_json(data: dict) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=not _utf8(sys.stdout)))


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not 0 < value <= 24 * 3600:
        raise argparse.ArgumentTypeError("the timeout must be above 0 seconds and at most a day")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("give between 1 and 64 jobs")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="torch-dojo", description="Learn PyTorch by doing: edit an exercise, hidden checks judge it.",
        epilog="Run with no command to create (or find) your workspace and see what to do next.")
    parser.add_argument("--version", action="version", version=f"torch-dojo {__version__}")
    _add_common(parser, default=None)
    parser.set_defaults(command=start)
    # --workspace and --pack go before the command or after it: each command takes them too,
    # without a default of its own, so that one given before the command stays
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, default=argparse.SUPPRESS)
    commands = _Commands(parser.add_subparsers(title="commands", metavar="COMMAND"), common)

    listing = commands.add_parser("list", help="every exercise, with your progress")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    listing.set_defaults(command=list_exercises)

    checking = commands.add_parser("check", help="judge an exercise (exit 0 only when it passed)")
    checking.add_argument("exercise", nargs="?", metavar="ID|SLUG", help="e.g. 07, ddp_script or PACK/ID")
    checking.add_argument("--all", action="store_true", help="check every exercise of the workspace")
    checking.add_argument("--file", metavar="PATH", help="judge this file instead (no workspace needed, no progress kept)")
    checking.add_argument("--json", action="store_true", help="print the verdict as JSON (docs/json.md)")
    checking.add_argument("--timeout", type=_timeout, metavar="SECONDS", help="time limit instead of the exercise's")
    checking.add_argument("-v", "--verbose", action="store_true",
                          help=f"the message and hint of every failing check (default: the first {render.SHOWN_FAILURES})")
    checking.set_defaults(command=check)

    hinting = commands.add_parser("hint", help="the next hint of an exercise")
    hinting.add_argument("exercise", metavar="ID|SLUG")
    hinting.set_defaults(command=hint)

    answer = commands.add_parser("solution", help="the reference solution, once you passed")
    answer.add_argument("exercise", metavar="ID|SLUG")
    answer.add_argument("--force", action="store_true", help="show it before passing")
    answer.set_defaults(command=solution)

    resetting = commands.add_parser("reset", help="start an exercise over (your file is backed up)")
    resetting.add_argument("exercise", metavar="ID|SLUG")
    resetting.set_defaults(command=reset)

    listing_packs = commands.add_parser("packs", help="every pack available: built-in, installed, added")
    listing_packs.add_argument("--json", action="store_true", help="print one JSON document")
    listing_packs.set_defaults(command=list_packs)

    doctoring = commands.add_parser("doctor", help="torch, CUDA, torchvision and torchrun on this machine")
    doctoring.add_argument("--json", action="store_true")
    doctoring.set_defaults(command=doctor)

    packs = commands.add_parser("pack", help="work with exercise packs")
    pack_commands = _Commands(packs.add_subparsers(title="pack commands", metavar="COMMAND", required=True), common)
    verifying = pack_commands.add_parser("verify", help="every starter fails, every solution passes")
    verifying.add_argument("path", nargs="?", metavar="PATH", help="a pack folder (default: the built-in pack)")
    verifying.add_argument("--json", action="store_true")
    verifying.add_argument("--jobs", type=int, default=2, metavar="N", help="exercises verified at once (default 2)")
    verifying.set_defaults(command=pack_verify)

    grading = commands.add_parser(
        "grade", help="judge every student's submission (one subfolder each) and write a table",
        description="Judge each subfolder of SUBMISSIONS (one student's workspace, or a folder of their "
                    "files) on every exercise of the pack, in a process their code never ran in.")
    grading.add_argument("submissions", metavar="SUBMISSIONS", help="the folder with one subfolder per student")
    grading.add_argument("--out", metavar="FILE", help="write FILE.csv or FILE.json; the run can then be resumed")
    grading.add_argument("--jobs", type=_jobs, default=2, metavar="N", help="checks run at once (default 2)")
    grading.add_argument("--fresh", action="store_true", help="judge everything again, ignoring an earlier run")
    grading.add_argument("--json", action="store_true", help="print the grades as JSON (docs/json.md)")
    grading.add_argument("--confinement", choices=confinement.MODES, default="auto",
                         help="Landlock around each submission's code: auto (where the kernel can), require "
                              "(refuse to grade without it), off (debugging a pack); see docs/packs.md")
    grading.set_defaults(command=grade)
    creating = pack_commands.add_parser("new", help="create a pack with one working exercise, to make your own")
    creating.add_argument("name", metavar="NAME", help="the pack's name: lowercase letters, digits and _")
    creating.add_argument("--dir", type=Path, default=Path("."), metavar="PARENT",
                          help="where to create the NAME folder (default: here)")
    creating.set_defaults(command=pack_new)
    return parser


def _add_common(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--workspace", type=Path, metavar="DIR", default=default,
                        help=f"the workspace to use (default: found from here upwards, or ${workspace.ENV_VAR})")
    parser.add_argument("--pack", metavar="NAME|PATH", default=default,
                        help=f"work on this pack only: an available pack's name or a pack folder (or ${PACK_VAR}); "
                             "with no command, add it to the workspace")


class _Commands:
    """``add_subparsers()``'s action, whose commands all take the common options."""

    def __init__(self, action, common: argparse.ArgumentParser):
        self._action, self._common = action, common

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        return self._action.add_parser(name, parents=[self._common], **kwargs)


if __name__ == "__main__":
    sys.exit(main())
