"""What the CLI prints for a verdict: the cases of one check together, failures explained."""

from __future__ import annotations

import io
import re

from torch_dojo.cli import render
from torch_dojo.verdict import NOT_YOUR_FAULT, CheckResult, Status, Verdict, escalated, first_hint


def text_of(verdict: Verdict) -> str:
    return render.verdict(verdict, render.Style(io.StringIO()))


def test_cases_of_a_parametrized_check_are_one_line_naming_the_failing_ones():
    checks = (
        CheckResult("bytes [float32]", Status.PASSED),
        CheckResult("bytes [float16]", Status.FAILED, "2 bytes each, not 4", "use element_size()"),
        CheckResult("bytes [uint8]", Status.FAILED, "1 byte each, not 4", "use element_size()"),
        CheckResult("dtype", Status.PASSED),
    )
    text = text_of(Verdict("01", "x", "X", Status.FAILED, checks=checks))
    assert "x bytes  (fails for float16, uint8)" in text
    assert text.count("use element_size()") == 1 and "2 bytes each, not 4" in text
    assert "+ dtype" in text or "✓ dtype" in text
    # counted as shown: two lines, one per check, whatever the cases (the TUI counts the same)
    assert "1 of 2 checks passed" in text and "of 4 checks" not in text


def test_skipped_checks_say_why_and_output_is_shown_with_a_note_when_cut():
    checks = (CheckResult("on the GPU", Status.SKIPPED, "needs CUDA: none here"),
              CheckResult("on the CPU", Status.PASSED))
    text = text_of(Verdict("06", "y", "Y", Status.PASSED, checks=checks, output="a\nb\n", output_truncated=True))
    assert "skipped: needs CUDA: none here" in text
    assert "What your code printed (cut: only the end is kept):" in text
    assert "    b" in text


FIVE_FAILING = tuple(CheckResult(f"check {n}", Status.FAILED, f"wrong number {n}", f"hint number {n}")
                     for n in range(1, 6))


def test_failing_checks_past_the_first_three_are_counted_with_how_to_see_them():
    text = render.verdict(Verdict("01", "x", "X", Status.FAILED, checks=FIVE_FAILING), render.Style(io.StringIO()),
                          all_failures="the same command with -v shows every one")
    assert all(f"wrong number {n}" in text for n in (1, 2, 3))
    assert "wrong number 4" not in text and "hint number 5" not in text
    assert "check 4" in text and "check 5" in text  # still listed, by name
    assert ("The message and hint of 2 more failing checks are left out: the same command with -v shows "
            "every one.") in text


def test_every_failing_check_is_shown_when_asked():
    text = render.verdict(Verdict("01", "x", "X", Status.FAILED, checks=FIVE_FAILING), render.Style(io.StringIO()),
                          failures=None)
    assert all(f"wrong number {n}" in text and f"hint number {n}" in text for n in range(1, 6))
    assert "left out" not in text


def test_checks_not_run_are_marked_and_counted_apart_from_those_that_ran():
    why = "Stopped after 8 s: your code was still running during the check 'b'."
    checks = (CheckResult("a", Status.PASSED), CheckResult("b", Status.TIMEOUT, why),
              CheckResult("c", Status.NOT_RUN, "not run: the run ended at the check 'b' (timeout)"),
              CheckResult("d", Status.NOT_RUN, "not run: the run ended at the check 'b' (timeout)"))
    text = text_of(Verdict("01", "x", "X", Status.TIMEOUT, why, checks=checks))
    assert "1 of 4 checks passed, 2 not run" in text  # a timeout's checks not run still count: 4 of them
    assert ". c\n      not run" in text or "· c\n      not run" in text
    assert "left out" not in text and "the run ended at" not in text


def test_the_cases_of_a_check_a_timeout_cut_say_which_did_not_run():
    checks = (CheckResult("sides [2-3]", Status.TIMEOUT, "Stopped"), CheckResult("sides [5-1]", Status.NOT_RUN, "not run"))
    assert "sides  (fails for 2-3; not run for 5-1)" in text_of(Verdict("01", "x", "X", Status.TIMEOUT, "Stopped",
                                                                         checks=checks))


def test_a_checks_own_bug_says_not_your_fault_and_a_second_hint_is_marked():
    checks = (
        CheckResult("sums", Status.FAILED, "sum is 2, expected 3", "the idea", then="the code"),
        CheckResult("broken", Status.ERROR, "The check itself failed, not your code: …", blame="check"),
    )
    first = text_of(Verdict("01", "x", "X", Status.FAILED, checks=checks, hint="the idea"))
    assert "hint: the idea" in first and "the code" not in first
    assert NOT_YOUR_FAULT in first  # said even where the check carries no hint of its own
    shown = escalated(Verdict("01", "x", "X", Status.FAILED, checks=checks, hint="the idea"), ["sums"])
    again = text_of(shown)
    assert "hint (second time): the code" in again and "the idea" not in again
    assert shown.hint == "the code"


def test_not_written_yet_shows_no_hint_at_all():
    checks = (CheckResult("sums", Status.FAILED, "`add` is not written yet: …", "", blame="learner"),)
    verdict = Verdict("01", "x", "X", Status.FAILED, checks=checks, hint=first_hint(checks))
    assert "hint" not in text_of(verdict) and verdict.to_json()["hint"] == ""


class Pipe(io.StringIO):
    encoding = "utf-8"


class Terminal(Pipe):
    def isatty(self) -> bool:
        return True


def test_the_marks_are_the_workbooks_with_plain_ones_where_the_output_cannot_show_them():
    from torch_dojo.tui.widgets.exercise_list import MARKS

    for status in Status:
        assert render.Style(Pipe()).mark(status) == MARKS[status.value][0], status
    ascii_only = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert render.Style(ascii_only).mark(Status.ERROR) == "x" == render.Style(ascii_only).mark(Status.FAILED)


def test_the_check_all_table_lines_up_with_colour_and_names_what_was_not_judged(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    timeout = Verdict("03", "slow", "S", Status.TIMEOUT, "Stopped", duration=8.04,
                      checks=(CheckResult("a", Status.PASSED), CheckResult("b", Status.TIMEOUT, "Stopped"),
                              CheckResult("c", Status.NOT_RUN)))
    broken = Verdict("week2/01", "x", "X", Status.ERROR, "SyntaxError on line 1", duration=0.2)
    rows = [("01", "add", Verdict("01", "add", "A", Status.PASSED, checks=(CheckResult("a", Status.PASSED),))),
            ("02", "folder_instead", None), ("03", "slow", timeout), ("week2/01", "x", broken)]
    text = render.check_all(rows, render.Style(Terminal()))
    plain = [re.sub(r"\033\[[0-9;]*m", "", line) for line in text.splitlines()]
    assert "\033[" in text  # coloured on a terminal
    assert plain[2].split() == ["·", "02", "folder_instead", "not", "judged"]
    assert "1 of 3, 1 not run" in plain[3] and plain[3].endswith("8.0 s")
    assert "none ran" in plain[4] and "error" in plain[4]
    assert len({line.index("status") if n == 0 else line.index(word) for n, (line, word) in
                enumerate(zip(plain, ["status", "passed", "not judged", "timeout", "error"]))}) == 1
    assert plain[-1] == "1 of 4 exercises passed (8.2 s of checks)."
