"""Progress that travels: the merge's rules, and what an import refuses."""

from __future__ import annotations

import json

import pytest

from torch_dojo import progress, transfer
from torch_dojo.progress_schema import ExerciseProgress, Progress


def entry(**fields) -> ExerciseProgress:
    return ExerciseProgress(**fields)


def merged(ours: Progress, theirs: Progress) -> Progress:
    transfer.merge(ours, theirs)
    return ours


def checks(state: Progress, times: int, status: str = "failed") -> None:
    for _ in range(times):
        state.record_verdict("add", status)


def copy(state: Progress) -> Progress:
    """What another machine has after importing ``state`` into a fresh workspace."""
    return merged(Progress(device="desk"), state)


def test_laptop_and_desktop_both_checking_after_a_common_export_count_every_attempt_once():
    laptop = Progress(device="lap")
    checks(laptop, 5)
    desktop = copy(laptop)  # the common export, imported on the desktop
    checks(laptop, 3)
    checks(desktop, 2)
    assert desktop.of("add").attempt_count == 7 and laptop.of("add").attempt_count == 8
    merged(desktop, laptop)
    assert desktop.of("add").attempt_count == 10  # not max (8), not sum (15)
    merged(desktop, laptop)
    assert desktop.of("add").attempt_count == 10  # the same file twice: counted once
    merged(laptop, desktop)
    assert laptop.of("add").attempts == desktop.of("add").attempts == {"lap": 8, "desk": 2}


def test_importing_the_same_export_twice_changes_nothing_the_second_time():
    laptop = Progress(device="lap")
    checks(laptop, 2)
    laptop.record_verdict("greet", "passed")
    desktop = Progress(device="desk")
    first = transfer.merge(desktop, laptop)
    again = transfer.merge(desktop, laptop)
    assert (first.changed, first.newly_passed) == (2, 1) and (again.changed, again.newly_passed) == (0, 0)


def test_a_pass_is_never_lost_whichever_side_checked_later():
    passed = entry(status="passed", ever_passed=True, last_checked="2026-12-01T10:00:00",
                   first_passed_at="2026-12-01T10:00:00", attempts={"lap": 3}, attempts_to_pass=3,
                   hints_before_pass=1, review_due="2026-12-02")
    failed_later = entry(status="failed", failing=["sums"], last_checked="2026-12-01T11:00:00", attempts={"desk": 1})
    for one, other in ((passed, failed_later), (failed_later, passed)):
        both = transfer.merge_entry(one, other)
        assert (both.status, both.ever_passed, both.failing) == ("passed", True, [])
        assert (both.first_passed_at, both.attempts_to_pass, both.hints_before_pass) == ("2026-12-01T10:00:00", 3, 1)
        assert both.review_due == "2026-12-02" and both.last_checked == "2026-12-01T11:00:00"


def test_where_neither_passed_the_later_check_wins():
    early = entry(status="error", failing=[], last_checked="2026-12-01T10:00:00", hints_shown=2)
    late = entry(status="failed", failing=["sums"], last_checked="2026-12-02T10:00:00", hints_shown=1)
    for one, other in ((early, late), (late, early)):
        both = transfer.merge_entry(one, other)
        assert (both.status, both.failing, both.hints_shown) == ("failed", ["sums"], 2)  # hints: never taken back


def test_the_earliest_first_pass_and_first_open_are_kept_with_what_they_took():
    a = entry(status="passed", ever_passed=True, first_opened="2026-12-01T09:00:00",
              first_passed_at="2026-12-01T10:00:00", attempts_to_pass=4, hints_before_pass=2)
    b = entry(status="passed", ever_passed=True, first_opened="2026-11-30T09:00:00",
              first_passed_at="2026-12-03T10:00:00", attempts_to_pass=1, hints_before_pass=0)
    for one, other in ((a, b), (b, a)):
        both = transfer.merge_entry(one, other)
        assert (both.first_passed_at, both.attempts_to_pass, both.hints_before_pass) == ("2026-12-01T10:00:00", 4, 2)
        assert both.first_opened == "2026-11-30T09:00:00"


def test_the_review_schedule_of_the_side_reviewed_last_wins():
    reviewed = entry(ever_passed=True, review_due="2026-12-10", review_step=2, reviewed_at="2026-12-03T08:00:00")
    first_pass = entry(ever_passed=True, review_due="2026-12-02", review_step=0)
    for one, other in ((reviewed, first_pass), (first_pass, reviewed)):
        both = transfer.merge_entry(one, other)
        assert (both.review_due, both.review_step, both.reviewed_at) == ("2026-12-10", 2, "2026-12-03T08:00:00")
    never = transfer.merge_entry(first_pass, entry(ever_passed=True, review_due="2026-12-05"))
    assert never.review_due == "2026-12-02"  # neither reviewed: the earlier first pass's date


def test_fields_this_version_does_not_know_are_kept():
    ours, theirs = entry(), entry()
    ours.extra, theirs.extra = {"streak": 4}, {"streak": 9, "stars": 2}
    assert transfer.merge_entry(ours, theirs).extra == {"streak": 4, "stars": 2}


# Export and read ----------------------------------------------------------------------------

def exported(tmp_path, state: Progress, pack: str = "mini"):
    target = tmp_path / "carried.json"
    transfer.export(state, pack, target)
    return target


def test_an_export_reads_back_as_the_same_progress(tmp_path):
    state = Progress(device="lap")
    checks(state, 2)
    state.record_verdict("add", "passed")
    carried = transfer.read(exported(tmp_path, state), "mini")
    assert carried.progress.of("add").to_json() == state.of("add").to_json()
    assert json.loads((tmp_path / "carried.json").read_text())["schema"] == "torch-dojo/progress-export@1"


@pytest.mark.parametrize("change, says", [
    (lambda d: d.update(pack="mlcourse"), 'the pack "mlcourse"'),
    (lambda d: d.update(schema="torch-dojo/progress-export@2"), "newer torch-dojo"),
    (lambda d: d.update(progress_version=progress.VERSION + 1), "newer torch-dojo"),
    (lambda d: d.update(schema="torch-dojo/list@1"), "not a torch-dojo progress export"),
    (lambda d: d.pop("schema"), "it has no schema"),
    (lambda d: d.update(exercises=[1, 2]), "damaged"),
    (lambda d: d["exercises"]["add"].update(attempts={"lap": "many"}), 'damaged (add: "attempts"'),
])
def test_an_import_refuses_what_it_cannot_merge(tmp_path, change, says):
    state = Progress(device="lap")
    state.record_verdict("add", "passed")
    target = exported(tmp_path, state)
    data = json.loads(target.read_text())
    change(data)
    target.write_text(json.dumps(data))
    with pytest.raises(transfer.TransferError, match=r"(?s).*" + says.replace("(", r"\(")):
        transfer.read(target, "mini")


@pytest.mark.parametrize("content", [b"{x", b"\xff\xfe", b"[]", b"null"])
def test_garbage_is_not_an_export(tmp_path, content):
    target = tmp_path / "carried.json"
    target.write_bytes(content)
    with pytest.raises(transfer.TransferError, match="not a torch-dojo progress export"):
        transfer.read(target, "mini")


def test_a_folder_a_pipe_or_nothing_is_not_an_export(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe")
    for source, says in ((tmp_path, "is not a file"), (tmp_path / "pipe", "is not a file"),
                         (tmp_path / "none.json", "there is no file at")):
        with pytest.raises(transfer.TransferError, match=says):
            transfer.read(source, "mini")


def test_an_export_replaces_an_earlier_export_but_no_other_file(tmp_path):
    target = exported(tmp_path, Progress())
    transfer.export(Progress(exercises={"add": entry(hints_shown=1)}), "mini", target)  # an export: replaced
    assert json.loads(target.read_text())["exercises"]["add"]["hints_shown"] == 1
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}')
    with pytest.raises(transfer.TransferError, match="not a torch-dojo progress export"):
        transfer.export(Progress(), "mini", notes)
    assert notes.read_text() == '{"mine": true}'
    with pytest.raises(transfer.TransferError, match="is a folder"):
        transfer.export(Progress(), "mini", tmp_path)
