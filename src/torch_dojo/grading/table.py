"""The table of a grading run as a reader gets it: a summary, JSON, CSV, a file."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from torch_dojo import __version__
from torch_dojo.grading.marks import Grades

SCHEMA = "torch-dojo/grade@1"


def summary(grades: Grades) -> dict:
    exercises = {}
    for exercise in grades.pack.exercises:
        marks = [grades.of(s.student, exercise) for s in grades.students]
        counts: dict[str, int] = {}
        for mark in marks:
            if mark is not None:
                counts[mark.status] = counts.get(mark.status, 0) + 1
        exercises[exercise.id] = {"slug": exercise.slug, "passed": counts.get("passed", 0), "statuses": counts,
                                  "mean_points": _mean([m.earned for m in marks if m is not None])}
    totals = [grades.total(s.student) for s in grades.students]
    return {"students": len(grades.students), "complete": grades.complete,
            "mean_total": _mean([t[0] for t in totals]), "possible": max((t[1] for t in totals), default=0.0),
            "exercises": exercises}


def to_json(grades: Grades) -> dict:
    students = []
    for student in grades.students:
        earned, possible = grades.total(student.student)
        marks = {}
        for exercise in grades.pack.exercises:
            mark = grades.of(student.student, exercise)
            if mark is not None:
                marks[exercise.id] = {k: v for k, v in asdict(mark).items()
                                      if k not in ("student", "exercise_id", "fingerprint")}
        students.append({"student": student.student, "folder": str(student.root), "total": earned,
                         "possible": possible, "exercises": marks})
    return {"schema": SCHEMA, "pack": {"name": grades.pack.name, "title": grades.pack.title,
                                       "root": str(grades.pack.root)},
            "graded_at": grades.graded_at or datetime.now().isoformat(timespec="seconds"), "torch_dojo": __version__,
            "confinement": grades.confinement, "students": students, "summary": summary(grades)}


def to_csv(grades: Grades) -> str:
    """One row per student (status and points of each exercise, then the total), then one
    summary row: how many passed each exercise, and the mean points."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["student"]
    for exercise in grades.pack.exercises:
        header += [f"{exercise.id} {exercise.slug} status", f"{exercise.id} {exercise.slug} points"]
    writer.writerow(header + ["total", "possible", "percent"])
    for student in grades.students:
        row = [_cell(student.student)]
        for exercise in grades.pack.exercises:
            mark = grades.of(student.student, exercise)
            row += [mark.status, number(mark.earned)] if mark else ["not graded", ""]
        earned, possible = grades.total(student.student)
        writer.writerow(row + [number(earned), number(possible), _percent(earned, possible)])
    totals = summary(grades)
    row = ["(summary)"]
    for exercise in grades.pack.exercises:
        found = totals["exercises"][exercise.id]
        row += [f"{found['passed']}/{len(grades.students)} passed", number(found["mean_points"])]
    writer.writerow(row + [number(totals["mean_total"]), number(totals["possible"]),
                           _percent(totals["mean_total"], totals["possible"])])
    return out.getvalue()


def write(grades: Grades, path: Path) -> None:
    """CSV or JSON by the file's suffix, written whole or not at all."""
    text = to_csv(grades) if path.suffix.lower() == ".csv" else json.dumps(to_json(grades), indent=2,
                                                                           ensure_ascii=False) + "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _cell(text: str) -> str:
    # A folder named "=HYPERLINK(…)" must stay text in a spreadsheet.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _percent(earned: float, possible: float) -> str:
    return f"{100 * earned / possible:.1f}" if possible else ""
