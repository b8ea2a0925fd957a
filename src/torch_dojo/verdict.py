"""The verdict: the one data type that the CLI, the TUI, pack verify and grading render.

The JSON form is versioned (``SCHEMA``) and documented in docs/json.md; change the
version whenever a field changes meaning or goes away.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Collection

SCHEMA = "torch-dojo/verdict@1"

# The hint of a check that failed by a bug of its own (``CheckResult.blame == "check"``).
NOT_YOUR_FAULT = ("Not your fault: this check has a bug of its own, whatever your file says. Tell "
                  "whoever made the pack (`torch-dojo pack verify` shows it too); the other checks "
                  "still judge your file.")


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the file does not import, or crashed the check process
    TIMEOUT = "timeout"
    SKIPPED = "skipped"  # every check needs something this machine lacks
    MEMORY = "memory"  # the memory limit ended the check
    NOT_RUN = "not_run"  # a check never reached: a timeout, a crash or an interrupt ended the run first

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class CheckResult:
    """One hidden check: its name, what happened, and what to try."""

    name: str
    status: Status
    message: str = ""
    hint: str = ""  # the nudge shown now
    duration: float = 0.0
    points: float | None = None  # what passing it is worth, when the check says (@points); scoring.py
    then: str = ""  # the check's hint for when it fails again on a later run (may show code)
    blame: str = ""  # who a check that did not pass is down to: "learner" or "check" (its own bug)

    @property
    def passed_or_skipped(self) -> bool:
        return self.status in (Status.PASSED, Status.SKIPPED)

    @property
    def second_hint(self) -> bool:
        """Whether the hint shown is the check's second one (``escalated``)."""
        return bool(self.then) and self.hint == self.then and not self.passed_or_skipped

    def to_json(self) -> dict:
        return {"name": self.name, "status": self.status.value, "message": self.message,
                "hint": self.hint, "then": self.then, "blame": self.blame,
                "duration": round(self.duration, 4), "points": self.points}

    @classmethod
    def from_json(cls, data: dict) -> "CheckResult":
        points = data.get("points")  # absent in JSON written before checks carried points
        return cls(name=data["name"], status=Status(data["status"]), message=data.get("message", ""),
                   hint=data.get("hint", ""), duration=float(data.get("duration", 0.0)),
                   points=None if points is None else float(points), then=data.get("then", ""),
                   blame=data.get("blame", ""))


@dataclass(frozen=True)
class Verdict:
    """What the runner says of one learner file against one exercise's checks."""

    exercise_id: str
    slug: str
    title: str
    status: Status
    message: str = ""  # why, when the status is not about one check (syntax error, timeout…)
    checks: tuple[CheckResult, ...] = ()
    duration: float = 0.0
    output: str = ""  # what the learner's code printed, the tail when it was long
    output_truncated: bool = False
    file: str = ""
    hint: str = ""  # the one hint to read first: of the whole file, or of the first failed check
    data: dict = field(default_factory=dict)  # what checks recorded for pictures (losses, timings)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    def to_json(self) -> dict:
        return {
            "schema": SCHEMA,
            "exercise": {"id": self.exercise_id, "slug": self.slug, "title": self.title},
            "status": self.status.value,
            "passed": self.passed,
            "message": self.message,
            "hint": self.hint,
            "checks": [c.to_json() for c in self.checks],
            "duration": round(self.duration, 3),
            "output": self.output,
            "output_truncated": self.output_truncated,
            "file": self.file,
            "data": self.data,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Verdict":
        exercise = data["exercise"]
        return cls(
            exercise_id=exercise["id"], slug=exercise["slug"], title=exercise["title"],
            status=Status(data["status"]), message=data.get("message", ""),
            checks=tuple(CheckResult.from_json(c) for c in data.get("checks", [])),
            duration=float(data.get("duration", 0.0)), output=data.get("output", ""),
            output_truncated=bool(data.get("output_truncated", False)), file=data.get("file", ""),
            hint=data.get("hint", ""), data=data.get("data", {}),
        )


def failing(verdict: Verdict) -> list[str]:
    """The names of the checks that ran and did not pass (a check not run did not fail)."""
    return [c.name for c in verdict.checks if not c.passed_or_skipped and c.status is not Status.NOT_RUN]


def escalated(verdict: Verdict, failed_before: Collection[str]) -> Verdict:
    """The verdict as a learner sees it after an earlier run: a check that failed then and
    fails again shows its second hint (``then``) in place of the nudge."""
    again = set(failed_before)
    checks = tuple(replace(c, hint=c.then) if c.then and c.name in again and not c.passed_or_skipped else c
                   for c in verdict.checks)
    if checks == verdict.checks:
        return verdict
    hint = verdict.hint
    if hint == first_hint(verdict.checks):  # the verdict's hint was its first failing check's
        hint = first_hint(checks)
    return replace(verdict, checks=checks, hint=hint)


def first_hint(checks: list[CheckResult] | tuple[CheckResult, ...]) -> str:
    """The hint of the first check that did not pass: the one to read first (one that is
    down to the learner's file before one whose check has a bug of its own)."""
    hints = [c for c in checks if not c.passed_or_skipped and c.hint]
    for check in sorted(hints, key=lambda c: c.blame == "check"):
        return check.hint
    return ""


def overall_status(checks: list[CheckResult]) -> Status:
    """An exercise passes when at least one check ran and every check that ran passed."""
    ran = [c for c in checks if c.status is not Status.SKIPPED]
    if not ran:
        return Status.SKIPPED if checks else Status.ERROR
    for status in (Status.MEMORY, Status.TIMEOUT, Status.ERROR, Status.FAILED, Status.NOT_RUN):
        if any(c.status is status for c in ran):
            return Status.FAILED if status in (Status.ERROR, Status.NOT_RUN) else status
    return Status.PASSED


@dataclass(frozen=True)
class CheckRow:
    """One line of a verdict as every front end shows it: a check, or the cases of a
    parametrized check ("name [case]") together under its name."""

    name: str
    cases: tuple[CheckResult, ...]

    @property
    def failing(self) -> list[CheckResult]:
        """The cases that ran and did not pass."""
        return [c for c in self.cases if c.status not in (Status.PASSED, Status.SKIPPED, Status.NOT_RUN)]

    @property
    def not_run(self) -> list[CheckResult]:
        return [c for c in self.cases if c.status is Status.NOT_RUN]

    @property
    def shown(self) -> CheckResult:
        """The case whose message and hint the row shows: the first that failed, else the
        first not run, else the first."""
        return (self.failing or self.not_run or list(self.cases))[0]

    @property
    def status(self) -> Status:
        """Failed (as its first failing case) when a case failed; not run when one never ran;
        skipped when every case was; passed otherwise."""
        if self.failing or self.not_run:
            return self.shown.status
        if all(c.status is Status.SKIPPED for c in self.cases):
            return Status.SKIPPED
        return Status.PASSED


def rows(checks: tuple[CheckResult, ...] | list[CheckResult]) -> list[CheckRow]:
    """The verdict's checks as the lines a learner reads, in the order they ran."""
    return [CheckRow(name, tuple(cases)) for name, cases in grouped(checks)]


@dataclass(frozen=True)
class Tally:
    """How many checks passed, counted as they are shown: one per row (``rows``), so a
    parametrized check counts once. Skipped checks are not counted against the learner;
    checks a timeout or crash kept from running are."""

    passed: int
    total: int  # every row but the skipped ones
    not_run: int
    skipped: int

    def summary(self) -> str:
        """"3 of 5 checks passed, 2 not run" (or "no check ran"), as the CLI and the TUI say it."""
        said = f"{self.passed} of {self.total} check{'s' if self.total != 1 else ''} passed" if self.total \
            else "no check ran"
        if self.not_run:
            said += f", {self.not_run} not run"
        if self.skipped:
            said += f", {self.skipped} skipped"
        return said


def tally(checks: tuple[CheckResult, ...] | list[CheckResult]) -> Tally:
    statuses = [row.status for row in rows(checks)]
    skipped = statuses.count(Status.SKIPPED)
    return Tally(passed=statuses.count(Status.PASSED), total=len(statuses) - skipped,
                 not_run=statuses.count(Status.NOT_RUN), skipped=skipped)


def grouped(checks: tuple[CheckResult, ...] | list[CheckResult]) -> list[tuple[str, list[CheckResult]]]:
    """The cases of a parametrized check ("name [case]") together under one name."""
    groups: dict[str, list[CheckResult]] = {}
    for check in checks:
        groups.setdefault(check.name.split(" [", 1)[0], []).append(check)
    return list(groups.items())


def case_of(name: str) -> str:
    """The case of a parametrized check's name: "adds [ints]" -> "ints"."""
    return name.split(" [", 1)[1].rstrip("]") if " [" in name else name
