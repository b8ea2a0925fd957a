"""Progress that travels: `torch-dojo progress export FILE` on one machine, `progress import
FILE` on another, and both sides' progress merged.

The export is one JSON document (``torch-dojo/progress-export@1``): the pack whose
exercises it keys by bare slug, the progress entries as progress.json holds them (schema
``progress_version``), and when and by which torch-dojo it was written. Only progress
travels: the learner's exercise files are never read, written or moved by either command.

How two records of one exercise merge (``merge_entry``), so that importing is safe to
repeat and to do in both directions:

- **attempts** are counters per device: each progress file has a random ``device`` id and
  counts its own check runs under it, never another's. Merging takes, for each device, the
  larger count: a device's count only grows, so the larger one already includes the smaller.
  Importing the same file twice changes nothing; a laptop and a desktop that both go on
  checking after a common export each keep their own counter, and the merge adds both
  (laptop 5 → 8, desktop 0 → 2 over the 5 it imported: 10, not 8 as a plain maximum would
  say, nor 15 as a sum would). A progress file copied by hand keeps its id: two machines
  sharing one then count as one device (a maximum, never a double count);
- **a pass is never lost**: an exercise passed on either side is passed after the merge,
  ``ever_passed`` stays, and the *earliest* first pass is kept, with the attempts and hints it
  took. The learner's files do not travel, so a pass on the other machine still counts: the
  next check of the file here says how the file here stands;
- otherwise **the later timestamp wins**: the status and failing checks of the side checked
  last, the review schedule of the side reviewed last (never reviewed on either: the earlier
  due date, that of the first pass); ``first_opened`` is the earlier; ``hints_shown`` the
  larger (hints are never taken back);
- fields this version does not know are kept, this side's where both have one.

Refused, with a message that says why and changes nothing: a file that is not an export
(not there, unreadable, not JSON, another schema), one made by a newer torch-dojo, and one
of another pack (its bare slugs would name other exercises).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from torch_dojo import __version__, clock, filesafe, progress
from torch_dojo.progress_schema import ExerciseProgress, Progress, parse

SCHEMA_NAME = "torch-dojo/progress-export"
VERSION = 1
SCHEMA = f"{SCHEMA_NAME}@{VERSION}"


class TransferError(Exception):
    """An export or import that was refused: the text says why and what to do; nothing changed."""


# Exporting ----------------------------------------------------------------------------------

def document(state: Progress, pack: str) -> dict:
    """The export of ``state``, whose bare slugs are exercises of ``pack``."""
    return {"schema": SCHEMA, "pack": pack, "progress_version": progress.VERSION, "exported_at": clock.stamp(),
            "torch_dojo": __version__, "exercises": state.to_json()["exercises"]}


def export(state: Progress, pack: str, target: Path) -> int:
    """Write the export to ``target`` (whole or not at all); returns how many exercises it holds.
    A file already there is replaced only when it is an export too: anything else is refused."""
    if target.is_dir():
        raise TransferError(f"{target} is a folder: give the name of a file to write, e.g. {target / 'progress.json'}.")
    if os.path.lexists(target) and (filesafe.file_problem(target) or not _is_export(target)):
        raise TransferError(f"{target} exists and is not a torch-dojo progress export, so it is left as it is: "
                            "give another file name.")
    data = document(state, pack)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        filesafe.write_file(target, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
    except OSError as err:
        raise TransferError(f"could not write {target}: {err.strerror or err}. Nothing was written: choose a "
                            "folder you may write to, with room.") from None
    return len(data["exercises"])


def _is_export(path: Path) -> bool:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("schema", "")).startswith(SCHEMA_NAME + "@")


# Importing ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Export:
    pack: str
    exported_at: str
    progress: Progress


def read(source: Path, pack: str) -> Export:
    """The export in ``source``, for a workspace whose first pack is ``pack``; TransferError
    when it is not one this torch-dojo can merge."""
    if not os.path.lexists(source):
        raise TransferError(f"there is no file at {source}: give the path of a file made by "
                            "`torch-dojo progress export`.")
    if not filesafe.is_regular(source):  # looked at, never opened: a pipe would block
        raise TransferError(f"{source} is not a file (a folder, a pipe or a broken link): give the path of a file "
                            "made by `torch-dojo progress export`.")
    try:
        data = json.loads(source.read_bytes().decode("utf-8-sig"))
    except OSError as err:
        raise TransferError(f"cannot read {source}: {err.strerror or err}.") from None
    except (UnicodeDecodeError, ValueError):
        raise TransferError(f"{source} is not a torch-dojo progress export (it is not JSON): give a file made by "
                            "`torch-dojo progress export`. Nothing was imported.") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    name, _, version = str(schema).partition("@")
    if name != SCHEMA_NAME or not version.isdigit():
        what = f"its schema is {json.dumps(schema)}" if isinstance(data, dict) and "schema" in data else "it has no schema"
        raise TransferError(f"{source} is not a torch-dojo progress export ({what}, not {SCHEMA}): give a file made "
                            "by `torch-dojo progress export`. Nothing was imported.")
    stored = data.get("progress_version")
    if int(version) > VERSION or isinstance(stored, int) and stored > progress.VERSION:
        raise TransferError(f"{source} was made by a newer torch-dojo (export schema {version}, progress schema "
                            f"{stored}); this one reads export schema {VERSION} and progress schema "
                            f"{progress.VERSION}. Upgrade torch-dojo here (pip install -U torch-dojo), then import "
                            "again. Nothing was imported.")
    theirs = data.get("pack")
    if theirs != pack:
        raise TransferError(f"{source} holds the progress of the pack {json.dumps(theirs)}, and this workspace's is "
                            f"\"{pack}\": its exercises would be taken for others. Import it into a workspace of "
                            f"{json.dumps(theirs)}. Nothing was imported.")
    entries = data.get("exercises")
    state = parse(json.dumps({"version": stored, "exercises": entries}).encode()) if isinstance(entries, dict) else None
    if state is None or state.problems or not isinstance(stored, int):
        why = ("; ".join(state.problems[:3]) if state and state.problems else
               "its \"exercises\" is not an object" if state is None else "its \"progress_version\" is missing")
        raise TransferError(f"{source} is damaged ({why}), so nothing of it was imported: export it again.")
    return Export(str(theirs), str(data.get("exported_at", "")), state)


@dataclass(frozen=True)
class Merged:
    exercises: int  # entries the export held
    changed: int  # entries of this workspace it changed (or added)
    newly_passed: int  # exercises passed now that were not before


def merge(into: Progress, other: Progress) -> Merged:
    """Merge ``other``'s entries into ``into`` (the rules: this module's docstring)."""
    changed = newly = 0
    for key, theirs in other.exercises.items():
        ours = into.exercises.get(key)
        merged = theirs if ours is None else merge_entry(ours, theirs)
        if ours is None or merged.to_json() != ours.to_json():
            changed += 1
            newly += merged.status == "passed" and (ours is None or ours.status != "passed")
            into.exercises[key] = replace(merged, attempts=dict(merged.attempts), failing=list(merged.failing))
    return Merged(len(other.exercises), changed, newly)


def merge_entry(ours: ExerciseProgress, theirs: ExerciseProgress) -> ExerciseProgress:
    """One exercise's two records as one; the same whichever side is ``ours`` (but for unknown
    fields both have), and merging the result with either again changes nothing."""
    passed = [e for e in (ours, theirs) if e.status == "passed"]
    latest = max(passed or (ours, theirs), key=lambda e: e.last_checked)
    first_passes = [e for e in (ours, theirs) if e.first_passed_at]
    first = min(first_passes, key=lambda e: e.first_passed_at) if first_passes else None
    reviewed = _review_side(ours, theirs)
    return ExerciseProgress(
        status=latest.status, failing=list(latest.failing),
        last_checked=max(ours.last_checked, theirs.last_checked),
        hints_shown=max(ours.hints_shown, theirs.hints_shown),
        ever_passed=ours.ever_passed or theirs.ever_passed,
        attempts={device: max(ours.attempts.get(device, 0), theirs.attempts.get(device, 0))
                  for device in sorted({*ours.attempts, *theirs.attempts})},
        first_opened=min((t for t in (ours.first_opened, theirs.first_opened) if t), default=""),
        first_passed_at=first.first_passed_at if first else "",
        attempts_to_pass=first.attempts_to_pass if first else None,
        hints_before_pass=first.hints_before_pass if first else None,
        review_due=reviewed.review_due, review_step=reviewed.review_step, reviewed_at=reviewed.reviewed_at,
        extra={**theirs.extra, **ours.extra})


def _review_side(ours: ExerciseProgress, theirs: ExerciseProgress) -> ExerciseProgress:
    """The side whose review schedule stands: reviewed last; never reviewed (or at the same
    moment), the earlier due date."""
    if ours.reviewed_at != theirs.reviewed_at:
        return max(ours, theirs, key=lambda e: e.reviewed_at)
    dated = [e for e in (ours, theirs) if e.review_due]
    return min(dated, key=lambda e: (e.review_due, e.review_step)) if dated else ours
