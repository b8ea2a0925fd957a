"""Gradescope's autograder: a zip that grades one submission with torch-dojo, and its results.

``export(pack, out)`` writes the zip Gradescope takes (its "Autograder Specifications"):

    setup.sh          run once, as root, when Gradescope builds the image (Ubuntu): Python
                      and a virtual environment at /autograder/venv, the CPU wheel of the
                      torch installed here, torch-dojo's dependencies at the versions
                      installed here (requirements.txt), then the references judged once
    run_autograder    run for each submission: ``torch-dojo grade`` of
                      $AUTOGRADER_ROOT/submission (default /autograder), judged and confined
                      as on any machine, then ``results.json`` written from its table
    pack/             the pack: pack.toml, exercises/, checks/, solutions/, mistakes/
    vendor/torch_dojo the torch-dojo that made the zip, so that the grader is the one the
                      pack was verified with (no PyPI release needed)

A submission is what the student uploaded, flat (or in folders) in ``submission/``: it is
graded as one student's folder, each exercise's file found as ``grade`` finds it.

``python -m torch_dojo.grading.gradescope GRADES.json PACK RESULTS.json [SECONDS]`` turns
``grade``'s JSON into Gradescope's results: one test per exercise (its points, passed or
failed, and how many of its checks passed), visible at once; each exercise's checks, with
their messages, in a test of 0 points shown only once the instructor publishes the grades
("after_published"), so that a submission learns the hidden checks' details no sooner.
"""

from __future__ import annotations

import io
import json
import shlex
import stat
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import torch_dojo
from torch_dojo import __version__
from torch_dojo.filesafe import write_file
from torch_dojo.pack import Pack, load_pack

PACK_PARTS = ("pack.toml", "exercises", "checks", "solutions", "mistakes")
STUDENT = "submission"  # the one student's folder name in the table
_SKIPPED = {"__pycache__", "_pack"}  # bytecode; the built-in pack inside a wheel (exported as pack/)
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu 22.04+).
set -euo pipefail
SOURCE=/autograder/source
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv python3-pip
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {{
    echo "torch-dojo needs Python 3.10 or newer: choose Ubuntu 22.04 or later as the image." >&2; exit 1; }}
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
/autograder/venv/bin/pip install -q {torch} --index-url {index}
/autograder/venv/bin/pip install -q -r "$SOURCE/requirements.txt"
# The references judged once, now: every submission reuses their verdicts (grading.references).
mkdir -p /tmp/torch-dojo-references/reference
cp -r "$SOURCE/pack/solutions/." /tmp/torch-dojo-references/reference/
PYTHONPATH="$SOURCE/vendor" TORCH_DOJO_CACHE_DIR=/autograder/cache CI=true \\
    /autograder/venv/bin/python -m torch_dojo grade /tmp/torch-dojo-references --pack "$SOURCE/pack" \\
    --confinement {confinement} > /dev/null || echo "(the references will be judged with each submission)"
rm -rf /tmp/torch-dojo-references
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission: torch-dojo grades it, results/results.json says how.
# AUTOGRADER_ROOT (default /autograder), TORCH_DOJO_PYTHON (default its venv), TORCH_DOJO_JOBS.
set -u
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
SOURCE="$ROOT/source"
PYTHON="${{TORCH_DOJO_PYTHON:-$ROOT/venv/bin/python}}"
export PYTHONPATH="$SOURCE/vendor"
export TORCH_DOJO_CACHE_DIR="${{TORCH_DOJO_CACHE_DIR:-$ROOT/cache}}"
export CI=true
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/students" "$ROOT/results"
cp -r "$ROOT/submission" "$WORK/students/{student}"
JOBS="${{TORCH_DOJO_JOBS:-$(nproc 2>/dev/null || echo 1)}}"
[ "$JOBS" -gt 4 ] && JOBS=4
"$PYTHON" -m torch_dojo grade "$WORK/students" --pack "$SOURCE/pack" --out "$WORK/grades.json" \\
    --jobs "$JOBS" --confinement {confinement}
"$PYTHON" -m torch_dojo.grading.gradescope "$WORK/grades.json" "$SOURCE/pack" "$ROOT/results/results.json" "$SECONDS"
"""


def export(pack: Pack, out: Path, *, confinement: str = "auto") -> list[str]:
    """Write the autograder zip for ``pack`` to ``out`` (whole or not at all); its file names."""
    files: dict[str, bytes] = {
        "setup.sh": SETUP.format(torch=shlex.quote(f"torch=={_version('torch')}"), index=TORCH_INDEX,
                                 confinement=confinement).encode(),
        "run_autograder": RUN.format(student=STUDENT, confinement=confinement).encode(),
        "requirements.txt": "".join(f"{line}\n" for line in requirements()).encode(),
    }
    for part in PACK_PARTS:
        files.update(_tree(pack.root / part, f"pack/{part}"))
    files.update(_tree(Path(torch_dojo.__file__).parent, "vendor/torch_dojo"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # the same pack, the same zip
            executable = name in ("setup.sh", "run_autograder")
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    write_file(Path(out), buffer.getvalue())
    return sorted(files)


def requirements() -> list[str]:
    """torch-dojo's dependencies (not torch: setup.sh takes its CPU wheel), pinned as installed here."""
    found = []
    for spec in metadata.requires("torch-dojo") or []:
        if "extra ==" in spec:
            continue
        name = spec.split(";")[0].strip()
        for sign in "<>=!~[ ":
            name = name.split(sign)[0]
        if name.lower() == "torch":
            continue
        version = _version(name)
        marker = f"; {spec.split(';', 1)[1].strip()}" if ";" in spec else ""
        found.append(f"{name}=={version}{marker}" if version else spec)
    return found


def results(grades: dict, pack: Pack, seconds: float | None = None) -> dict:
    """Gradescope's results.json for the one student of ``grades`` (``grade``'s JSON)."""
    student = (grades.get("students") or [{}])[0]
    marks = student.get("exercises", {})
    tests = []
    passed = 0
    for exercise in pack.exercises:
        mark = marks.get(exercise.id) or {"status": "not graded", "earned": 0, "possible": 0, "checks": []}
        checks = mark.get("checks") or []
        good = sum(1 for c in checks if c.get("status") == "passed")
        passed += mark["status"] == "passed"
        name = f"{exercise.id} {exercise.title}"
        tests.append({"name": name, "number": exercise.id, "score": mark["earned"], "max_score": mark["possible"],
                      "status": "passed" if mark["status"] == "passed" else "failed",
                      "output": _summary(exercise.file, mark, good, len(checks)), "visibility": "visible"})
        tests.append({"name": f"{name}: the checks", "number": f"{exercise.id}.1", "score": 0, "max_score": 0,
                      "status": "passed" if mark["status"] == "passed" else "failed",
                      "output": _details(mark), "visibility": "after_published"})
    score = round(sum(t["score"] for t in tests), 3)
    possible = round(sum(t["max_score"] for t in tests), 3)
    found = {"score": score, "output": f"{_number(score)} of {_number(possible)} points; {passed} of "
                                       f"{len(pack.exercises)} exercises passed (torch-dojo {__version__}).",
             "tests": tests, "extra_data": {"torch_dojo": grades.get("torch_dojo", __version__),
                                            "confinement": grades.get("confinement")}}
    if seconds is not None:
        found["execution_time"] = round(seconds)
    return found


def failed_run(why: str, seconds: float | None = None) -> dict:
    """What the student sees when the grader itself could not grade: no points, and why."""
    found = {"score": 0, "output": f"The autograder could not grade this submission ({why}). This is not your "
                                   "code's fault: your instructor sees the details and can grade it again.",
             "tests": []}
    if seconds is not None:
        found["execution_time"] = round(seconds)
    return found


def _summary(file: str, mark: dict, good: int, total: int) -> str:
    status = mark["status"]
    if status == "missing":
        return mark.get("message") or f"No {file} in your submission: upload it with that name."
    if status == "passed":
        return f"Passed: {total} of {total} checks."
    if status == "skipped":
        return "Skipped: this exercise needs what the autograder's machine lacks; it is not counted."
    return f"{status.capitalize()}: {good} of {total} checks passed."


def _details(mark: dict) -> str:
    lines = [f"{c.get('status', '?'):>8}  {c.get('name', '?')}" + (f"  ({_number(c['points'])} points)"
                                                                    if c.get("points") is not None else "")
             for c in mark.get("checks") or []]
    if mark.get("message"):
        lines += ["", mark["message"]]
    return "\n".join(lines) or "No check ran."


def _tree(folder: Path, prefix: str) -> dict[str, bytes]:
    if folder.is_file():
        return {prefix: folder.read_bytes()}
    found = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        relative = path.relative_to(folder)
        if path.is_file() and not _SKIPPED & set(relative.parts) and path.suffix != ".pyc":
            found[f"{prefix}/{relative.as_posix()}"] = path.read_bytes()
    return found


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution).split("+")[0]
    except metadata.PackageNotFoundError:
        return ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def main(argv: list[str]) -> int:
    """``GRADES.json PACK RESULTS.json [SECONDS]``: write RESULTS.json (exit 1 when the grades
    could not be read: results.json then says the autograder failed)."""
    grades_path, pack_root, out = Path(argv[0]), Path(argv[1]), Path(argv[2])
    seconds = float(argv[3]) if len(argv) > 3 else None
    code = 0
    try:
        found = results(json.loads(grades_path.read_text(encoding="utf-8")), load_pack(pack_root), seconds)
    except Exception as err:  # noqa: BLE001 - said to the student as the grader's fault, in full on stderr
        print(f"torch-dojo: cannot make results.json from {grades_path}: {type(err).__name__}: {err}", file=sys.stderr)
        found, code = failed_run("torch-dojo did not produce its table of grades", seconds), 1
    out.parent.mkdir(parents=True, exist_ok=True)
    write_file(out, (json.dumps(found, indent=2, ensure_ascii=False) + "\n").encode())
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
