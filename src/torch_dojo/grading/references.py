"""Reference verdicts kept between grading runs: each reference solution judged once.

Every run judges each exercise's reference solution before any student (``judging``); for
the same pack on the same kind of machine the verdict is the same, so a passing one is kept
in the user's cache folder (``platformdirs``; ``$TORCH_DOJO_CACHE_DIR`` instead, for tests
and for shards that share a folder) and reused by later runs and by the other shards.

A verdict is reused only under the key it was judged with: the exercise's fingerprint
(``journal.fingerprint`` of its solution: the checks, the solution, the manifest entry and
torch-dojo's version), the versions of torch, torchvision and Python, the machine (its
architecture, and what the grader says of it: whether a GPU may be there, how the
submissions are confined). Only passing verdicts are kept (a failing or skipped reference
is judged again next time: it may be the machine's fault). A cache file that does not
read, or reads as something else, is ignored and the reference judged again; files are
written whole or not at all. A cache that cannot be written costs time, never a mark.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path

from torch_dojo import __version__
from torch_dojo.filesafe import write_file
from torch_dojo.grading.journal import fingerprint
from torch_dojo.pack import Exercise
from torch_dojo.verdict import Status, Verdict

ENV_VAR = "TORCH_DOJO_CACHE_DIR"
SCHEMA = "torch-dojo/reference@1"


def cache_folder() -> Path:
    """Where reference verdicts are kept: ``$TORCH_DOJO_CACHE_DIR``, else the user's cache folder."""
    named = os.environ.get(ENV_VAR)
    if named:
        return Path(named).expanduser() / "references"
    import platformdirs

    return Path(platformdirs.user_cache_dir("torch-dojo")) / "references"


class References:
    """``get`` a reference's verdict judged earlier under the same key, ``put`` one just judged.

    ``machine``: what else the verdict depends on here (the confinement, whether a GPU may
    exist), as the grader knows it; ``fresh``: reuse nothing (still keep what is judged)."""

    def __init__(self, folder: Path | None = None, *, machine: dict | None = None, fresh: bool = False):
        self.folder = Path(folder) if folder is not None else cache_folder()
        self.fresh = fresh
        self._context = json.dumps({"torch_dojo": __version__, "torch": _version("torch"),
                                    "torchvision": _version("torchvision"), "python": platform.python_version(),
                                    "arch": platform.machine(), "system": platform.system(),
                                    "machine": machine or {}}, sort_keys=True, default=str)

    def key(self, exercise: Exercise) -> str:
        stamp = fingerprint(exercise, exercise.solution)
        return hashlib.sha256(f"{SCHEMA}\n{stamp}\n{self._context}".encode()).hexdigest()

    def get(self, exercise: Exercise) -> Verdict | None:
        if self.fresh:
            return None
        key = self.key(exercise)
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            if data.get("schema") != SCHEMA or data.get("key") != key:
                return None
            verdict = Verdict.from_json(data["verdict"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # none yet, cut short, or not ours: judged again
        if verdict.status is not Status.PASSED or (verdict.exercise_id, verdict.slug) != (exercise.id, exercise.slug):
            return None
        return verdict

    def put(self, exercise: Exercise, verdict: Verdict) -> bool:
        """Keep a passing verdict; False when it was not kept (not passing, or no room to write)."""
        if verdict.status is not Status.PASSED:
            return False
        key = self.key(exercise)
        text = json.dumps({"schema": SCHEMA, "key": key, "exercise": exercise.label, "verdict": verdict.to_json()},
                          ensure_ascii=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_file(self.folder / f"{key}.json", text.encode())
        except OSError:
            return False
        return True


def _version(distribution: str) -> str:
    """Its installed version, read without importing it (the grader's process never imports torch)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""
