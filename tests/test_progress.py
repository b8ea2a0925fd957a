"""Progress survives: atomic saves, a lock, and recovery from a broken file."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time

from torch_dojo import progress


def test_a_missing_file_is_empty_progress(tmp_path):
    state = progress.load(tmp_path / "progress.json")
    assert state.of("add").status == "not tried" and not state.warning


def test_verdicts_and_hints_are_remembered(tmp_path):
    path = tmp_path / "progress.json"
    progress.update(path, lambda s: s.record_verdict("add", "passed"))
    progress.update(path, lambda s: s.record_verdict("add", "failed"))
    progress.update(path, lambda s: setattr(s.of("add"), "hints_shown", 2))
    entry = progress.load(path).of("add")
    assert (entry.status, entry.ever_passed, entry.hints_shown) == ("failed", True, 2)
    assert json.loads(path.read_text())["version"] == progress.VERSION == 2


def test_a_corrupted_file_is_set_aside_with_a_warning(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text('{"exercises": {"add": {"status": "pa')
    state = progress.load(path)
    assert "could not be read" in state.warning
    aside = list(tmp_path.glob("progress.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text().startswith('{"exercises"')
    assert state.of("add").status == "not tried"


def _hammer(path: str, slug: str, rounds: int) -> None:
    for _ in range(rounds):
        progress.update(__import__("pathlib").Path(path), lambda s: setattr(s.of(slug), "hints_shown", s.of(slug).hints_shown + 1))


def test_two_writers_at_once_lose_no_update(tmp_path):
    path = tmp_path / "progress.json"
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_hammer, args=(str(path), slug, 40)) for slug in ("a", "b")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    state = progress.load(path)
    assert (state.of("a").hints_shown, state.of("b").hints_shown) == (40, 40)


def _save_forever(path: str) -> None:
    state = progress.Progress()
    for i in range(200):
        state.of(f"exercise_{i}").hints_shown = i
    while True:
        progress.save(__import__("pathlib").Path(path), state)


def test_a_writer_killed_mid_save_leaves_a_readable_file(tmp_path):
    path = tmp_path / "progress.json"
    progress.update(path, lambda s: s.record_verdict("add", "passed"))
    ctx = multiprocessing.get_context("spawn")
    for _ in range(5):
        writer = ctx.Process(target=_save_forever, args=(str(path),))
        writer.start()
        time.sleep(0.4)
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        state = progress.load(path)
        assert not state.warning
        assert json.loads(path.read_text())["version"] == progress.VERSION


# Nothing the file holds stops the learner, and nothing in it is lost (issue 12) ------------

def test_a_wrong_field_is_reset_alone_with_a_warning(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 1, "exercises": {
        "add": {"status": ["passed"], "hints_shown": "1", "ever_passed": "no", "last_checked": 3, "failing": [1]},
        "greet": {"status": "passed", "hints_shown": 2, "ever_passed": True, "failing": ["t"]},
        "odd": "passed"}}))
    state = progress.load(path)
    assert state.of("add") == progress.ExerciseProgress()
    assert (state.of("greet").status, state.of("greet").hints_shown, state.of("greet").failing) == ("passed", 2, ["t"])
    assert '"hints_shown" was "1"' in state.warning and '"ever_passed" was "no"' in state.warning
    assert "6 fields" in state.warning and not list(tmp_path.glob("*.corrupt-*"))


def test_hints_shown_must_be_a_count_not_a_bool(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"exercises": {"add": {"hints_shown": True}, "b": {"hints_shown": -1}}}))
    state = progress.load(path)
    assert state.of("add").hints_shown == 0 and state.of("b").hints_shown == 0 and "2 fields" in state.warning


def test_unknown_fields_and_a_bom_survive_a_save(tmp_path):
    path = tmp_path / "progress.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"version": 1, "theme": "dark",
                                                   "exercises": {"add": {"hints_shown": 1, "streak": 4}}}).encode())
    state = progress.reveal_hint(path, "add", 3)
    assert not state.warning
    saved = json.loads(path.read_text())
    assert saved["theme"] == "dark" and saved["exercises"]["add"] == {**saved["exercises"]["add"], "streak": 4,
                                                                      "hints_shown": 2}


def test_a_newer_schema_is_read_but_never_written(tmp_path):
    path = tmp_path / "progress.json"
    text = json.dumps({"version": 3, "exercises": {"add": {"status": "passed", "ever_passed": True}}})
    path.write_text(text)
    state = progress.load(path)
    assert state.of("add").ever_passed and "made by a newer torch-dojo (schema 3)" in state.warning
    assert "upgrade" in state.warning
    try:
        progress.record_verdict(path, "add", "failed")
    except progress.NotSaved as err:
        assert "newer torch-dojo" in str(err)
    else:
        raise AssertionError("a newer file was written over")
    assert path.read_text() == text


def test_a_folder_in_the_way_is_shown_empty_and_never_replaced(tmp_path):
    path = tmp_path / "progress.json"
    path.mkdir()
    (path / "keep").write_text("x")
    state = progress.load(path)
    assert "cannot be read" in state.warning and "folder" in state.warning and state.read_only
    try:
        progress.reveal_hint(path, "add", 2)
    except progress.NotSaved as err:
        assert "Is a directory" in str(err)
    else:
        raise AssertionError("saved over a folder")
    assert (path / "keep").read_text() == "x"


def test_two_corrupt_files_set_aside_in_one_second_get_two_names(tmp_path):
    path = tmp_path / "progress.json"
    for text in ("{x", "{y"):
        path.write_text(text)
        assert "could not be read" in progress.load(path).warning
    assert sorted(p.read_text() for p in tmp_path.glob("progress.json.corrupt-*")) == ["{x", "{y"]


def test_a_corrupt_file_replaced_meanwhile_is_not_set_aside(tmp_path, monkeypatch):
    """list reads without the lock; by the time it holds it, another process saved good progress."""
    path = tmp_path / "progress.json"
    path.write_text("{x")
    real = progress._read
    calls = []

    def read(p):
        calls.append(p)
        if len(calls) == 2:  # the re-read under the lock: a save came in between
            path.write_text(json.dumps({"version": 1, "exercises": {"add": {"hints_shown": 2}}}))
        return real(p)

    monkeypatch.setattr(progress, "_read", read)
    state = progress.load(path)
    assert state.of("add").hints_shown == 2 and not state.warning
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_a_temp_file_left_by_a_killed_save_is_swept(tmp_path):
    path = tmp_path / "progress.json"
    (tmp_path / ".progress-dead.tmp").write_text("{")
    progress.reveal_hint(path, "add", 2)
    assert not list(tmp_path.glob(".progress-*.tmp"))


def test_a_check_that_fails_again_shows_its_second_hint_until_it_passes(tmp_path):
    from torch_dojo.verdict import CheckResult, Status, Verdict

    def verdict(status: Status) -> Verdict:
        check = CheckResult("sums", status, "" if status is Status.PASSED else "wrong", "the idea", then="the code")
        return Verdict("01", "add", "Add", status, checks=(check,), hint=check.hint)

    path = tmp_path / "progress.json"
    shown, _ = progress.record_checked(path, "add", verdict(Status.FAILED))
    assert shown.checks[0].hint == "the idea" and shown.hint == "the idea"
    shown, state = progress.record_checked(path, "add", verdict(Status.FAILED))
    assert shown.checks[0].hint == "the code" and shown.hint == "the code" and shown.checks[0].second_hint
    assert state.of("add").failing == ["sums"]
    progress.record_checked(path, "add", verdict(Status.PASSED))
    assert progress.load(path).of("add").failing == []
    shown, _ = progress.record_checked(path, "add", verdict(Status.FAILED))
    assert shown.checks[0].hint == "the idea"  # a nudge again after a pass
    shown, _ = progress.record_checked(path, "other", verdict(Status.FAILED))
    assert shown.checks[0].hint == "the idea"  # another exercise's failures are its own


# The learner's record (schema 2), and a file of schema 1 migrated (issue 17) ---------------

TODAYS_FORMAT = {"version": 1, "theme": "dark", "exercises": {  # what torch-dojo wrote before schema 2
    "add": {"status": "passed", "hints_shown": 2, "ever_passed": True, "last_checked": "2026-11-20T10:00:00",
            "failing": [], "streak": 3},
    "greet": {"status": "failed", "hints_shown": 1, "ever_passed": False, "last_checked": "2026-11-21T10:00:00",
              "failing": ["greets"]},
    "mlcourse/add": {"status": "not tried", "hints_shown": 0, "ever_passed": True, "last_checked": "",
                     "failing": []}}}


def test_a_file_of_schema_1_migrates_on_read_and_loses_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_DOJO_NOW", "2026-12-01T12:00")
    path = tmp_path / "progress.json"
    path.write_text(json.dumps(TODAYS_FORMAT))
    state = progress.load(path)
    assert not state.warning and not state.read_only
    add, greet = state.of("add"), state.of("greet")
    assert (add.status, add.hints_shown, add.ever_passed, add.last_checked) == ("passed", 2, True, "2026-11-20T10:00:00")
    assert (greet.status, greet.failing, greet.hints_shown) == ("failed", ["greets"], 1)
    assert add.review_due == "2026-11-21" and greet.review_due == ""  # passed: due a day after its last check
    assert state.of("mlcourse/add").review_due == "2026-12-02"  # no date known: as if passed today
    assert add.first_passed_at == "" and add.attempts_to_pass is None  # not known, so not made up
    progress.reveal_hint(path, "greet", 2)  # any save writes schema 2, with everything kept
    saved = json.loads(path.read_text())
    assert saved["version"] == 2 and saved["theme"] == "dark" and saved["exercises"]["add"]["streak"] == 3
    for key, old in TODAYS_FORMAT["exercises"].items():
        assert {k: saved["exercises"][key][k] for k in old} == {**old, **({"hints_shown": 2} if key == "greet" else {})}
    assert progress.load(path).of("add").review_due == "2026-11-21"  # migrated once, not again


def test_checks_are_counted_and_the_first_pass_remembers_what_it_took(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("TORCH_DOJO_NOW", "2026-12-01T09:00")
    progress.record_opened(path, "add")
    monkeypatch.setenv("TORCH_DOJO_NOW", "2026-12-01T09:10")
    progress.record_verdict(path, "add", "failed", ["sums"])
    progress.reveal_hint(path, "add", 2)
    monkeypatch.setenv("TORCH_DOJO_NOW", "2026-12-01T09:25")
    progress.record_verdict(path, "add", "passed")
    monkeypatch.setenv("TORCH_DOJO_NOW", "2026-12-02T08:00")
    progress.record_verdict(path, "add", "passed")  # a later pass changes the count, not the first pass
    progress.reveal_hint(path, "add", 2)
    entry = progress.load(path).of("add")
    assert entry.attempt_count == 3 and list(entry.attempts.values()) == [3]
    assert (entry.first_opened, entry.first_passed_at) == ("2026-12-01T09:00:00", "2026-12-01T09:25:00")
    assert (entry.attempts_to_pass, entry.hints_before_pass, entry.review_due) == (2, 1, "2026-12-02")
    assert json.loads(path.read_text())["device"] == next(iter(entry.attempts))


def test_record_fields_of_the_wrong_type_are_reset_alone(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 2, "device": 7, "exercises": {"add": {
        "status": "passed", "attempts": {"a1": -1}, "attempts_to_pass": "2", "review_due": 3, "hints_before_pass": None}}}))
    state = progress.load(path)
    entry = state.of("add")
    assert (entry.status, entry.attempts, entry.attempts_to_pass, entry.review_due) == ("passed", {}, None, "")
    assert state.device == "" and "4 fields" in state.warning and '"attempts" was {"a1": -1}' in state.warning


def test_the_exercise_shown_last_is_kept_beside_the_verdicts(tmp_path):
    path = tmp_path / "progress.json"
    progress.record_verdict(path, "add", "passed")
    progress.set_current(path, "greet")
    state = progress.load(path)
    assert state.current == "greet" and state.of("add").status == "passed"
    path.write_text(json.dumps({"version": 1, "current": 3, "exercises": {}}))
    state = progress.load(path)
    assert state.current == "" and '"current" was 3, reset' in state.warning
