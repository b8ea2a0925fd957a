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

from torch_dojo import __version__, progress, render, runner, workspace
from torch_dojo.pack import Exercise, Pack, PackError, UnknownExercise, load_builtin_pack, load_pack
from torch_dojo.report import SCHEMA, Verdict
from torch_dojo.runner.environment import describe
from torch_dojo.verify import verify_pack
from torch_dojo.workspace import Workspace, WorkspaceError

LIST_SCHEMA = "torch-dojo/list@1"
ALL_SCHEMA = "torch-dojo/check-all@1"
VERIFY_SCHEMA = "torch-dojo/verify@1"
DOCTOR_SCHEMA = "torch-dojo/doctor@1"
PACK_VAR = "TORCH_DOJO_PACK"


class UsageError(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except (UsageError, PackError, UnknownExercise, WorkspaceError) as err:
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
    say what to do next (without one: a pipe, CI, an editor's task runner)."""
    pack = _pack(args)
    found = _find_workspace(args)
    created = found is None
    if created:
        place = args.workspace or (Path(os.environ[workspace.ENV_VAR]) if os.environ.get(workspace.ENV_VAR) else None)
        found = workspace.create(place or Path.cwd() / workspace.FOLDER, pack)
    else:
        moved = workspace.add_missing_starters(found, pack).moved
        if moved:  # printed before the workbook opens, so it stays in the terminal after it
            print("Renamed your files to the pack's new numbering: " + ", ".join(f"{m.old.name} -> {m.new.name}" for m in moved))
    if _interactive():
        from torch_dojo import tui  # Textual only where it is used: the CLI stays quick

        return tui.run(pack, found, first_run=created)
    state = _load_progress(found)
    upcoming = next((e for e in pack.exercises if state.of(e.slug).status != "passed"), None)
    style = render.stdout_style()
    verb = "Created your workspace" if created else "Your workspace is"
    print(f"{style('torch-dojo', 'bold')}: learn PyTorch by doing. {verb} at {found.root}")
    print("It holds one .py file per exercise: yours to edit, in any editor.\n")
    print(render.exercise_list(pack, state, style))
    if upcoming is None:
        print("\nEvery exercise passed. Well done! `torch-dojo solution ID` compares with the reference.")
    else:
        print(f"\nNext: open {found.file_for(upcoming)} in your editor, then run")
        print(f"    torch-dojo check {upcoming.id}    to judge it")
        print(f"    torch-dojo hint {upcoming.id}     for one hint at a time")
    return 0


def list_exercises(args: argparse.Namespace) -> int:
    pack = _pack(args)
    found = _find_workspace(args)
    state = _load_progress(found) if found else None
    if args.json:
        rows = []
        for e in pack.exercises:
            entry = state.of(e.slug) if state else progress.ExerciseProgress()
            rows.append({"id": e.id, "slug": e.slug, "title": e.title, "chapter": e.chapter, "book": e.book,
                         "requires": sorted(e.requires), "file": str(found.file_for(e)) if found else None,
                         "status": entry.status, "hints_shown": entry.hints_shown, "hints": len(e.hints)})
        _print_json({"schema": LIST_SCHEMA, "pack": {"name": pack.name, "title": pack.title, "root": str(pack.root)},
                     "workspace": str(found.root) if found else None, "exercises": rows})
    else:
        print(render.exercise_list(pack, state, render.stdout_style()))
        if not found:
            print("\nNo workspace here yet: run `torch-dojo` to create one.")
    return 0


def check(args: argparse.Namespace) -> int:
    pack = _pack(args)
    if args.all:
        if args.exercise or args.file:
            raise UsageError("`check --all` takes no exercise and no --file.")
        return _check_all(pack, _require_workspace(args), args)
    if not args.exercise:
        raise UsageError("say which exercise: `torch-dojo check 01` (or `check --all`).")
    exercise = pack.find(args.exercise)
    if args.file:
        file, found = Path(args.file), None
        if not file.is_file():
            raise UsageError(f"no file at {file}.")
    else:
        found = _require_workspace(args)
        file = found.file_for(exercise)
    verdict = runner.check(exercise, file, time_limit=args.timeout)
    if found is not None:
        _remember(found, exercise, verdict)
    if args.json:
        _print_json(verdict.to_json())
    else:
        print(render.verdict(verdict, render.stdout_style(), next_step=_next_step(pack, exercise, verdict, found)))
    return 0 if verdict.passed else 1


def _check_all(pack: Pack, found: Workspace, args: argparse.Namespace) -> int:
    from torch_dojo.runner.warm import WarmRunner  # one torch import for all, not one each

    style = render.stdout_style()
    verdicts: list[Verdict] = []
    with WarmRunner() as warm:
        for exercise in pack.exercises:
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
    pack = _pack(args)
    exercise = pack.find(args.exercise)
    found = _find_workspace(args)
    if found is None:
        print(f"Hint 1 of {len(exercise.hints)} for {exercise.label}:\n  {exercise.hints[0]}")
        print("\n(No workspace here, so hints are not remembered: run `torch-dojo` to create one.)")
        return 0
    shown = progress.reveal_hint(found.progress_file, exercise.slug, len(exercise.hints)).of(exercise.slug).hints_shown
    for number, text in enumerate(exercise.hints[:shown], start=1):
        marker = ">" if number == shown else " "
        print(f"{marker} Hint {number} of {len(exercise.hints)}: {text}")
    if shown == len(exercise.hints):
        print(f"\nThat was the last hint. Still stuck? `torch-dojo solution {exercise.id} --force` shows the answer.")
    else:
        print(f"\nRun `torch-dojo hint {exercise.id}` again for the next one.")
    return 0


def solution(args: argparse.Namespace) -> int:
    pack = _pack(args)
    exercise = pack.find(args.exercise)
    found = _find_workspace(args)
    passed = bool(found) and _load_progress(found).of(exercise.slug).ever_passed
    if not (passed or args.force):
        print(f"The solution of {exercise.label} opens once your file passes; finding it yourself is the "
              f"point. `torch-dojo hint {exercise.id}` helps; `--force` shows it now.", file=sys.stderr)
        return 1
    print(render.source(exercise.solution.read_text(encoding="utf-8"), render.stdout_style()), end="")
    return 0


def reset(args: argparse.Namespace) -> int:
    pack = _pack(args)
    exercise = pack.find(args.exercise)
    found = _require_workspace(args)
    backup = workspace.reset(found, exercise)
    progress.mark_reset(found.progress_file, exercise.slug)
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
    results = verify_pack(pack, jobs=args.jobs)
    if args.json:
        _print_json({"schema": VERIFY_SCHEMA, "pack": pack.name, "ok": all(r.ok for r in results),
                     "exercises": [r.to_json() for r in results]})
    else:
        print(f"Verifying pack '{pack.name}' at {pack.root}\n")
        print(render.verification(results, render.stdout_style()))
    return 0 if all(r.ok for r in results) else 1


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

def _pack(args: argparse.Namespace) -> Pack:
    """The pack named by --pack or $TORCH_DOJO_PACK, else the built-in one."""
    named = args.pack or os.environ.get(PACK_VAR)
    return load_pack(Path(named)) if named else load_builtin_pack()


def _find_workspace(args: argparse.Namespace) -> Workspace | None:
    return workspace.find(Path.cwd(), args.workspace)


def _require_workspace(args: argparse.Namespace) -> Workspace:
    found = _find_workspace(args)
    if found is None:
        where = args.workspace or os.environ.get(workspace.ENV_VAR)
        place = f"at {where}" if where else "in this folder or above it"
        raise WorkspaceError(f"no workspace {place}. Run `torch-dojo` to create one, or judge any file "
                             "with `torch-dojo check ID --file PATH`.")
    return found


def _load_progress(found: Workspace) -> progress.Progress:
    return _warn(progress.load(found.progress_file))


def _remember(found: Workspace, exercise: Exercise, verdict: Verdict) -> None:
    _warn(progress.record_verdict(found.progress_file, exercise.slug, verdict.status.value))


def _warn(state: progress.Progress) -> progress.Progress:
    """Say on stderr when the progress file was unreadable and started afresh."""
    if state.warning:
        print(f"torch-dojo: warning: {state.warning}", file=sys.stderr)
    return state


def _next_step(pack: Pack, exercise: Exercise, verdict: Verdict, found: Workspace | None) -> str:
    if found is None:
        return ""
    if verdict.passed:
        later = pack.exercises[pack.exercises.index(exercise) + 1:]
        following = f" Next: `torch-dojo check {later[0].id}` ({later[0].title})." if later else ""
        return (f"Passed! `torch-dojo solution {exercise.id}` shows the reference to compare with."
                + following)
    return (f"Edit {found.file_for(exercise)} and run `torch-dojo check {exercise.id}` again; "
            f"`torch-dojo hint {exercise.id}` gives one hint at a time.")


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="torch-dojo", description="Learn PyTorch by doing: edit an exercise, hidden checks judge it.",
        epilog="Run with no command to create (or find) your workspace and see what to do next.")
    parser.add_argument("--version", action="version", version=f"torch-dojo {__version__}")
    parser.add_argument("--workspace", type=Path, metavar="DIR",
                        help=f"the workspace to use (default: found from here upwards, or ${workspace.ENV_VAR})")
    parser.add_argument("--pack", type=Path, metavar="DIR",
                        help=f"use the pack in DIR instead of the built-in one (or ${PACK_VAR})")
    parser.set_defaults(command=start)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    listing = commands.add_parser("list", help="every exercise, with your progress")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    listing.set_defaults(command=list_exercises)

    checking = commands.add_parser("check", help="judge an exercise (exit 0 only when it passed)")
    checking.add_argument("exercise", nargs="?", metavar="ID|SLUG", help="e.g. 07 or ddp_script")
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
    creating = pack_commands.add_parser("new", help="create a pack with one working exercise, to make your own")
    creating.add_argument("name", metavar="NAME", help="the pack's name: lowercase letters, digits and _")
    creating.add_argument("--dir", type=Path, default=Path("."), metavar="PARENT",
                          help="where to create the NAME folder (default: here)")
    creating.set_defaults(command=pack_new)
    return parser


if __name__ == "__main__":
    sys.exit(main())
