"""The `torch-dojo` command: arguments in, domain calls, text or JSON out.

    parser.py    every command and option, declared in one place
    learning.py  the learner's commands (none, list, check, hint, solution, reset, doctor)
    packs.py     packs, pack verify, pack new
    practice.py  review, progress export, progress import
    grading.py   grade
    reading.py   docs: PyTorch's documentation of an exercise's APIs
    context.py   what every command starts from (workspace, packs, session) and its warnings
    render.py    the text every command prints
    streams.py   stdin, stdout, stderr and the current folder, made safe first
    progress_bar.py  how far `grade` and `check --all` are, on a terminal

Exit codes: 0 passed (or done), 1 not passed, 2 usage error (unknown exercise, missing
file, bad pack, no workspace) or a file that could not be read or written; once a verdict
is reached, its code, whatever fails after it (saving progress, writing the output).
"""

from __future__ import annotations

import sys

from torch_dojo import progress
from torch_dojo.catalog import CatalogError
from torch_dojo.cli import streams
from torch_dojo.cli.context import UsageError, reached
from torch_dojo.cli.parser import build_parser
from torch_dojo.grading import GradeError
from torch_dojo.pack import PackError, UnknownExercise
from torch_dojo.selection import SelectionError
from torch_dojo.workspace import WorkspaceError

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    streams.guard()
    args = build_parser().parse_args(argv)
    reached.clear()
    try:
        code = args.command(args)
        sys.stdout.flush()  # a full stdout fails here, not after main returned
        return code
    except (UsageError, PackError, CatalogError, SelectionError, UnknownExercise, WorkspaceError, GradeError) as err:
        print(f"torch-dojo: {err}", file=sys.stderr)
        return reached[-1] if reached else 2
    except KeyboardInterrupt:
        print("torch-dojo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `torch-dojo list | head`: fine, unless a verdict did not pass
        streams.silence_stdout()
        return reached[-1] if reached else 0
    except streams.OutputError as err:
        streams.silence_stdout()
        print(f"torch-dojo: could not write the output: {err.strerror or err}. Nothing else is affected: "
              "run the command again with its output going where there is room (a terminal, a file).",
              file=sys.stderr)
        return reached[-1] if reached else 2
    except OSError as err:  # a file of the workspace or a pack could not be read or written
        print(f"torch-dojo: {_os_problem(err)}", file=sys.stderr)
        return reached[-1] if reached else 2


def _os_problem(err: OSError) -> str:
    """What failed, why, and what to do, for an OSError no command turned into a message."""
    if isinstance(err, progress.NotSaved):
        return f"{err}. Your files are untouched; make the folder writable or free some space, then run this again."
    what = f" {err.filename}" + (f" -> {err.filename2}" if err.filename2 else "") if err.filename else ""
    return (f"could not use{what}: {err.strerror or err}. Nothing was changed that was not finished: fix that "
            "(free some space, make the folder writable, or move the file away) and run this again.")
