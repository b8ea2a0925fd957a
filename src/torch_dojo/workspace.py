"""The learner's folder: created on first run, found from anywhere below it, reset with a backup.

Layout::

    torch-dojo/                  the workspace (its parent is where `torch-dojo` first ran)
      01_environment_check.py …  the learner's copies of the starters: theirs to edit
      mlcourse/01_first.py …     the files of another pack the workspace holds
      .dojo/workspace.toml       marks the folder as a workspace, names its packs
      .dojo/progress.json        progress (see progress.py)
      .dojo/backups/             what the learner had before each reset

Checks and solutions are never copied here.

A workspace holds one or more packs. The first (the one it was created with: the built-in
pack unless `--pack` said otherwise) keeps its files at the root and its progress under
bare slugs, as workspaces always did; every pack added later gets a subfolder named after
it and progress keys ``PACK/SLUG``, so two packs never collide. workspace.toml::

    pack = "core"                 # the first pack (all an older torch-dojo reads)
    created = "2026-11-23T10:00:00"

    [[packs]]
    name = "core"
    folder = ""                   # "" is the workspace root

    [[packs]]
    name = "mlcourse"
    folder = "mlcourse"
    path = "/home/me/mlcourse"    # a pack loaded from a folder; packs found by name have none

A workspace.toml without ``[[packs]]`` (made by torch-dojo 0.1) holds its ``pack`` alone.
"""

from __future__ import annotations

import json
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
class Member:
    """A pack the workspace holds: where its files are, and where the pack was found."""
    name: str
    folder: str = ""  # relative to the workspace root; "" is the root itself
    path: str = ""  # the pack's folder when it was added from one; "" when found by its name


@dataclass(frozen=True)
class Workspace:
    root: Path
    members: tuple[Member, ...] = ()  # () : a bare folder of learner files, all at its root

    @property
    def state(self) -> Path:
        return self.root / STATE

    @property
    def progress_file(self) -> Path:
        return self.state / "progress.json"

    @property
    def backups(self) -> Path:
        return self.state / "backups"

    def member(self, pack: str) -> Member | None:
        return next((m for m in self.members if m.name == pack), None)

    def holds(self, pack: str) -> bool:
        return self.member(pack) is not None

    def folder_for(self, pack: Pack | str) -> Path:
        """Where the learner's files of ``pack`` (or the pack of that name) are; for a pack not
        added yet, where they would go. A bare folder (no members) keeps every file at its root."""
        name = pack if isinstance(pack, str) else pack.name
        member = self.member(name)
        if member is not None:
            return self.root / member.folder if member.folder else self.root
        return self.root / name if self.members else self.root

    def file_for(self, exercise: Exercise) -> Path:
        """The learner's file for ``exercise`` (of whichever pack the workspace holds it in)."""
        return self.folder_for(exercise.pack) / exercise.file

    def key(self, exercise: Exercise) -> str:
        """The exercise's key in progress: its slug for the pack at the root, else PACK/SLUG."""
        return exercise.slug if self.folder_for(exercise.pack) == self.root else f"{exercise.pack}/{exercise.slug}"


def is_workspace(folder: Path) -> bool:
    return (folder / STATE / MARKER).is_file()


def find(start: Path, explicit: Path | None = None) -> Workspace | None:
    """The workspace named by ``explicit`` or $TORCH_DOJO_WORKSPACE, else the one at or above ``start``."""
    named = explicit or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
    if named is not None:
        named = named.expanduser().resolve()
        for folder in (named, named / FOLDER):
            if is_workspace(folder):
                return open_at(folder)
        return None
    for folder in (start.resolve(), *start.resolve().parents):
        if is_workspace(folder):
            return open_at(folder)
        if is_workspace(folder / FOLDER):
            return open_at(folder / FOLDER)
    return None


def open_at(root: Path) -> Workspace:
    """The workspace at ``root`` with the packs its workspace.toml names."""
    data = _marker(root)
    members = []
    for entry in data.get("packs", []) if isinstance(data.get("packs"), list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"]:
            members.append(Member(entry["name"], str(entry.get("folder", "")), str(entry.get("path", ""))))
    if not members and isinstance(data.get("pack"), str) and data["pack"]:
        members.append(Member(data["pack"]))  # a workspace of torch-dojo 0.1: its one pack at the root
    return Workspace(root, tuple(members))


def create(where: Path, pack: Pack, *, path: str = "") -> Workspace:
    """Make a workspace at ``where`` holding ``pack`` (found at ``path``, "" when found by
    name), with a copy of every starter; keep anything already there."""
    where = where.expanduser().resolve()
    if where.exists() and not where.is_dir():
        raise WorkspaceError(f"{where} is a file, not a folder: choose another place for the workspace.")
    try:
        (where / STATE).mkdir(parents=True, exist_ok=True)
        if not (where / STATE / MARKER).exists():
            _write_marker(where, pack.name, datetime.now().isoformat(timespec="seconds"),
                          (Member(pack.name, "", path),))
    except OSError as err:
        raise WorkspaceError(f"Cannot create the workspace at {where}: {err.strerror}.") from None
    workspace = open_at(where)
    if not workspace.holds(pack.name):  # a workspace was there already, with other packs
        return add_pack(workspace, pack, path=path)[0]
    add_missing_starters(workspace, pack)
    return workspace


def add_pack(workspace: Workspace, pack: Pack, *, path: str = "") -> tuple[Workspace, StarterChanges]:
    """Hold ``pack`` too: its starters go in a subfolder named after it; nothing else changes.

    Adding a pack the workspace holds already only records ``path`` where it changed, and
    brings its starters up to date."""
    members = list(workspace.members) or [Member(pack_name(workspace) or pack.name)]
    held = next((m for m in members if m.name == pack.name), None)
    if held is None:
        members.append(Member(pack.name, pack.name, path))
    elif path and held.path != path:
        members[members.index(held)] = Member(held.name, held.folder, path)
    if tuple(members) != workspace.members:
        data = _marker(workspace.root)
        try:
            _write_marker(workspace.root, str(data.get("pack") or members[0].name), str(data.get("created", "")),
                          tuple(members))
        except OSError as err:
            raise WorkspaceError(f"Cannot record the pack in {workspace.state / MARKER}: {err.strerror}.") from None
    updated = Workspace(workspace.root, tuple(members))
    try:
        return updated, add_missing_starters(updated, pack)
    except OSError as err:
        raise WorkspaceError(f"Cannot copy the starters of '{pack.name}' into {updated.folder_for(pack)}: "
                             f"{err.strerror}.") from None


def pack_name(workspace: Workspace) -> str:
    """The workspace's first pack: the one at its root."""
    return str(_marker(workspace.root).get("pack", ""))


def _marker(root: Path) -> dict:
    try:
        return tomllib.loads((root / STATE / MARKER).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _write_marker(root: Path, first: str, created: str, members: tuple[Member, ...]) -> None:
    """All of workspace.toml, swapped in whole (a JSON string is a valid TOML string)."""
    lines = [f"pack = {json.dumps(first)}", f"created = {json.dumps(created)}"]
    for member in members:
        lines += ["", "[[packs]]", f"name = {json.dumps(member.name)}", f"folder = {json.dumps(member.folder)}"]
        if member.path:
            lines.append(f"path = {json.dumps(member.path)}")
    marker = root / STATE / MARKER
    tmp = marker.with_name(f".{MARKER}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, marker)


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
    workspace.folder_for(pack).mkdir(parents=True, exist_ok=True)
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
    found = [p for p in workspace.folder_for(exercise.pack).glob(f"*_{exercise.slug}.py")
             if pattern.fullmatch(p.name) and p.name not in current and p.is_file()]
    return found[0] if len(found) == 1 else None  # two candidates: leave them for the learner


def reset(workspace: Workspace, exercise: Exercise) -> Path | None:
    """Put a fresh starter in place; return where the learner's previous file was saved."""
    target = workspace.file_for(exercise)
    backup = None
    if target.exists():
        # another pack's files may share names with the first pack's: each has its own backups
        backups = workspace.backups if target.parent == workspace.root else workspace.backups / exercise.pack
        backups.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        backup = backups / f"{target.stem}.{stamp}{target.suffix}"
        shutil.copy2(target, backup)
    tmp = target.with_name(f".{target.name}.reset")
    shutil.copyfile(exercise.starter, tmp)
    os.replace(tmp, target)
    return backup
