"""Which packs there are, and which pack a name or a path means (``locate``).

Where packs come from, in the order `torch-dojo packs` lists them:

- **built-in**: the pack shipped with torch-dojo. Its name, ``core``, is reserved.
- **entry point**: an installed distribution announces a pack in the entry point group
  ``torch_dojo.packs``. The entry point's name is the pack's name (the same as
  ``[pack].name`` in its pack.toml); its value is one of

  - ``module``: a package whose folder holds pack.toml (ship pack.toml, exercises/,
    checks/ and solutions/ inside the package as package data);
  - ``module:attribute``: a str or ``pathlib.Path`` naming the pack's folder (or its
    pack.toml), or a function of no arguments that returns one.

  In pyproject.toml::

      [project.entry-points."torch_dojo.packs"]
      mlcourse = "mlcourse_pack"            # or "mlcourse_pack:pack_folder"

  An entry point that fails to import, names nothing usable, or names a broken pack is
  listed by `torch-dojo packs` with its problem; it never stops torch-dojo.
- **folder**: ``--pack PATH`` (a folder with pack.toml, or the pack.toml itself; a git
  checkout is a folder like any other).
- **workspace**: a pack the current workspace holds, from the folder it was added from.

``--pack`` takes a PATH or the NAME of an available pack: text with a ``/`` (or starting
with ``.`` or ``~``) is a path; a name no pack has is tried as a path last.

Which exercise ``PACK/ID`` means, among the packs a command works on, is selection.py's.

Nothing here imports torch or Textual; an entry point's module is imported only when its
pack is asked for by name, or listed.
"""

from __future__ import annotations

import difflib
import os
import types
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from torch_dojo import __version__
from torch_dojo import workspace as ws
from torch_dojo.pack import MANIFEST, Pack, PackError, builtin_pack_root, load_builtin_pack, load_pack
from torch_dojo.workspace import Workspace

GROUP = "torch_dojo.packs"
BUILTIN_NAME = "core"

BUILTIN, ENTRY_POINT, FOLDER, WORKSPACE = "built-in", "entry point", "folder", "workspace"


class CatalogError(LookupError):
    """No pack of that name, two packs of one name, or a pack no workspace may hold."""


@dataclass(frozen=True)
class Origin:
    kind: str  # BUILTIN, ENTRY_POINT, FOLDER or WORKSPACE
    detail: str = ""  # the distribution (entry point), the folder (folder, workspace)

    def __str__(self) -> str:
        if self.kind == ENTRY_POINT:
            return f"entry point of {self.detail}"
        return f"{self.kind} {self.detail}".strip()  # "built-in", "folder /x", "workspace /x"


@dataclass(frozen=True)
class Available:
    """A pack found somewhere: loaded (``pack``), or not, with its first ``problem``."""
    name: str
    origin: Origin
    root: Path | None = None
    pack: Pack | None = None
    problem: str = ""
    error: PackError | None = field(default=None, compare=False, repr=False)  # every problem, when it has one

    @property
    def ok(self) -> bool:
        return self.pack is not None and not self.problem

    def to_json(self, found: Workspace | None = None) -> dict:
        pack = self.pack
        return {"name": self.name, "title": pack.title if pack else None,
                "version": (pack.version or None) if pack else None,
                "description": (pack.description or None) if pack else None,
                "requires_torch_dojo": (pack.requires_torch_dojo or None) if pack else None,
                "origin": self.origin.kind, "from": self.origin.detail or None,
                "root": str(self.root) if self.root else None,
                "exercises": len(pack.exercises) if pack else None, "ok": self.ok,
                "problem": self.problem or None, "in_workspace": bool(found and found.holds(self.name))}


# Finding packs ------------------------------------------------------------------------------

def available(folders: Iterable[Path | str] = (), found: Workspace | None = None) -> list[Available]:
    """Every pack there is: built-in, entry points, the workspace's, the ``folders`` given.

    Each root is listed once; packs that share a name are each marked with the other's place."""
    found_packs = [_builtin(), *_entry_points()]
    if found is not None:
        found_packs += [_folder(m.path, WORKSPACE) for m in found.members if m.path]
    found_packs += [_folder(folder, FOLDER) for folder in folders]
    unique: list[Available] = []
    for candidate in found_packs:
        if candidate.root is None or all(candidate.root != seen.root for seen in unique):
            unique.append(candidate)
    for index, one in enumerate(unique):
        if one.problem:
            continue
        others = [o for o in unique if o is not one and o.pack is not None and o.name == one.name]
        if one.origin.kind != BUILTIN and one.name == BUILTIN_NAME:
            unique[index] = replace(one, problem=f"the name '{BUILTIN_NAME}' is the built-in pack's: "
                                                 "rename [pack].name")
        elif others and one.origin.kind != BUILTIN:
            unique[index] = replace(one, problem=f"another pack is named '{one.name}' too ({_place(others[0])})")
    return unique


def locate(name_or_path: str | Path | None, found: Workspace | None = None) -> Available:
    """The pack ``name_or_path`` means (None: the built-in one), loaded.

    Raises PackError when the pack is broken, CatalogError when no pack or two packs have that name."""
    if name_or_path is None:
        return _loaded(_builtin())
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or _looks_like_path(text):
        return _loaded(_folder(name_or_path, FOLDER))
    named = by_name(text, found)
    if named is not None:
        return named
    if Path(text).expanduser().exists():
        return _loaded(_folder(text, FOLDER))
    names = sorted({a.name for a in available(found=found) if a.ok})
    close = difflib.get_close_matches(text, names, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise CatalogError(f"no pack named '{text}', and no folder '{text}' here.{hint} Available: {', '.join(names)}. "
                     "Give a pack's folder as a path (./my-pack); `torch-dojo packs` lists every pack.")


def by_name(name: str, found: Workspace | None) -> Available | None:
    """The pack of that name: built-in, the workspace's (from where it was added), an entry point."""
    if name == BUILTIN_NAME:
        return _loaded(_builtin())
    member = found.member(name) if found else None
    if member is not None and member.path:
        return _loaded(_folder(member.path, WORKSPACE))
    candidates = _entry_points(name)
    if len(candidates) > 1:
        raise CatalogError(f"two packs are named '{name}': {_place(candidates[0])} and {_place(candidates[1])}. "
                         "Uninstall one of them (pip uninstall DIST), or ask its author to rename it.")
    return _loaded(candidates[0]) if candidates else None


def resolve(name_or_path: str | Path | None, found: Workspace | None = None) -> Pack:
    """The pack ``name_or_path`` means: None is the built-in pack, a path a folder, a name any
    available pack (the workspace's first, where ``found`` holds one of that name)."""
    return locate(name_or_path, found).pack


def _builtin() -> Available:
    try:
        pack = load_builtin_pack()
    except PackError as err:
        return Available(BUILTIN_NAME, Origin(BUILTIN), None, problem=_first(err), error=err)
    # the built-in pack is as new as torch-dojo itself
    return Available(pack.name, Origin(BUILTIN), pack.root, replace(pack, version=pack.version or __version__))


def _entry_points(name: str | None = None) -> list[Available]:
    from importlib.metadata import entry_points  # not needed by most commands: imported late

    found = []
    for point in entry_points(group=GROUP):
        if name is not None and point.name != name:
            continue
        dist = getattr(point, "dist", None)
        origin = Origin(ENTRY_POINT, f"{dist.name} {dist.version}" if dist else point.value)
        try:
            root = _entry_point_folder(point.load())
        except (Exception, SystemExit) as err:  # a broken distribution must not stop torch-dojo
            found.append(Available(point.name, origin, problem=f"{point.value} cannot be loaded: "
                                                               f"{type(err).__name__}: {err}"))
            continue
        one = _folder(root, ENTRY_POINT, origin)
        if one.pack is None:
            one = replace(one, name=point.name)
        elif one.pack.name != point.name:
            one = replace(one, name=point.name, problem=f"the entry point is named '{point.name}' but its pack.toml "
                                                        f"names the pack '{one.pack.name}': the two must be the same")
        found.append(one)
    return found


def _entry_point_folder(value: object) -> Path:
    """The folder an entry point's value names: a package's folder, a path, or what a function returns."""
    if isinstance(value, types.ModuleType):
        from importlib.resources import files

        return Path(str(files(value)))
    if callable(value):
        value = value()
    if isinstance(value, (str, os.PathLike)):
        return Path(value)
    raise TypeError(f"it gives a {type(value).__name__}; it must name a module, a folder (str or Path) "
                    "or a function returning one")


def _folder(path: str | Path, kind: str, origin: Origin | None = None) -> Available:
    root = Path(path).expanduser().resolve()
    if root.name == MANIFEST and root.is_file():
        root = root.parent
    origin = origin or Origin(kind, str(root))
    try:
        pack = load_pack(root)
    except PackError as err:
        return Available(root.name, origin, root, problem=_first(err), error=err)
    return Available(pack.name, origin, pack.root, pack)


def _loaded(found: Available) -> Available:
    """``found`` when it loaded, else its whole error."""
    if found.ok:
        return found
    if found.error is not None:
        raise found.error
    raise CatalogError(f"the pack '{found.name}' ({found.origin}) cannot be used: {found.problem}")


def _first(err: PackError) -> str:
    more = len(err.problems) - 1
    return str(err.problems[0]) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


def _place(found: Available) -> str:
    """Where a pack is, in words, for messages about two packs of one name."""
    if found.origin.kind == BUILTIN:
        return f"the built-in pack ({found.root})"
    if found.origin.kind == ENTRY_POINT:
        return f"the entry point of {found.origin.detail} ({found.root or 'not loaded'})"
    return f"the {found.origin.kind} {found.root}"


def _looks_like_path(text: str) -> bool:
    return "/" in text or os.sep in text or text.startswith((".", "~")) or text.endswith(MANIFEST)


def record_path(found: Available) -> str:
    """What a workspace records to find the pack again: its folder, or "" when found by name."""
    return str(found.root) if found.origin.kind in (FOLDER, WORKSPACE) and found.root else ""


# Packs in a workspace ------------------------------------------------------------------------

def create_workspace(where: Path, name_or_path: str | Path | None) -> Workspace:
    """A new workspace at ``where`` holding the pack ``name_or_path`` means (None: the built-in)."""
    chosen = _claimable(locate(name_or_path))
    return ws.create(where, chosen.pack, path=record_path(chosen))


def add(found: Workspace, name_or_path: str | Path) -> tuple[Workspace, Pack, ws.StarterChanges]:
    """Add a pack to the workspace (or bring it up to date there), touching no other pack."""
    chosen = _claimable(locate(name_or_path, found))
    member = found.member(chosen.name)
    if member is not None and member.path and chosen.origin.kind == FOLDER:
        held = _folder(member.path, WORKSPACE)
        if held.ok and held.name == chosen.name and held.root != chosen.root:
            raise CatalogError(f"this workspace already holds a pack named '{chosen.name}', from {held.root}; the "
                             f"pack at {chosen.root} has the same name. Rename [pack].name in one of them.")
    updated, changes = ws.add_pack(found, chosen.pack, path=record_path(chosen))
    return updated, chosen.pack, changes


def _claimable(chosen: Available) -> Available:
    """``chosen``, when a workspace may hold it: a folder pack may not take the name of the
    built-in pack or of an installed one."""
    if chosen.root == builtin_pack_root():
        return _loaded(_builtin())  # `--pack .` in a checkout is the built-in pack
    if chosen.origin.kind != FOLDER:
        return chosen
    if chosen.name == BUILTIN_NAME:
        raise CatalogError(f"the pack at {chosen.root} is named '{chosen.name}', the built-in pack's name: "
                         f"rename [pack].name in {chosen.root / MANIFEST}.")
    installed = [a for a in _entry_points(chosen.name) if a.root != chosen.root]
    if installed:
        raise CatalogError(f"two packs are named '{chosen.name}': the folder {chosen.root} and "
                         f"{_place(installed[0])}. Rename [pack].name in one of them.")
    return chosen
