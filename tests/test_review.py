"""Practice that comes back: the review schedule, and the copy a review is worked on."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from torch_dojo import progress, review, workspace
from torch_dojo.pack import load_pack

from conftest import copy_of_mini

DAY = date(2026, 12, 1)


def test_a_first_pass_comes_due_tomorrow_not_today():
    assert review.first(DAY) == (0, "2026-12-02")


def test_each_passed_review_moves_the_next_one_out_then_stays_at_21_days():
    step, dates = 0, []
    for _ in range(6):
        step, due = review.after(step, True, DAY)
        dates.append((date.fromisoformat(due) - DAY).days)
    assert dates == [3, 7, 21, 21, 21, 21]


def test_a_failed_review_brings_it_back_to_one_day_and_starts_the_ladder_over():
    step, due = review.after(3, False, DAY)
    assert (step, due) == (0, "2026-12-02")
    assert review.after(step, True, DAY) == (1, "2026-12-04")


def test_the_schedule_splits_what_is_due_from_what_comes_up(mini_pack):
    add, greet = mini_pack.exercises
    due, upcoming = review.schedule([(add, "add", "2026-11-30"), (greet, "greet", "2026-12-04")], DAY)
    assert [(r.key, r.due) for r in due] == [("add", date(2026, 11, 30))]
    assert [(r.key, r.due) for r in upcoming] == [("greet", date(2026, 12, 4))]
    due, upcoming = review.schedule([(add, "add", "2026-12-01"), (greet, "greet", "")], DAY)
    assert [r.key for r in due] == ["add"] and upcoming == []  # due on the day itself; never passed: not on it


def test_dates_are_said_as_a_learner_says_them():
    assert review.when(DAY, DAY) == "today"
    assert review.when(date(2026, 12, 2), DAY) == "tomorrow (2026-12-02)"
    assert review.when(date(2026, 12, 4), DAY) == "in 3 days (2026-12-04)"
    assert review.when(date(2026, 11, 29), DAY) == "2 days ago (2026-11-29)"


def test_the_clock_can_be_told_what_day_it_is(monkeypatch, tmp_path):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("TORCH_DOJO_NOW", "2026-12-01T09:30")
    progress.record_verdict(path, "add", "passed")
    entry = progress.load(path).of("add")
    assert (entry.first_passed_at, entry.review_due) == ("2026-12-01T09:30:00", "2026-12-02")
    monkeypatch.setenv("TORCH_DOJO_NOW", "2026-12-02")
    progress.record_review(path, "add", True)
    assert progress.load(path).of("add").review_due == "2026-12-05"
    monkeypatch.setenv("TORCH_DOJO_NOW", "not a date")  # ignored: the real clock
    progress.record_review(path, "add", False)
    assert progress.load(path).of("add").review_due == (date.today() + timedelta(days=1)).isoformat()


def test_a_review_copy_is_a_fresh_starter_beside_the_learners_file_never_over_it(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "ws", mini_pack)
    add = mini_pack.exercises[0]
    solved = found.file_for(add)
    solved.write_text("def add(a, b):\n    return a + b\n")
    copy = review.start(found, add)
    assert copy == found.state / "review" / add.file and copy.read_bytes() == add.starter.read_bytes()
    assert review.untouched(copy, add) and solved.read_text().endswith("a + b\n")
    copy.write_text("# work in progress\n")
    assert review.start(found, add) == copy and copy.read_text() == "# work in progress\n"  # kept, not restarted
    assert not review.untouched(copy, add)
    kept = review.put_away(found, copy, datetime(2026, 12, 1, 9, 30))
    assert not copy.exists() and kept == found.backups / "review" / "01_add.20261201-093000.py"
    assert kept.read_text() == "# work in progress\n"


def test_another_packs_review_copies_have_a_folder_of_their_own(tmp_path, mini_pack):
    second = load_pack(copy_of_mini(tmp_path / "mini2", "mini2"))
    found, _ = workspace.add_pack(workspace.create(tmp_path / "ws", mini_pack), second)
    assert review.copy_for(found, second.exercises[0]) == found.state / "review" / "mini2" / "01_add.py"
    assert review.copy_for(found, mini_pack.exercises[0]) == found.state / "review" / "01_add.py"
