"""A class graded in parts: which students are shard I of N, the document a shard's run
writes, and the one table merged from every shard's document.

The engine an instructor already runs (a CI matrix, a Kubernetes Indexed Job, a Slurm
array) starts one ``torch-dojo grade --shard I/N`` per part; torch-dojo schedules nothing.
The parts are the students sorted by name and dealt round-robin, so the same folders give
the same parts on every machine, whatever order the filesystem lists them in, and no two
parts differ by more than one student. ``merge`` refuses (``GradeError``, naming the problem)
anything that would not give the table one unsharded run gives: a shard missing or given
twice, a student in two shards, shards of other packs, rosters or torch-dojo versions, and
a shard whose run did not finish.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from torch_dojo import __version__
from torch_dojo.grading.doubts import reference_holds
from torch_dojo.grading.marks import GradeError, Grades, Mark, Submission
from torch_dojo.pack import MANIFEST, Pack
from torch_dojo.verdict import Verdict

SHARD_SCHEMA = "torch-dojo/grade-shard@1"
_SKIPPED = {"__pycache__", ".pytest_cache"}


@dataclass(frozen=True)
class ShardSpec:
    """Shard ``index`` of ``count``, counted from 1."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_spec(text: str) -> ShardSpec:
    """``I/N`` with 1 ≤ I ≤ N; ValueError says what is wrong and what to give."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not found:
        raise ValueError(f"'{text}' is not I/N: give the shard's number and how many there are, e.g. 2/3 "
                         "(a 0-based index from the engine: --shard $((INDEX + 1))/N)")
    index, count = int(found[1]), int(found[2])
    if count < 1:
        raise ValueError(f"'{text}': there must be at least one shard")
    if not 1 <= index <= count:
        raise ValueError(f"'{text}': shards are numbered 1 to {count} (a 0-based index from the engine: "
                         "--shard $((INDEX + 1))/N)")
    return ShardSpec(index, count)


def part(students: list[Submission], spec: ShardSpec) -> list[Submission]:
    """The students of shard ``spec``: sorted by name, every N-th from the I-th."""
    return sorted(students, key=lambda s: s.student)[spec.index - 1::spec.count]


def roster(students: list[Submission]) -> str:
    """Who the whole class is: shards of different rosters were split differently."""
    return hashlib.sha256("\n".join(sorted(s.student for s in students)).encode()).hexdigest()


def pack_fingerprint(pack: Pack) -> str:
    """The pack as grading sees it: its manifest, every file of its checks and solutions, and
    torch-dojo's version. Any change to one of them gives another fingerprint."""
    digest = hashlib.sha256(f"torch-dojo {__version__}\n".encode())
    root = Path(pack.root)
    files = [root / MANIFEST] + sorted(p for folder in ("checks", "solutions") for p in _files(root / folder))
    for path in files:
        digest.update(b"\0" + str(path.relative_to(root)).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as err:
            digest.update(f"unreadable: {err}".encode())
    return digest.hexdigest()


def _files(folder: Path):
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in _SKIPPED]
        yield from (Path(dirpath) / name for name in filenames if not name.endswith(".pyc"))


def to_json(grades: Grades, spec: ShardSpec, *, class_roster: str, class_size: int, complete: bool) -> dict:
    """The document of one shard's run: enough to rebuild its part of the table exactly."""
    return {"schema": SHARD_SCHEMA, "shard": {"index": spec.index, "count": spec.count}, "complete": complete,
            "torch_dojo": __version__,
            "pack": {"name": grades.pack.name, "title": grades.pack.title, "version": grades.pack.version,
                     "fingerprint": pack_fingerprint(grades.pack)},
            "roster": {"students": class_size, "fingerprint": class_roster},
            "graded_at": datetime.now().isoformat(timespec="seconds"), "confinement": grades.confinement,
            "students": [{"student": s.student, "folder": str(s.root)} for s in grades.students],
            "references": {slug: {**v.to_json(), "output": ""} for slug, v in grades.expected.items()},
            "marks": [asdict(m) for m in grades.marks.values()]}


def write(document: dict, path: Path) -> None:
    """Written whole or not at all: a shard file is never half a document."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class Shard:
    path: Path
    spec: ShardSpec
    data: dict

    @property
    def name(self) -> str:
        return f"{self.path} (shard {self.spec})"


def read(path: Path) -> Shard:
    """One shard's document; GradeError when it cannot be one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GradeError(f"--merge: there is no file {path}.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise GradeError(f"--merge: cannot read {path} ({err}).") from None
    except ValueError as err:
        raise GradeError(f"--merge: {path} is not JSON ({err}): give the files that `grade --shard I/N --out "
                         "FILE.json` wrote.") from None
    if not isinstance(data, dict) or data.get("schema") != SHARD_SCHEMA:
        kind = data.get("schema") if isinstance(data, dict) else None
        what = f"a {kind} document" if isinstance(kind, str) else "not a shard's document"
        raise GradeError(f"--merge: {path} is {what}, not {SHARD_SCHEMA}: give the files that "
                         "`grade --shard I/N --out FILE.json` wrote.")
    try:
        spec = ShardSpec(int(data["shard"]["index"]), int(data["shard"]["count"]))
        if any(key not in data for key in ("pack", "roster", "students", "marks", "references", "complete",
                                           "torch_dojo")):
            raise KeyError
    except (KeyError, TypeError, ValueError):
        raise GradeError(f"--merge: {path} is a shard's document with fields missing: was it edited? "
                         "Grade that shard again.") from None
    return Shard(path, spec, data)


def merge(pack: Pack, shards: list[Shard]) -> Grades:
    """The table of one unsharded run, from every shard's document; GradeError names what
    keeps the shards from making it."""
    if not shards:
        raise GradeError("--merge needs the shard files to merge.")
    first = shards[0]
    seen: dict[Path, Shard] = {}
    by_index: dict[int, Shard] = {}
    for shard in shards:
        where = shard.path.resolve()
        if where in seen:
            raise GradeError(f"--merge: {shard.path} is given twice.")
        seen[where] = shard
        if shard.spec.count != first.spec.count:
            raise GradeError(f"--merge: {first.name} and {shard.name} are parts of different splits: give the "
                             "shards of one run (the same N).")
        if shard.spec.index in by_index:
            raise GradeError(f"--merge: shard {shard.spec} is given twice: {by_index[shard.spec.index].path} and "
                             f"{shard.path}. Give each shard's file once.")
        by_index[shard.spec.index] = shard
        _same(first, shard)
    missing = [i for i in range(1, first.spec.count + 1) if i not in by_index]
    if missing:
        raise GradeError(f"--merge: shard {', '.join(f'{i}/{first.spec.count}' for i in missing)} "
                         f"{'is' if len(missing) == 1 else 'are'} missing: give every shard's file "
                         f"(1 to {first.spec.count}).")
    for shard in shards:
        if shard.data["complete"] is not True:
            raise GradeError(f"--merge: {shard.name} is incomplete: its run was interrupted (or is still going). "
                             "Run that shard's command again (it goes on where it stopped), then merge.")
    here = pack_fingerprint(pack)
    if first.data["pack"]["fingerprint"] != here:
        raise GradeError(f"--merge: the shards were graded with another pack (or torch-dojo version) than "
                         f"{pack.name} at {pack.root} here: merge with the pack they were graded with (--pack).")
    return _grades(pack, sorted(shards, key=lambda s: s.spec.index))


def _same(first: Shard, shard: Shard) -> None:
    """Shards of one run: one pack, one torch-dojo, one class."""
    a, b = first.data, shard.data
    if a["torch_dojo"] != b["torch_dojo"]:
        raise GradeError(f"--merge: {first.name} was graded with torch-dojo {a['torch_dojo']}, {shard.name} with "
                         f"{b['torch_dojo']}: grade every shard with the same version.")
    if a["pack"] != b["pack"]:
        raise GradeError(f"--merge: {first.name} and {shard.name} were graded with different packs "
                         f"({_pack_label(a['pack'])} and {_pack_label(b['pack'])}): grade every shard with the same "
                         "pack, then merge.")
    if a["roster"] != b["roster"]:
        raise GradeError(f"--merge: {first.name} and {shard.name} split different classes ({a['roster']['students']}"
                         f" and {b['roster']['students']} students, or other names): grade every shard from the same "
                         "SUBMISSIONS folder.")


def _pack_label(pack: dict) -> str:
    version = f" {pack['version']}" if pack.get("version") else ""
    return f"{pack['name']}{version}, fingerprint {pack['fingerprint'][:12]}"


def _grades(pack: Pack, shards: list[Shard]) -> Grades:
    students: dict[str, tuple[Submission, Shard]] = {}
    marks: dict[tuple[str, str], Mark] = {}
    expected: dict[str, Verdict] = {}
    try:
        for shard in shards:
            for entry in shard.data["students"]:
                name = entry["student"]
                if name in students:
                    raise GradeError(f"--merge: student {name} is in {students[name][1].name} and in {shard.name}: "
                                     "the shards overlap, so they are not one split. Grade them again from the "
                                     "same SUBMISSIONS folder.")
                students[name] = (Submission(name, Path(entry["folder"])), shard)
            for data in shard.data["marks"]:
                mark = Mark(**data)
                marks[mark.key] = mark
            for slug, verdict in shard.data["references"].items():
                found = Verdict.from_json(verdict)
                if slug not in expected or _worse(found, expected[slug]):
                    expected[slug] = found  # a reference that failed on one machine is said
    except (KeyError, TypeError, ValueError) as err:
        raise GradeError(f"--merge: {shard.path} is a shard's document with bad fields ({err!r}): was it edited? "
                         "Grade that shard again.") from None
    for exercise in pack.exercises:
        if students and exercise.slug not in expected:
            raise GradeError(f"--merge: no shard judged the reference of {exercise.label}: grade the shards again.")
    ordered = sorted(students.values(), key=lambda found: found[0].student)
    confinements = [s.data.get("confinement") for s in shards if s.data["students"]]
    weakest = min(confinements, key=lambda c: bool(c and c.get("active")), default=None)
    return Grades(pack, [s for s, _ in ordered], marks, expected=expected, confinement=weakest,
                  graded_at=max(s.data.get("graded_at", "") for s in shards))


def _worse(found: Verdict, known: Verdict) -> bool:
    return reference_holds(known) and not reference_holds(found)
