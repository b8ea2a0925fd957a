"""The learner's folder: created on first run, found from anywhere below it, reset with a backup.

Layout::

    torch-dojo/                  the workspace (its parent is where `torch-dojo` first ran)
      01_environment_check.py …  the learner's copies of the starters: theirs to edit
      .dojo/workspace.toml       marks the folder as a workspace, names the pack
      .dojo/progress.json        progress (see progress.py)
      .dojo/backups/             what the learner had before each reset

Checks and solutions are never copied here.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Moved:
    """A learner's file renamed because the pack renumbered its exercise."""
    old: Path
    new: Path


@dataclass
class StarterChanges:
    added: list[Path] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)


def add_missing_starters(workspace: Workspace, pack: Pack) -> StarterChanges:
    """Bring the workspace up to the pack: never overwrite, never lose a learner's work.

    When an exercise's file name changed (a new id in front of the same slug), the
    learner's file under the old name is moved to the new one; only exercises the learner
    never had get a fresh starter.
    """
    changes = StarterChanges()
    current = {exercise.file for exercise in pack.exercises}
    for exercise in pack.exercises:
        target = workspace.file_for(exercise)
        if target.exists():
            continue
        earlier = _earlier_file(workspace, exercise, current)
        if earlier is not None:
            os.replace(earlier, target)
            changes.moved.append(Moved(earlier, target))
        else:
            shutil.copyfile(exercise.starter, target)
            changes.added.append(target)
    return changes


def _earlier_file(workspace: Workspace, exercise: Exercise, current: set[str]) -> Path | None:
    """The learner's file for this slug under an older id (``01_tensor_dtypes.py``), if exactly one."""
    pattern = re.compile(rf"[A-Za-z0-9]+_{re.escape(exercise.slug)}\.py")
    found = [p for p in workspace.root.glob(f"*_{exercise.slug}.py")
             if pattern.fullmatch(p.name) and p.name not in current and p.is_file()]
    return found[0] if len(found) == 1 else None  # two candidates: leave them for the learner


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
