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
import stat
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from torch_dojo.filesafe import is_regular, write_file
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
    """Whether ``folder`` has a marker: anything at .dojo/workspace.toml, even one that cannot be
    read (opening it then says why), so a broken marker is never taken for "no workspace"."""
    marker = folder / STATE / MARKER
    try:
        os.lstat(marker)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as err:
        raise WorkspaceError(_unreadable_marker(marker, err.strerror or str(err))) from None
    return True


def _unreadable_marker(marker: Path, why: str) -> str:
    return (f"cannot read {marker}: {why}. It says which packs the workspace holds, so nothing is added to or "
            "removed from this workspace until it can be read: fix it (or restore it), then run torch-dojo again. "
            "Your exercise files and progress are untouched.")


def find(start: Path | None, explicit: Path | None = None) -> Workspace | None:
    """The workspace named by ``explicit`` or $TORCH_DOJO_WORKSPACE, else the one at or above
    ``start`` (None: the current folder is gone, so there is nothing above it to search).

    Raises WorkspaceError when a workspace is there but its marker cannot be read."""
    named = explicit or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
    if named is not None:
        named = named.expanduser().resolve()
        for folder in (named, named / FOLDER):
            if is_workspace(folder):
                return open_at(folder)
        return None
    if start is None:
        return None
    for folder in (start.resolve(), *start.resolve().parents):
        if is_workspace(folder):
            return open_at(folder)
        if is_workspace(folder / FOLDER):
            return open_at(folder / FOLDER)
    return None


def open_at(root: Path) -> Workspace:
    """The workspace at ``root`` with the packs its workspace.toml names (WorkspaceError when
    it cannot be read, or names its packs in a shape this version does not know)."""
    data = _marker(root)
    members = []
    entries = data.get("packs", [])
    marker = root / STATE / MARKER
    if not isinstance(entries, list):
        raise WorkspaceError(_unreadable_marker(marker, "its `packs` is not a list of [[packs]] tables"))
    for number, entry in enumerate(entries, start=1):
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"]
                and all(isinstance(entry.get(k, ""), str) for k in ("folder", "path"))):
            raise WorkspaceError(_unreadable_marker(
                marker, f"its [[packs]] table {number} needs a `name`, and text for `folder` and `path`"))
        members.append(Member(entry["name"], entry.get("folder", ""), entry.get("path", "")))
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
        if not is_workspace(where):
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
    """What workspace.toml says; {} when there is none. WorkspaceError when it cannot be read:
    never taken for an empty marker, which would add or drop packs."""
    marker = root / STATE / MARKER
    try:
        return tomllib.loads(marker.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise WorkspaceError(_unreadable_marker(marker, err.strerror or str(err))) from None
    except UnicodeDecodeError:
        raise WorkspaceError(_unreadable_marker(marker, "it is not UTF-8 text")) from None
    except tomllib.TOMLDecodeError as err:
        raise WorkspaceError(_unreadable_marker(marker, f"it is not valid TOML ({err})")) from None


def _write_marker(root: Path, first: str, created: str, members: tuple[Member, ...]) -> None:
    """All of workspace.toml, swapped in whole (a JSON string is a valid TOML string)."""
    lines = [f"pack = {json.dumps(first)}", f"created = {json.dumps(created)}"]
    for member in members:
        lines += ["", "[[packs]]", f"name = {json.dumps(member.name)}", f"folder = {json.dumps(member.folder)}"]
        if member.path:
            lines.append(f"path = {json.dumps(member.path)}")
    write_file(root / STATE / MARKER, ("\n".join(lines) + "\n").encode("utf-8"))


@dataclass(frozen=True)
class Moved:
    """A learner's file renamed because the pack renumbered its exercise."""
    old: Path
    new: Path


@dataclass
class StarterChanges:
    added: list[Path] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    repaired: list[Path] = field(default_factory=list)  # empty files (a copy that failed) given the starter again


def add_missing_starters(workspace: Workspace, pack: Pack) -> StarterChanges:
    """Bring the workspace up to the pack: never overwrite, never lose a learner's work.

    When an exercise's file name changed (a new id in front of the same slug), the
    learner's file under the old name is moved to the new one; only exercises the learner
    never had get a fresh starter. A starter is written whole or not at all; an empty file
    (what a copy that failed on a full disk left, in older versions) gets the starter again.
    Anything at a learner's path that is not a file (a link, a folder, a FIFO) is left alone.
    """
    changes = StarterChanges()
    current = {exercise.file for exercise in pack.exercises}
    workspace.folder_for(pack).mkdir(parents=True, exist_ok=True)
    for exercise in pack.exercises:
        target = workspace.file_for(exercise)
        if os.path.lexists(target):
            if _is_empty_file(target):
                starter = exercise.starter.read_bytes()
                if starter:
                    write_file(target, starter)
                    changes.repaired.append(target)
            continue
        earlier = _earlier_file(workspace, exercise, current)
        if earlier is not None:
            os.replace(earlier, target)
            changes.moved.append(Moved(earlier, target))
        elif write_file(target, exercise.starter.read_bytes(), replace=False):
            changes.added.append(target)
    return changes


def _is_empty_file(path: Path) -> bool:
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def _earlier_file(workspace: Workspace, exercise: Exercise, current: set[str]) -> Path | None:
    """The learner's file for this slug under an older id (``01_tensor_dtypes.py``), if exactly one."""
    pattern = re.compile(rf"[A-Za-z0-9]+_{re.escape(exercise.slug)}\.py")
    found = [p for p in workspace.folder_for(exercise.pack).glob(f"*_{exercise.slug}.py")
             if pattern.fullmatch(p.name) and p.name not in current and p.is_file()]
    return found[0] if len(found) == 1 else None  # two candidates: leave them for the learner


def reset(workspace: Workspace, exercise: Exercise) -> Path | None:
    """Put a fresh starter in place; return where the learner's previous file was saved.

    The backup and the starter are each written whole (a unique temporary file, renamed), the
    backup first: a reset that fails midway leaves the learner's file as it was. What is at the
    path but is not a file (a folder, a FIFO, a broken link) is moved into the backups, never read.
    Raises WorkspaceError saying what failed."""
    target = workspace.file_for(exercise)
    backup = None
    moved = False
    try:
        if os.path.lexists(target):
            # another pack's files may share names with the first pack's: each has its own backups
            backups = workspace.backups if target.parent == workspace.root else workspace.backups / exercise.pack
            backups.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            backup = backups / f"{target.stem}.{stamp}{target.suffix}"
            if is_regular(target):
                data = target.read_bytes()
                while not write_file(backup, data, replace=False):  # two resets in one microsecond
                    backup = backup.with_name(f"{backup.stem}-{os.getpid()}{backup.suffix}")
            else:
                os.replace(target, backup)  # a rename: nothing is opened, nothing can block
                moved = True
        write_file(target, exercise.starter.read_bytes())
    except OSError as err:
        where = f" ({err.filename})" if err.filename and str(err.filename) != str(target) else ""
        kept = (f"What was there is now at {backup}" if moved else
                "Your file is as it was" + (f", and a copy is at {backup}" if backup and os.path.lexists(backup) else ""))
        raise WorkspaceError(f"cannot reset {target}: {err.strerror or err}{where}. {kept}. Free some space or "
                             "make the folder writable, then reset again.") from None
    return backup
