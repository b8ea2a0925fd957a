"""The instructor's pack commands: packs (every pack there is), pack verify, pack new."""

from __future__ import annotations

import argparse
from pathlib import Path

from torch_dojo import catalog
from torch_dojo.cli import render
from torch_dojo.cli.context import UsageError, find_workspace, named_pack, pack_of, print_json
from torch_dojo.pack import PackError, load_pack
from torch_dojo.verdict import Status

VERIFY_SCHEMA = "torch-dojo/verify@1"
PACKS_SCHEMA = "torch-dojo/packs@1"


def list_packs(args: argparse.Namespace) -> int:
    """Every pack there is, whether it loads, and where it comes from (exit 1 only when none loads)."""
    found = find_workspace(args)
    named = named_pack(args)
    extra = [named] if named is not None and Path(named).expanduser().exists() else []
    every = catalog.available(extra, found)
    if args.json:
        print_json({"schema": PACKS_SCHEMA, "workspace": str(found.root) if found else None,
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


def pack_verify(args: argparse.Namespace) -> int:
    try:
        pack = load_pack(Path(args.path)) if args.path else pack_of(args)
    except PackError as err:
        if not args.json:
            raise
        print_json({"schema": VERIFY_SCHEMA, "pack": None, "ok": False, "exercises": [],
                    "manifest": [{"file": str(p.file), "field": p.field, "message": p.message} for p in err.problems]})
        return 2
    from torch_dojo.verify import verify_pack  # the runner's machinery: not for every command

    found = verify_pack(pack, jobs=args.jobs)
    if args.json:
        print_json({"schema": VERIFY_SCHEMA, "pack": pack.name, **found.to_json()})
    else:
        print(f"Verifying pack '{pack.name}' at {pack.root}\n")
        print(render.verification(found, render.stdout_style()))
    return 0 if found.ok else 1


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


def pack_export(args: argparse.Namespace) -> int:
    """An autograder for the engine named (gradescope), for PACK or --pack's, written to --out."""
    from torch_dojo.grading import gradescope

    pack = catalog.resolve(args.path or named_pack(args), find_workspace(args))
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: there is no folder {out.parent} to write it in.")
    files = gradescope.export(pack, out, confinement=args.confinement)
    print(f"Wrote {out}: Gradescope's autograder for the pack '{pack.name}' ({len(pack.exercises)} exercises, "
          f"{len(files)} files).")
    print("\nNext: in Gradescope, make a Programming Assignment, choose Ubuntu 22.04 or later, upload this zip as "
          "its autograder; students upload their exercise files (e.g. "
          f"{pack.exercises[0].file if pack.exercises else 'NN_name.py'}). docs/packs.md, \"Gradescope\", says more.")
    return 0
