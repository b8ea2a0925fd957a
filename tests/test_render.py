"""What the CLI prints for a verdict: the cases of one check together, failures explained."""

from __future__ import annotations

import io

from torch_dojo import render
from torch_dojo.report import CheckResult, Status, Verdict


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
    assert "1 of 3 checks passed" not in text and "2 of 4 checks passed" in text


def test_skipped_checks_say_why_and_output_is_shown_with_a_note_when_cut():
    checks = (CheckResult("on the GPU", Status.SKIPPED, "needs CUDA: none here"),
              CheckResult("on the CPU", Status.PASSED))
    text = text_of(Verdict("06", "y", "Y", Status.PASSED, checks=checks, output="a\nb\n", output_truncated=True))
    assert "skipped: needs CUDA: none here" in text
    assert "What your code printed (cut: only the end is kept):" in text
    assert "    b" in text
