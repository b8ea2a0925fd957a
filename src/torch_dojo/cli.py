"""The `torch-dojo` command: arguments in, domain calls, text or JSON out.

Exit codes: 0 passed (or done), 1 not passed, 2 usage error (unknown exercise, missing
file, bad pack, no workspace). Nothing here reads stdin, so it runs the same with no
terminal at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from torch_dojo import __version__, grading, packs, progress, render, runner, workspace
from torch_dojo.grading import GradeError
from torch_dojo.pack import Exercise, Pack, PackError, UnknownExercise, load_pack
from torch_dojo.packs import PacksError, Selection
from torch_dojo.report import SCHEMA, Status, Verdict
from torch_dojo.runner.environment import describe
from torch_dojo.verify import verify_pack
from torch_dojo.workspace import Workspace, WorkspaceError

LIST_SCHEMA = "torch-dojo/list@1"
ALL_SCHEMA = "torch-dojo/check-all@1"
VERIFY_SCHEMA = "torch-dojo/verify@1"
DOCTOR_SCHEMA = "torch-dojo/doctor@1"
PACKS_SCHEMA = "torch-dojo/packs@1"
PACK_VAR = "TORCH_DOJO_PACK"


class UsageError(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except (UsageError, PackError, PacksError, UnknownExercise, WorkspaceError, GradeError) as err:
        print(f"torch-dojo: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("torch-dojo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `torch-dojo list | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


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
        found = packs.create_workspace(place or Path.cwd() / workspace.FOLDER, named)
    elif named is not None:  # added, or brought up to date; no other pack is touched
        found, _, added = packs.add(found, named)
        changes.append(added)
    chosen = _select(args, found)
    changes += [workspace.add_missing_starters(found, pack) for pack in chosen.packs]
    moved = [m for change in changes for m in change.moved]
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
    exercise = chosen.find(args.exercise)
    if args.file:
        file, found = Path(args.file), None
        if not file.is_file():
            raise UsageError(f"no file at {file}.")
    else:
        found = _require_workspace(args, chosen)
        file = found.file_for(exercise)
    verdict = runner.check(exercise, file, time_limit=args.timeout)
    if found is not None:
        _remember(found, exercise, verdict)
    if args.json:
        _print_json(verdict.to_json())
    else:
        print(render.verdict(verdict, render.stdout_style(), next_step=_next_step(chosen, exercise, verdict, found)))
    return 0 if verdict.passed else 1


def _check_all(chosen: Selection, found: Workspace, args: argparse.Namespace) -> int:
    from torch_dojo.runner.warm import WarmRunner  # one torch import for all, not one each

    style = render.stdout_style()
    verdicts: list[Verdict] = []
    with WarmRunner() as warm:
        for exercise in chosen.exercises:
            verdict = warm.check(exercise, found.file_for(exercise), time_limit=args.timeout)
            _remember(found, exercise, verdict)
            verdicts.append(verdict)
            if not args.json:
                print(render.verdict(verdict, style) + "\n", flush=True)
    passed = sum(v.passed for v in verdicts)
    if args.json:
        _print_json({"schema": ALL_SCHEMA, "verdict_schema": SCHEMA,
                     "summary": {"passed": passed, "total": len(verdicts),
                                 "duration": round(sum(v.duration for v in verdicts), 3)},
                     "verdicts": [v.to_json() for v in verdicts]})
    else:
        print(f"{passed} of {len(verdicts)} exercises passed.")
    return 0 if passed == len(verdicts) else 1


def hint(args: argparse.Namespace) -> int:
    chosen = _select(args, _find_workspace(args))
    exercise = chosen.find(args.exercise)
    found, address = chosen.workspace, chosen.address(exercise)
    if found is None:
        print(f"Hint 1 of {len(exercise.hints)} for {exercise.label}:\n  {exercise.hints[0]}")
        print("\n(No workspace here, so hints are not remembered: run `torch-dojo` to create one.)")
        return 0
    key = found.key(exercise)
    shown = progress.reveal_hint(found.progress_file, key, len(exercise.hints)).of(key).hints_shown
    for number, text in enumerate(exercise.hints[:shown], start=1):
        marker = ">" if number == shown else " "
        print(f"{marker} Hint {number} of {len(exercise.hints)}: {text}")
    if shown == len(exercise.hints):
        print(f"\nThat was the last hint. Still stuck? `torch-dojo solution {address} --force` shows the answer.")
    else:
        print(f"\nRun `torch-dojo hint {address}` again for the next one.")
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
    progress.mark_reset(found.progress_file, found.key(exercise))
    print(f"{found.file_for(exercise)} is a fresh starter again.")
    if backup:
        print(f"What you had is saved at {backup}")
    return 0


def doctor(args: argparse.Namespace) -> int:
    env = describe()
    if args.json:
        _print_json({"schema": DOCTOR_SCHEMA, "version": __version__, **env.to_json()})
    else:
        print(f"torch-dojo {__version__}")
        print(render.environment(env, render.stdout_style()))
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
    try:
        for warm in runners:
            warm.start()
        grades = grading.grade(pack, students, checks=[partial(w.check, judged=True) for w in runners],
                               journal=journal, on_mark=progress_line, on_reference=reference_line)
    except KeyboardInterrupt:
        where = f"; run the same command again to go on from there ({journal.path} keeps them)" if journal else \
            "; give --out FILE to make a run resumable"
        print(f"torch-dojo: grading interrupted after {done} of {total} marks{where}.", file=sys.stderr)
        return 130
    finally:
        for warm in runners:
            warm.close()
    if out is not None:
        grading.write(grades, out)
    faults = [m for m in grades.marks.values() if m.status == "error" and not m.fingerprint]
    if faults:
        print(f"torch-dojo: warning: {len(faults)} mark(s) could not be judged, through no fault of the students "
              f"(first: {faults[0].student} {faults[0].exercise_id}: {faults[0].message}). They are not kept in the "
              "journal: running the same command again judges them again.", file=sys.stderr)
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
    return workspace.find(Path.cwd(), args.workspace)


def _require_workspace(args: argparse.Namespace, chosen: Selection) -> Workspace:
    found = chosen.workspace
    if found is None and chosen.outside:
        raise WorkspaceError(f"{chosen.outside}; or judge any file with `torch-dojo check ID --file PATH`.")
    if found is None:
        where = args.workspace or os.environ.get(workspace.ENV_VAR)
        place = f"at {where}" if where else "in this folder or above it"
        raise WorkspaceError(f"no workspace {place}. Run `torch-dojo` to create one, or judge any file "
                             "with `torch-dojo check ID --file PATH`.")
    return found


def _load_progress(found: Workspace) -> progress.Progress:
    return _warn(progress.load(found.progress_file))


def _remember(found: Workspace, exercise: Exercise, verdict: Verdict) -> None:
    _warn(progress.record_verdict(found.progress_file, found.key(exercise), verdict.status.value))


def _warn(state: progress.Progress) -> progress.Progress:
    """Say on stderr when the progress file was unreadable and started afresh."""
    if state.warning:
        print(f"torch-dojo: warning: {state.warning}", file=sys.stderr)
    return state


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
    print(json.dumps(data, indent=2, ensure_ascii=False))


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
    parser.add_argument("--workspace", type=Path, metavar="DIR",
                        help=f"the workspace to use (default: found from here upwards, or ${workspace.ENV_VAR})")
    parser.add_argument("--pack", metavar="NAME|PATH",
                        help=f"work on this pack only: an available pack's name or a pack folder (or ${PACK_VAR}); "
                             "with no command, add it to the workspace")
    parser.set_defaults(command=start)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    listing = commands.add_parser("list", help="every exercise, with your progress")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    listing.set_defaults(command=list_exercises)

    checking = commands.add_parser("check", help="judge an exercise (exit 0 only when it passed)")
    checking.add_argument("exercise", nargs="?", metavar="ID|SLUG", help="e.g. 07, ddp_script or PACK/ID")
    checking.add_argument("--all", action="store_true", help="check every exercise of the workspace")
    checking.add_argument("--file", metavar="PATH", help="judge this file instead (no workspace needed, no progress kept)")
    checking.add_argument("--json", action="store_true", help="print the verdict as JSON (docs/json.md)")
    checking.add_argument("--timeout", type=_timeout, metavar="SECONDS", help="time limit instead of the exercise's")
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
    pack_commands = packs.add_subparsers(title="pack commands", metavar="COMMAND", required=True)
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
    grading.add_argument("--pack", metavar="NAME|PATH", default=argparse.SUPPRESS,
                         help="the pack to grade with (default: the built-in one, or $" + PACK_VAR + ")")
    grading.add_argument("--out", metavar="FILE", help="write FILE.csv or FILE.json; the run can then be resumed")
    grading.add_argument("--jobs", type=_jobs, default=2, metavar="N", help="checks run at once (default 2)")
    grading.add_argument("--fresh", action="store_true", help="judge everything again, ignoring an earlier run")
    grading.add_argument("--json", action="store_true", help="print the grades as JSON (docs/json.md)")
    grading.set_defaults(command=grade)
    creating = pack_commands.add_parser("new", help="create a pack with one working exercise, to make your own")
    creating.add_argument("name", metavar="NAME", help="the pack's name: lowercase letters, digits and _")
    creating.add_argument("--dir", type=Path, default=Path("."), metavar="PARENT",
                          help="where to create the NAME folder (default: here)")
    creating.set_defaults(command=pack_new)
    return parser


if __name__ == "__main__":
    sys.exit(main())
