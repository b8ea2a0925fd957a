"""Every command, option and argument of `torch-dojo`, declared in one place."""

from __future__ import annotations

import argparse
from pathlib import Path

from torch_dojo import __version__, workspace
from torch_dojo.cli import learning, packs, render
from torch_dojo.cli import practice
from torch_dojo.cli.context import PACK_VAR
from torch_dojo.cli.grading import grade
from torch_dojo.cli.reading import docs
from torch_dojo.grading import shards
from torch_dojo.runner import confinement


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="torch-dojo", description="Learn PyTorch by doing: edit an exercise, hidden checks judge it.",
        epilog="Run with no command to create (or find) your workspace and see what to do next.")
    parser.add_argument("--version", action="version", version=f"torch-dojo {__version__}")
    _add_common(parser, default=None)
    parser.set_defaults(command=learning.start)
    # --workspace and --pack go before the command or after it: each command takes them too,
    # without a default of its own, so that one given before the command stays
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, default=argparse.SUPPRESS)
    commands = _Commands(parser.add_subparsers(title="commands", metavar="COMMAND"), common)

    listing = commands.add_parser("list", help="every exercise, with your progress")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    listing.set_defaults(command=learning.list_exercises)

    checking = commands.add_parser("check", help="judge an exercise (exit 0 only when it passed)")
    checking.add_argument("exercise", nargs="?", metavar="ID|SLUG", help="e.g. 07, ddp_script or PACK/ID")
    checking.add_argument("--all", action="store_true", help="check every exercise of the workspace")
    checking.add_argument("--file", metavar="PATH", help="judge this file instead (no workspace needed, no progress kept)")
    checking.add_argument("--json", action="store_true", help="print the verdict as JSON (docs/json.md)")
    checking.add_argument("--timeout", type=_timeout, metavar="SECONDS", help="time limit instead of the exercise's")
    checking.add_argument("-v", "--verbose", action="store_true",
                          help=f"the message and hint of every failing check (default: the first {render.SHOWN_FAILURES})")
    checking.add_argument("--junit", metavar="FILE", help="also write the verdict(s) as JUnit XML, for CI")
    checking.set_defaults(command=learning.check)

    hinting = commands.add_parser("hint", help="the next hint of an exercise")
    hinting.add_argument("exercise", nargs="?", metavar="ID|SLUG")
    hinting.set_defaults(command=learning.hint)

    answer = commands.add_parser("solution", help="the reference solution, once you passed")
    answer.add_argument("exercise", nargs="?", metavar="ID|SLUG")
    answer.add_argument("--force", action="store_true", help="show it before passing")
    answer.set_defaults(command=learning.solution)

    resetting = commands.add_parser("reset", help="start an exercise over (your file is backed up)")
    resetting.add_argument("exercise", nargs="?", metavar="ID|SLUG")
    resetting.set_defaults(command=learning.reset)

    reviewing = commands.add_parser(
        "review", help="passed exercises that come back for practice; `review ID` starts or checks one",
        description="Each exercise you pass comes back for review after 1, 3, 7 and 21 days (then every 21 "
                    "days): `review ID` gives a fresh copy of its starter in .dojo/review/ (your solved file is "
                    "not touched), and once you solved it there, `review ID` again checks it.")
    reviewing.add_argument("exercise", nargs="?", metavar="ID|SLUG", help="start, or check, this exercise's review")
    reviewing.add_argument("--json", action="store_true", help="list what is due as JSON (docs/json.md)")
    reviewing.set_defaults(command=practice.review_command)

    keeping = commands.add_parser("progress", help="carry your progress to another machine (export, import)")
    keeping_commands = _Commands(keeping.add_subparsers(title="progress commands", metavar="COMMAND",
                                                        required=True), common)
    exporting = keeping_commands.add_parser("export", help="write your progress to FILE (JSON)")
    exporting.add_argument("file", metavar="FILE")
    exporting.set_defaults(command=practice.progress_export)
    importing = keeping_commands.add_parser("import", help="merge an exported FILE into this workspace's progress")
    importing.add_argument("file", metavar="FILE")
    importing.set_defaults(command=practice.progress_import)

    listing_packs = commands.add_parser("packs", help="every pack available: built-in, installed, added")
    listing_packs.add_argument("--json", action="store_true", help="print one JSON document")
    listing_packs.set_defaults(command=packs.list_packs)

    reading = commands.add_parser("docs", help="PyTorch's own documentation of what an exercise teaches")
    reading.add_argument("exercise", metavar="ID|SLUG")
    reading.add_argument("--json", action="store_true", help="print one JSON document (docs/json.md)")
    reading.set_defaults(command=docs)

    doctoring = commands.add_parser("doctor", help="torch, CUDA, torchvision and torchrun on this machine")
    doctoring.add_argument("--json", action="store_true")
    doctoring.set_defaults(command=learning.doctor)

    pack = commands.add_parser("pack", help="work with exercise packs")
    pack_commands = _Commands(pack.add_subparsers(title="pack commands", metavar="COMMAND", required=True), common)
    verifying = pack_commands.add_parser("verify", help="every starter fails, every solution passes")
    verifying.add_argument("path", nargs="?", metavar="PATH", help="a pack folder (default: the built-in pack)")
    verifying.add_argument("--json", action="store_true")
    verifying.add_argument("--jobs", type=int, default=2, metavar="N", help="exercises verified at once (default 2)")
    verifying.set_defaults(command=packs.pack_verify)

    grading = commands.add_parser(
        "grade", help="judge every student's submission (one subfolder each) and write a table",
        description="Judge each subfolder of SUBMISSIONS (one student's workspace, or a folder of their "
                    "files) on every exercise of the pack, in a process their code never ran in.")
    grading.add_argument("submissions", nargs="?", metavar="SUBMISSIONS",
                         help="the folder with one subfolder per student (not with --merge)")
    grading.add_argument("--out", metavar="FILE", help="write FILE.csv or FILE.json; the run can then be resumed")
    grading.add_argument("--jobs", type=_jobs, default=2, metavar="N", help="checks run at once (default 2)")
    grading.add_argument("--fresh", action="store_true", help="judge everything again, ignoring an earlier run")
    grading.add_argument("--json", action="store_true", help="print the grades as JSON (docs/json.md)")
    grading.add_argument("--confinement", choices=confinement.MODES, default="auto",
                         help="Landlock around each submission's code: auto (where the kernel can), require "
                              "(refuse to grade without it), off (debugging a pack); see docs/packs.md")
    grading.add_argument("--shard", type=_shard, metavar="I/N",
                         help="grade only part I of N of the students (sorted by name, dealt round-robin) and "
                              "write its document to --out FILE.json, for --merge (docs/grading-at-scale.md)")
    grading.add_argument("--merge", nargs="+", metavar="SHARD.json",
                         help="make the table of one whole run from every shard's --out file")
    grading.add_argument("--junit", metavar="DIR", help="also write DIR/STUDENT.xml: JUnit XML, for CI and CodeGrade")
    grading.set_defaults(command=grade)
    exporting = pack_commands.add_parser("export", help="an autograder of the pack for a grading engine (gradescope)")
    exporting.add_argument("engine", choices=["gradescope"], help="the engine: gradescope (an autograder zip)")
    exporting.add_argument("path", nargs="?", metavar="PACK", help="a pack's name or folder (default: --pack's, or the built-in pack)")
    exporting.add_argument("--out", default="autograder.zip", metavar="FILE", help="the zip to write (default autograder.zip)")
    exporting.add_argument("--confinement", choices=confinement.MODES, default="auto",
                           help="how the autograder confines each submission (as grade --confinement)")
    exporting.set_defaults(command=packs.pack_export)
    creating = pack_commands.add_parser("new", help="create a pack with one working exercise, to make your own")
    creating.add_argument("name", metavar="NAME", help="the pack's name: lowercase letters, digits and _")
    creating.add_argument("--dir", type=Path, default=Path("."), metavar="PARENT",
                          help="where to create the NAME folder (default: here)")
    creating.set_defaults(command=packs.pack_new)
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


def _shard(text: str):
    try:
        return shards.parse_spec(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
