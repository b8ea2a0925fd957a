"""The journal of a grading run: marks kept as they are known, reused while they still hold."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict
from pathlib import Path

from torch_dojo import __version__
from torch_dojo.grading.marks import GradeError, Mark
from torch_dojo.pack import Exercise

JOURNAL_SCHEMA = "torch-dojo/grade-journal@1"


class Journal:
    """Marks as JSON lines, appended and flushed one by one, so an interrupted run loses none."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self) -> dict[tuple[str, str], Mark]:
        """What earlier runs found; lines that do not read (a run killed mid-write) are skipped."""
        marks: dict[tuple[str, str], Mark] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return marks
        except (OSError, UnicodeDecodeError) as err:
            raise GradeError(f"cannot read the journal {self.path} ({err}): delete it to start over, "
                             "or run with --fresh.") from None
        for line in lines:
            try:
                data = json.loads(line)
                if data.pop("schema", None) != JOURNAL_SCHEMA:
                    continue
                mark = Mark(**data)
            except (ValueError, TypeError):
                continue
            marks[mark.key] = mark
        return marks

    def append(self, mark: Mark) -> None:
        line = json.dumps({"schema": JOURNAL_SCHEMA, **asdict(mark)}, ensure_ascii=False)
        with self._lock, open(self.path, "a", encoding="utf-8") as file:
            file.write(line + "\n")
            file.flush()
            os.fsync(file.fileno())

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def fingerprint(exercise: Exercise, file: Path | None) -> str:
    """Everything a mark depends on: when any of it changes, the mark is judged again."""
    rules = (exercise.id, exercise.file, sorted(exercise.requires), exercise.time_limit,
             exercise.memory_limit_mb, exercise.points)
    digest = hashlib.sha256(f"torch-dojo {__version__}\n{rules!r}\n".encode())
    for path in (exercise.checks, exercise.solution, file):
        digest.update(b"\0")
        if path is not None:
            try:
                digest.update(path.read_bytes())
            except OSError as err:
                digest.update(f"unreadable: {err}".encode())
    return digest.hexdigest()
