"""The learner's folder: created on first run, found from anywhere below it, reset with a backup.

Layout::

    torch-dojo/                  the workspace (its parent is where `torch-dojo` first ran)
      01_tensor_dtypes.py …      the learner's copies of the starters: theirs to edit
      .dojo/workspace.toml       marks the folder as a workspace, names the pack
      .dojo/progress.json        progress (see progress.py)
      .dojo/backups/             what the learner had before each reset

Checks and solutions are never copied here.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from torch_dojo.pack import Exercise, Pack

FOLDER = "torch-dojo"
STATE = ".dojo"
MARKER = "workspace.toml"
ENV_VAR = "TORCH_DOJO_WORKSPACE"


class WorkspaceError(Exception):
    """The workspace cannot be found or used; the message says what to do."""


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def state(self) -> Path:
        return self.root / STATE

    @property
    def progress_file(self) -> Path:
        return self.state / "progress.json"

    @property
    def backups(self) -> Path:
        return self.state / "backups"

    def file_for(self, exercise: Exercise) -> Path:
        return self.root / exercise.file


def is_workspace(folder: Path) -> bool:
    return (folder / STATE / MARKER).is_file()


def find(start: Path, explicit: Path | None = None) -> Workspace | None:
    """The workspace named by ``explicit`` or $TORCH_DOJO_WORKSPACE, else the one at or above ``start``."""
    named = explicit or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
    if named is not None:
        named = named.expanduser().resolve()
        if is_workspace(named):
            return Workspace(named)
        if is_workspace(named / FOLDER):
            return Workspace(named / FOLDER)
        return None
    for folder in (start.resolve(), *start.resolve().parents):
        if is_workspace(folder):
            return Workspace(folder)
        if is_workspace(folder / FOLDER):
            return Workspace(folder / FOLDER)
    return None


def create(where: Path, pack: Pack) -> Workspace:
    """Make a workspace at ``where`` with a copy of every starter; keep anything already there."""
    where = where.expanduser().resolve()
    if where.exists() and not where.is_dir():
        raise WorkspaceError(f"{where} is a file, not a folder: choose another place for the workspace.")
    try:
        (where / STATE).mkdir(parents=True, exist_ok=True)
        marker = where / STATE / MARKER
        if not marker.exists():
            marker.write_text(f'pack = "{pack.name}"\ncreated = "{datetime.now().isoformat(timespec="seconds")}"\n',
                              encoding="utf-8")
    except OSError as err:
        raise WorkspaceError(f"Cannot create the workspace at {where}: {err.strerror}.") from None
    workspace = Workspace(where)
    add_missing_starters(workspace, pack)
    return workspace


def pack_name(workspace: Workspace) -> str:
    try:
        return str(tomllib.loads((workspace.state / MARKER).read_text(encoding="utf-8")).get("pack", ""))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return ""


def add_missing_starters(workspace: Workspace, pack: Pack) -> list[Path]:
    """Copy the starters the learner does not have yet (new exercises); never overwrite."""
    added = []
    for exercise in pack.exercises:
        target = workspace.file_for(exercise)
        if not target.exists():
            shutil.copyfile(exercise.starter, target)
            added.append(target)
    return added


def reset(workspace: Workspace, exercise: Exercise) -> Path | None:
    """Put a fresh starter in place; return where the learner's previous file was saved."""
    target = workspace.file_for(exercise)
    backup = None
    if target.exists():
        workspace.backups.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        backup = workspace.backups / f"{target.stem}.{stamp}{target.suffix}"
        shutil.copy2(target, backup)
    tmp = target.with_name(f".{target.name}.reset")
    shutil.copyfile(exercise.starter, tmp)
    os.replace(tmp, target)
    return backup
