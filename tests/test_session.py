"""The learner's session: the rules the CLI and the TUI share (what comes next, when the
solution opens, hints one at a time, verdicts remembered), on the torch-free mini pack."""

from __future__ import annotations

import os

import pytest

from torch_dojo import cli, progress, workspace
from torch_dojo.session import Session
from torch_dojo.verdict import CheckResult, Status, Verdict

from conftest import copy_of_mini


@pytest.fixture
def found(tmp_path, mini_pack):
    return workspace.create(tmp_path / "torch-dojo", mini_pack, path=str(mini_pack.root))


def verdict(exercise, status: Status, failing: str = "") -> Verdict:
    checks = [CheckResult(failing, Status.FAILED, message="no", hint="a nudge", then="the code")] if failing else []
    return Verdict(exercise.id, exercise.slug, exercise.title, status, checks=checks)


def test_next_to_do_is_the_first_exercise_not_passed_and_none_once_all_passed(found, mini_pack):
    add, greet = mini_pack.exercises
    session = Session.open(mini_pack, found)
    assert session.next_to_do() == add == session.first_to_do()
    session.remember(add, verdict(add, Status.PASSED))
    assert session.next_to_do() == greet
    session.remember(greet, verdict(greet, Status.PASSED))
    assert session.next_to_do() is None and session.all_passed()
    assert session.first_to_do() == greet  # the workbook opens on the last one


def test_what_comes_after_an_exercise_stays_in_its_own_pack(tmp_path, found, mini_pack):
    from torch_dojo.pack import load_pack

    second = load_pack(copy_of_mini(tmp_path / "mini2", "mini2"))
    found, _ = workspace.add_pack(found, second)
    session = Session.open((mini_pack, second), found)
    assert session.after(mini_pack.exercises[0]) == mini_pack.exercises[1]
    assert session.after(mini_pack.exercises[1]) is None  # not the other pack's first
    assert session.neighbour(mini_pack.exercises[1], 1) == second.exercises[0]  # the list moves on, though


def test_the_solution_opens_after_a_pass_and_stays_open_after_a_reset(found, mini_pack):
    add = mini_pack.exercises[0]
    session = Session.open(mini_pack, found)
    assert not session.solution_unlocked(add)
    session.remember(add, verdict(add, Status.FAILED, "test_adds"))
    assert not session.solution_unlocked(add)
    session.remember(add, verdict(add, Status.PASSED))
    session.reset(add)
    assert session.status(add) == "not tried" and session.solution_unlocked(add)
    assert Session.open(mini_pack, found).solution_unlocked(add)  # remembered, not only in memory


def test_hints_come_one_at_a_time_and_none_after_the_last(found, mini_pack):
    add = mini_pack.exercises[0]
    session = Session.open(mini_pack, found)
    assert session.reveal_hint(add) == add.hints[0]
    assert session.reveal_hint(add) == add.hints[1]
    assert session.reveal_hint(add) is None
    assert Session.open(mini_pack, found).hints_shown(add) == list(add.hints)


def test_a_hint_that_cannot_be_saved_is_shown_all_the_same_and_says_why(found, mini_pack, monkeypatch):
    add = mini_pack.exercises[0]
    session = Session.open(mini_pack, found)

    def full(*args, **kwargs):
        raise progress.NotSaved("progress could not be saved to x: No space left on device")

    monkeypatch.setattr(progress, "reveal_hint", full)
    assert session.reveal_hint(add) == add.hints[0]
    assert session.not_saved is not None and "No space left" in session.not_saved.what
    assert session.hints_shown(add) == [add.hints[0]]


def test_a_check_that_fails_the_same_way_again_is_seen_with_its_second_hint(found, mini_pack):
    add = mini_pack.exercises[0]
    session = Session.open(mini_pack, found)
    session.remember(add, verdict(add, Status.FAILED, "test_adds"))
    first = Session.open(mini_pack, found).as_seen(add, verdict(add, Status.FAILED, "test_other"))
    again = Session.open(mini_pack, found).as_seen(add, verdict(add, Status.FAILED, "test_adds"))
    assert first.checks[0].hint == "a nudge" and again.checks[0].hint == "the code"


def test_a_workspace_moved_away_is_never_written_again(tmp_path, found, mini_pack):
    add = mini_pack.exercises[0]
    session = Session.open(mini_pack, found)
    os.rename(found.root, tmp_path / "elsewhere")
    unsaved = session.remember(add, verdict(add, Status.PASSED))
    assert unsaved is not None and "moved or vanished" in unsaved.what
    assert not found.root.exists()


def test_the_cli_and_the_workbook_agree_on_what_is_next(found, mini_pack, capsys, monkeypatch):
    add = mini_pack.exercises[0]
    Session.open(mini_pack, found).remember(add, verdict(add, Status.PASSED))
    monkeypatch.chdir(found.root)
    assert cli.main([]) == 0
    said = capsys.readouterr().out
    upcoming = Session.open(mini_pack, found).first_to_do()
    assert f"torch-dojo check {upcoming.id}" in said and upcoming.slug == "greet"


def test_asking_for_a_hint_after_the_last_still_writes_progress_back_repaired(found, mini_pack):
    add = mini_pack.exercises[0]
    session = Session.open(mini_pack, found)
    session.reveal_hint(add), session.reveal_hint(add)
    found.progress_file.write_text('{"version": 1, "exercises": {"add": {"hints_shown": 2}, "greet": {"hints_shown": "1"}}}')
    assert Session.open(mini_pack, found).reveal_hint(add) is None
    assert '"1"' not in found.progress_file.read_text()


def test_the_exercise_after_a_pass_is_the_next_one_not_passed_yet(tmp_path, found, mini_pack):
    from torch_dojo.pack import load_pack

    second = load_pack(copy_of_mini(tmp_path / "mini2", "mini2"))
    found, _ = workspace.add_pack(found, second)
    session = Session.open((mini_pack, second), found)
    add, greet = mini_pack.exercises
    assert session.next_open(add) == greet
    assert session.next_open(greet) == add  # one left before it in its own pack
    session.remember(greet, verdict(greet, Status.PASSED))
    assert session.next_open(add) == second.exercises[0]  # its pack done: another pack's
    for exercise in second.exercises:
        session.remember(exercise, verdict(exercise, Status.PASSED))
    assert session.next_open(add) is None  # every other exercise passed


def test_progress_another_torch_dojo_wrote_is_followed_and_a_verdict_it_contradicts_dropped(found, mini_pack):
    add, greet = mini_pack.exercises
    session = Session.open(mini_pack, found)
    session.keep(add, verdict(add, Status.FAILED, "adds"))
    assert not session.follow()  # its own save is nothing new
    progress.reveal_hint(found.progress_file, "add", 2)  # `torch-dojo hint 01` in another terminal
    progress.record_verdict(found.progress_file, "add", "passed")  # `torch-dojo check 01`, passed
    assert session.follow()
    assert session.hints_shown(add) == [add.hints[0]] and session.status(add) == "passed"
    assert "add" not in session.verdicts  # its failed verdict is not shown as the last one any more
    assert not session.follow()


def test_progress_not_saved_is_ahead_of_the_file_and_never_replaced_by_it(found, mini_pack, monkeypatch):
    add, _ = mini_pack.exercises
    session = Session.open(mini_pack, found)

    def refuse(*args, **kwargs):
        raise progress.NotSaved("progress could not be saved: Read-only file system")

    monkeypatch.setattr(progress, "record_checked", refuse)
    _, unsaved = session.keep(add, verdict(add, Status.PASSED))
    assert unsaved is not None and session.status(add) == "passed"
    progress.reveal_hint(found.progress_file, "add", 2)
    assert not session.follow() and session.status(add) == "passed"
