"""Runs in a fresh interpreter for ``environment.api_docs()``: the docs of dotted names.

Reads a JSON list of ``{"name": ..., "requires": ...}`` on stdin, imports what each name
lives in, and prints one JSON line: torch's version and an ``ApiDoc`` per name, in order.
A name that does not resolve says which part is wrong (with the closest name there); one
whose requirement is missing here (torchvision not installed) says that instead.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import inspect
import io
import json
import sys

from torch_dojo.runner.probe_process.apis import ApiDoc

DOC_LIMIT = 30_000  # characters of one docstring kept (torch.nn.Module's is long enough)


def resolve(name: str) -> object:
    """The object a dotted name names; LookupError says which part is not there."""
    parts = name.split(".")
    found = importlib.import_module(parts[0])
    for depth, part in enumerate(parts[1:], start=1):
        if hasattr(found, part):
            found = getattr(found, part)
            continue
        where = ".".join(parts[:depth])
        if inspect.ismodule(found):
            try:
                found = importlib.import_module(f"{where}.{part}")
                continue
            except ModuleNotFoundError as err:
                if err.name != f"{where}.{part}":
                    raise
        close = difflib.get_close_matches(part, [n for n in dir(found) if not n.startswith("_")], n=1)
        tip = f": did you mean {where}.{close[0]}?" if close else ""
        raise LookupError(f"{where} has no '{part}'{tip}")
    return found


def kind_of(found: object) -> str:
    if inspect.ismodule(found):
        return "module"
    if inspect.isclass(found):
        return "class"
    if inspect.ismethod(found) or inspect.ismethoddescriptor(found) or inspect.isfunction(found) and \
            "." in found.__qualname__.replace(".<locals>.", ""):
        return "method"
    return "function" if callable(found) else "attribute"


def signature_of(found: object) -> str:
    if not callable(found) or inspect.ismodule(found):
        return ""
    try:
        return str(inspect.signature(found))
    except (TypeError, ValueError):  # a builtin without a text signature: its docstring starts with one
        return ""


def describe(name: str, requires: str) -> ApiDoc:
    from torch_dojo.runner.check_process.requirements import missing

    lacking = missing(requires) if requires else None
    try:
        found = resolve(name)
    except Exception as err:  # ModuleNotFoundError, LookupError, or a module that fails to import
        if lacking:
            return ApiDoc(name, problem=lacking, needs=requires)
        if isinstance(err, ModuleNotFoundError) and err.name == name.split(".")[0]:
            return ApiDoc(name, problem=f"there is no module '{err.name}' here")
        return ApiDoc(name, problem=str(err) if isinstance(err, LookupError) else f"{type(err).__name__}: {err}")
    doc = inspect.getdoc(found) or ""
    if len(doc) > DOC_LIMIT:
        doc = doc[:DOC_LIMIT] + "\n\n(cut here: the rest is in PyTorch's online documentation)"
    return ApiDoc(name, kind=kind_of(found), signature=signature_of(found), doc=doc)


def main() -> dict:
    asked = json.loads(sys.stdin.read() or "[]")
    try:
        import torch
    except Exception as err:
        return {"torch": "", "problem": f"torch does not import: {err}. Install it: pip install torch", "docs": []}
    docs = [describe(str(one.get("name", "")), str(one.get("requires", "") or "")) for one in asked]
    return {"torch": torch.__version__, "problem": "", "docs": [d.to_json() for d in docs]}


if __name__ == "__main__":
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        answer = main()  # what an import prints is not the answer
    print(json.dumps(answer))
