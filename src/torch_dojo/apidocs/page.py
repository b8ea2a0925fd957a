"""An exercise's docs as one Markdown page (the Docs tab, `torch-dojo docs ID`) or JSON."""

from __future__ import annotations

import re

from torch_dojo.apidocs.lookup import Docs
from torch_dojo.apidocs.markdown import to_markdown
from torch_dojo.pack import Exercise
from torch_dojo.runner.environment import ApiDoc

SCHEMA = "torch-dojo/docs@1"
NONE_NAMED = ("This exercise names no APIs to read about. (A pack lists them for each exercise in its "
              'pack.toml: `docs = ["torch.Tensor.to"]`; see docs/packs.md.)')


def unavailable(problem: str) -> str:
    """Why there are no docs to show: torch could not be asked."""
    return (f"The docs come from the torch installed here, and it could not be asked: {problem}\n\n"
            "`torch-dojo doctor` says what is wrong with torch; your exercises are not affected by this.")


def markdown(exercise: Exercise, docs: Docs) -> str:
    if not exercise.docs:
        return NONE_NAMED
    if docs.problem and not docs.entries:
        return unavailable(docs.problem)
    shown = " · ".join(f"`{n.name}`" for n in exercise.docs)
    parts = [f"PyTorch's own documentation of what this exercise uses, from torch {docs.torch or '?'} "
             f"installed here: {shown}"]
    if docs.problem:
        parts.append(f"*Some could not be asked: {docs.problem}*")
    parts += [entry_markdown(entry, docs.torch) for entry in docs.entries]
    return "\n\n---\n\n".join(parts) + "\n"


def entry_markdown(entry: ApiDoc, torch: str) -> str:
    head = f"## `{entry.name}`"
    if entry.needs:
        return f"{head}\n\n*Not shown here: {entry.problem}.*"
    if not entry.found:
        return (f"{head}\n\n*Not found in torch {torch}: {entry.problem}. The pack names an API this torch "
                "does not have; tell its author (`torch-dojo pack verify` finds such names).*")
    parts = [f"{head} ({entry.kind})" if entry.kind else head]
    if entry.signature:
        short = entry.name.rsplit(".", 1)[-1]
        parts.append(f"```python\n{short}{entry.signature}\n```")
    parts.append(_readable(entry.doc) if entry.doc.strip() else "*(no docstring)*")
    return "\n\n".join(parts)


def _readable(doc: str) -> str:
    """The docstring as Markdown; as it is written, should a new torch's defeat the conversion."""
    try:
        return to_markdown(doc)
    except Exception:  # never a traceback in place of the docs
        fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", doc)), default=0))
        return f"{fence}text\n{doc}\n{fence}"


def to_json(exercise: Exercise, docs: Docs, address: str) -> dict:
    named = {n.name: n for n in exercise.docs}
    return {"schema": SCHEMA, "exercise": {"id": exercise.id, "slug": exercise.slug, "pack": exercise.pack,
                                           "address": address, "title": exercise.title},
            "torch": docs.torch, "problem": docs.problem,
            "docs": [{"name": e.name, "requires": named[e.name].requires if e.name in named else "",
                      "found": e.found, "kind": e.kind, "signature": e.signature, "problem": e.problem,
                      "needs": e.needs, "doc": e.doc, "markdown": entry_markdown(e, docs.torch)}
                     for e in docs.entries]}
