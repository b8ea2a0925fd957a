"""Which packs a command works on, and which exercise an address names among them.

Exercises are addressed ``PACK/ID`` or ``PACK/SLUG``; a bare ``ID`` or ``SLUG`` means the
built-in pack where the workspace holds it, else the workspace's only pack. With ``--pack``
a command works on that pack alone; without, on every pack of the workspace (one that does
not load is left out, with a warning).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from torch_dojo.catalog import BUILTIN_NAME, CatalogError, by_name, locate, resolve
from torch_dojo.pack import Exercise, Pack, PackError, UnknownExercise
from torch_dojo.workspace import Workspace


class SelectionError(LookupError):
    """An address names a pack not selected, or says too little; no pack of the workspace loads."""


@dataclass(frozen=True)
class Selection:
    """The packs a command works on, and what a bare exercise id means among them."""
    packs: tuple[Pack, ...]
    default: Pack | None  # the pack of a bare ID or SLUG; None when that would be a guess
    workspace: Workspace | None = None  # the workspace, where it holds these packs
    warnings: tuple[str, ...] = ()  # packs of the workspace that could not be loaded
    outside: str = ""  # why ``workspace`` is None although one was found
    bare: str | None = None  # the pack a bare ID means in the workspace without --pack (for ``address``)

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(e for pack in self.packs for e in pack.exercises)

    def pack_named(self, name: str) -> Pack:
        for pack in self.packs:
            if pack.name == name:
                return pack
        names = ", ".join(p.name for p in self.packs)
        if self.workspace is None and not self.outside:  # the packs of a workspace are not known here
            raise SelectionError(f"'{name}/…' names an exercise of the pack '{name}', but there is no workspace "
                             f"in this folder or above it, so only {names} is known here. Run the command "
                             "inside your workspace (or give --workspace DIR); `torch-dojo packs` lists the "
                             "packs there are.")
        where = "in this workspace" if self.workspace else "here"
        raise SelectionError(f"no pack '{name}' {where} (there is: {names}). `torch-dojo --pack {name}` adds an "
                         "available pack to your workspace; `torch-dojo packs` lists them.")

    def find(self, address: str) -> Exercise:
        """The exercise ``PACK/ID``, ``PACK/SLUG``, or a bare ``ID``/``SLUG`` of the default pack."""
        name, slash, key = address.partition("/")
        if slash:
            return self.pack_named(name).find(key)
        if self.default is None:
            matches = [f"{p.name}/{address}" for p in self.packs if _has(p, address)]
            choices = " or ".join(f"`{m}`" for m in matches[:4]) or \
                f"PACK/{address} with PACK one of {', '.join(p.name for p in self.packs)}"
            raise SelectionError(f"'{address}' could mean an exercise of any pack of this workspace: say which, "
                             f"as {choices}.")
        try:
            return self.default.find(address)
        except UnknownExercise as err:
            elsewhere = [f"{p.name}/{address}" for p in self.packs if p is not self.default and _has(p, address)]
            if elsewhere:
                raise SelectionError(f"{err} It is in another pack: `{elsewhere[0]}`.") from None
            raise

    def address(self, exercise: Exercise) -> str:
        """How the learner names ``exercise`` on the command line, with or without --pack:
        ``01``, or ``mlcourse/01``."""
        return exercise.id if exercise.pack == self.bare else f"{exercise.pack}/{exercise.id}"


def _has(pack: Pack, key: str) -> bool:
    try:
        pack.find(key)
    except UnknownExercise:
        return False
    return True


def select(found: Workspace | None, named: str | Path | None = None) -> Selection:
    """The packs a command works on: the one ``named`` (--pack), else every pack of the
    workspace ``found``, else the built-in pack."""
    if named is not None:
        pack = locate(named, found).pack
        if found is None:
            return Selection((pack,), pack, None, bare=pack.name)
        if not found.holds(pack.name):
            held = ", ".join(m.name for m in found.members) or "no pack"
            return Selection((pack,), pack, None, bare=pack.name, outside=(
                f"the workspace at {found.root} does not hold the pack '{pack.name}' (it holds {held}): "
                f"`torch-dojo --pack {named}` adds it"))
        return Selection((pack,), pack, found, bare=_bare([m.name for m in found.members]))
    if found is None or not found.members:
        pack = resolve(None)
        return Selection((pack,), pack, found, bare=pack.name)
    loaded, warnings = [], []
    for member in found.members:
        try:
            hit = by_name(member.name, found)
            if hit is None:
                raise CatalogError(f"no pack named '{member.name}' is installed")
            pack = hit.pack
        except (PackError, CatalogError) as err:
            tip = "" if member.path else " If it is a folder, run `torch-dojo --pack PATH` once to say where."
            warnings.append(f"the pack '{member.name}' of your workspace cannot be loaded, so its exercises are "
                            f"left out: {str(err).splitlines()[0]}{tip}")
            continue
        if pack.name != member.name:
            warnings.append(f"the pack at {member.path} is now named '{pack.name}', not '{member.name}' as your "
                            "workspace recorded, so its exercises are left out.")
            continue
        loaded.append(pack)
    if not loaded:
        raise SelectionError("no pack of your workspace can be loaded:\n  " + "\n  ".join(warnings))
    bare = _bare([m.name for m in found.members])
    default = next((p for p in loaded if p.name == bare), None)
    return Selection(tuple(loaded), default, found, tuple(warnings), bare=bare)


def _bare(held: list[str]) -> str | None:
    """The pack a bare ID means in a workspace holding ``held``: the built-in, else the only one."""
    if BUILTIN_NAME in held:
        return BUILTIN_NAME
    return held[0] if len(held) == 1 else None
