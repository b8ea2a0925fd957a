"""What every command starts from: the workspace, the packs, the learner's session, and how
the CLI says what went wrong (a message on stderr, said once a run)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from torch_dojo import catalog, selection, workspace
from torch_dojo.cli import streams
from torch_dojo.pack import Pack
from torch_dojo.selection import Selection
from torch_dojo.session import Session, Unsaved
from torch_dojo.workspace import Workspace, WorkspaceError

PACK_VAR = "TORCH_DOJO_PACK"

reached: list[int] = []  # the exit code a verdict set, once reached: kept whatever fails after it
_said: set[str] = set()  # warnings already printed by this run


class UsageError(Exception):
    pass


def named_pack(args: argparse.Namespace) -> str | None:
    """The pack (a name or a path) named by --pack or $TORCH_DOJO_PACK, or None."""
    return args.pack or os.environ.get(PACK_VAR) or None


def pack_of(args: argparse.Namespace) -> Pack:
    """The pack named by --pack or $TORCH_DOJO_PACK, else the built-in one."""
    return catalog.resolve(named_pack(args), find_workspace(args))


def select(args: argparse.Namespace, found: Workspace | None) -> Selection:
    """The packs this command works on (--pack's, else the workspace's); says which cannot load."""
    chosen = selection.select(found, named_pack(args))
    for warning in chosen.warnings:
        print(f"torch-dojo: warning: {warning}", file=sys.stderr)
    return chosen


def find_workspace(args: argparse.Namespace) -> Workspace | None:
    explicit = given_path(args.workspace, "--workspace") if args.workspace else None
    if explicit is None and os.environ.get(workspace.ENV_VAR):
        explicit = given_path(os.environ[workspace.ENV_VAR], f"${workspace.ENV_VAR}")
    return workspace.find(None if streams.cwd_gone else Path.cwd(), explicit)


def given_path(text: str | Path, what: str) -> Path:
    """A path the learner gave; one relative to a current folder that no longer exists cannot be found."""
    path = Path(text).expanduser()
    if streams.cwd_gone and not path.is_absolute():
        raise UsageError(f"{what} {text} is relative to the current folder, which no longer exists (deleted or "
                         "moved). `cd` to a folder that exists, or give the full path.")
    return path


def require_workspace(args: argparse.Namespace, chosen: Selection) -> Workspace:
    found = chosen.workspace
    if found is None and chosen.outside:
        raise WorkspaceError(f"{chosen.outside}; or judge any file with `torch-dojo check ID --file PATH`.")
    if found is None:
        where = args.workspace or os.environ.get(workspace.ENV_VAR)
        if streams.cwd_gone and not where:
            raise WorkspaceError("the current folder no longer exists (deleted or moved), so no workspace can be "
                                 "found from it: `cd` into your workspace, or give --workspace DIR.")
        place = f"at {where}" if where else "in this folder or above it"
        raise WorkspaceError(f"no workspace {place}. Run `torch-dojo` to create one, or judge any file "
                             "with `torch-dojo check ID --file PATH`.")
    return found


def open_session(chosen: Selection, found: Workspace | None = None) -> Session | None:
    """The learner's session on the selected packs (None without a workspace); the progress
    file's warning is said."""
    found = found or chosen.workspace
    if found is None:
        return None
    return warned(Session.open(chosen.packs, found))


def warned(session: Session) -> Session:
    """Say on stderr, once a run, what was wrong with the progress file (set aside, fields reset,
    not writable)."""
    while warning := session.unsaid_warning():
        if warning not in _said:
            _said.add(warning)
            print(f"torch-dojo: warning: {warning}", file=sys.stderr)
    return session


def not_saved(unsaved: Unsaved | None, consequence: str) -> None:
    """Say, once a run, that progress could not be saved and what that means for this command."""
    if unsaved is None:
        return
    sys.stdout.flush()  # after what was shown, which stands
    text = (f"torch-dojo: {unsaved.what}; {consequence}. Your exercise files are untouched: make the folder "
            "writable or free some space, and the next run saves again.")
    if unsaved.what not in _said:
        _said.add(unsaved.what)
        print(text, file=sys.stderr)


def print_json(data: dict) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=not streams.utf8(sys.stdout)))
