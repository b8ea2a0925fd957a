"""The docs already asked for, kept per torch version so that only the first look waits.

One JSON file per installed torch (and torchvision) under the user's cache folder
(platformdirs; ``$TORCH_DOJO_CACHE_DIR`` instead, for tests and read-only homes). Only names
that resolved are kept: a name that waited for torchvision is asked again once it is there.
A file that cannot be read or does not parse is ignored and written anew; writes are
atomic; a cache that cannot be written only makes the next look slower.
"""

from __future__ import annotations

import json
import os
import re
from importlib import metadata
from pathlib import Path

from torch_dojo import filesafe
from torch_dojo.runner.probe_process.apis import ApiDoc

ENV_VAR = "TORCH_DOJO_CACHE_DIR"
FORMAT = 1  # bump when what probe_process.docs gathers changes


def folder() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("torch-dojo", appauthor=False))


def key() -> str | None:
    """What the cached docs depend on: the installed torch and torchvision, read from their
    metadata without importing them (None without torch: then nothing is cached)."""
    try:
        torch = metadata.version("torch")
    except metadata.PackageNotFoundError:
        return None
    try:
        vision = metadata.version("torchvision")
    except metadata.PackageNotFoundError:
        vision = "none"
    return re.sub(r"[^A-Za-z0-9.+_-]", "_", f"torch-{torch}-torchvision-{vision}-v{FORMAT}")


def path(of: str) -> Path:
    return folder() / "docs" / f"{of}.json"


def load(of: str) -> tuple[str, dict[str, ApiDoc]]:
    """The torch version and the docs kept for ``of`` (a ``key()``); nothing when the file is
    missing, unreadable or not ours."""
    try:
        data = json.loads(path(of).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return "", {}
        return str(data["torch"]), {name: ApiDoc.from_json(one) for name, one in data["docs"].items()
                                    if isinstance(one, dict) and not one.get("problem")}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "", {}


def save(of: str, torch: str, docs: dict[str, ApiDoc]) -> None:
    target = path(of)
    data = {"format": FORMAT, "torch": torch, "docs": {name: d.to_json() for name, d in docs.items() if d.found}}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        filesafe.write_file(target, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass
