"""The docs of an exercise's names: from the cache, else asked of the installed torch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from torch_dojo.apidocs import cache
from torch_dojo.apidocs.names import DocName
from torch_dojo.runner.environment import ApiDoc, api_docs


@dataclass(frozen=True)
class Docs:
    torch: str  # the version the docs come from ("" when torch could not be asked)
    entries: tuple[ApiDoc, ...]  # one per name asked for, in order (fewer when ``problem``)
    problem: str = ""  # why torch could not be asked at all


def lookup(names: Sequence[DocName], ask: Callable[..., tuple[str, list[ApiDoc], str]] = api_docs) -> Docs:
    """The docs of ``names``; only names not cached yet start a probe process (``ask``)."""
    of = cache.key()
    torch, known = cache.load(of) if of else ("", {})
    wanted = [n for n in names if n.name not in known]
    problem = ""
    if wanted:
        asked_torch, found, problem = ask([(n.name, n.requires) for n in wanted])
        if not problem:
            torch = asked_torch
            fresh = {d.name: d for d in found}
            if of and any(d.found for d in found):
                cache.save(of, torch, {**known, **fresh})
            known = {**known, **fresh}
    return Docs(torch, tuple(known[n.name] for n in names if n.name in known), problem)
