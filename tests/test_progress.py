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
    assert json.loads(path.read_text())["version"] == 1


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
        assert json.loads(path.read_text())["version"] == 1


def test_a_check_that_fails_again_shows_its_second_hint_until_it_passes(tmp_path):
    from torch_dojo.report import CheckResult, Status, Verdict

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
