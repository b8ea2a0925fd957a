"""`torch-dojo docs ID`: PyTorch's own documentation of what an exercise teaches.

The same page as the workbook's Docs tab: rendered with rich's Markdown on a terminal, the
Markdown itself when piped (a pager, a file, an editor), or JSON (``--json``).
"""

from __future__ import annotations

import argparse
import sys

from torch_dojo.apidocs import page
from torch_dojo.apidocs.lookup import lookup
from torch_dojo.cli import render
from torch_dojo.cli.context import find_workspace, print_json, select


def docs(args: argparse.Namespace) -> int:
    chosen = select(args, find_workspace(args))
    exercise = chosen.find(args.exercise)
    found = lookup(exercise.docs)
    if args.json:
        print_json(page.to_json(exercise, found, chosen.address(exercise)))
        return 1 if found.problem else 0
    text = f"# {exercise.id} · {exercise.title}\n\n" + page.markdown(exercise, found)
    if render.stdout_style().colour:
        from rich.console import Console
        from rich.markdown import Markdown

        Console(highlight=False).print(Markdown(text, code_theme="monokai"))
    else:
        print(text, end="" if text.endswith("\n") else "\n")
    if found.problem:
        print(f"torch-dojo: {page.unavailable(found.problem).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0
