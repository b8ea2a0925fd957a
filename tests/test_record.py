"""The learner's record in words: one exercise's, and a pack's summed up."""

from __future__ import annotations

from datetime import date, timedelta

from torch_dojo import record
from torch_dojo.progress_schema import ExerciseProgress

DAY = date(2026, 12, 1)


def passed(opened: str, at: str, attempts: int, hints: int, checks: int = 0, due: str = "2026-12-02"):
    return ExerciseProgress(status="passed", ever_passed=True, first_opened=opened, first_passed_at=at,
                            attempts_to_pass=attempts, hints_before_pass=hints, attempts={"a": checks or attempts},
                            review_due=due)


def test_durations_are_said_as_a_learner_says_them():
    said = [record.duration(timedelta(seconds=s)) for s in (20, 12 * 60, 125 * 60, 60 * 60, 3 * 86400)]
    assert said == ["under a minute", "12 min", "2 h 5 min", "1 h", "3 days"]


def test_one_exercises_record_in_a_sentence():
    assert record.line(ExerciseProgress(), DAY) == ""
    trying = ExerciseProgress(status="failed", attempts={"a": 2, "b": 1}, hints_shown=1)
    assert record.line(trying, DAY) == "Not passed yet: 3 checks, 1 hint so far"
    done = passed("2026-12-01T09:00:00", "2026-12-01T09:12:30", 3, 2, checks=5, due="2026-12-04")
    assert record.line(done, DAY) == ("First passed 2026-12-01 09:12, on check 3, 2 hints before it, 12 min after "
                                      "you first opened it · 5 checks in all · review due in 3 days (2026-12-04)")
    first_try = passed("2026-12-01T09:00:00", "2026-12-01T09:00:10", 1, 0, due="2026-12-01")
    assert record.line(first_try, DAY) == ("First passed 2026-12-01 09:00, on check 1, no hint, under a minute after "
                                           "you first opened it · 1 check in all · review due now")
    migrated = ExerciseProgress(status="passed", ever_passed=True, review_due="2026-12-05")
    assert record.line(migrated, DAY).startswith("Passed before torch-dojo kept a record · review due in 4 days")


def test_a_packs_record_summed_up():
    entries = [("01 Add", passed("2026-12-01T09:00:00", "2026-12-01T09:05:00", 1, 0)),
               ("02 Greet", passed("2026-12-01T10:00:00", "2026-12-01T12:00:00", 4, 2, checks=6)),
               ("03 Old", ExerciseProgress(status="passed", ever_passed=True))]
    assert record.summary(entries) == [
        "7 checks in all; 1 of 3 passed on the first check; 2 hints taken before passing.",
        "Time from opening an exercise to passing it: 1 h 2 min typically; the longest was 02 Greet (2 h).",
        "The most checks to a pass: 02 Greet (4).",
    ]
    assert record.summary([]) == []
