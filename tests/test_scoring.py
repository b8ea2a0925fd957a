"""Points: what a verdict is worth when grading, per check or all or nothing."""

from __future__ import annotations

from conftest import TESTS

import pytest

from torch_dojo import runner
from torch_dojo.pack import load_pack
from torch_dojo.verdict import CheckResult, Status, Verdict
from torch_dojo.scoring import Score, score
from torch_dojo.testing import points

SCORED = load_pack(TESTS / "packs" / "scored")
AREA, HALF = SCORED.find("area"), SCORED.find("half")


@pytest.fixture(scope="module")
def area_reference() -> Verdict:
    return runner.check(AREA, AREA.solution)


def test_the_checks_points_reach_the_verdict(area_reference):
    assert {c.name: c.points for c in area_reference.checks} == {
        "area of a 2 by 2 square": 3.0,
        "area of rectangles [2-3]": 2.0, "area of rectangles [5-1]": 2.0,
        "area is zero for a flat rectangle": None,
    }
    assert score(AREA, area_reference) == Score(8.0, 8.0)


def test_a_partly_right_file_earns_the_points_of_the_checks_it_passed(write, area_reference):
    squares = write("area.py", "def area(w, h):\n    return w * w\n")
    verdict = runner.check(AREA, squares)
    assert not verdict.passed
    # the square (3) and the flat rectangle (unmarked: 1); both rectangles (2 each) fail
    assert score(AREA, verdict, expected=area_reference) == Score(4.0, 8.0)
    assert score(AREA, verdict) == Score(4.0, 8.0)


def test_a_file_that_does_not_import_scores_zero_out_of_the_reference_total(write, area_reference):
    broken = runner.check(AREA, write("area.py", "def area(w, h)\n    return w * h\n"))
    assert broken.status is Status.ERROR and not broken.checks
    assert score(AREA, broken, expected=area_reference) == Score(0.0, 8.0)


def test_without_points_on_checks_the_exercise_is_all_or_nothing(write):
    assert HALF.points == 4
    assert score(HALF, runner.check(HALF, HALF.solution)) == Score(4.0, 4.0)
    assert score(HALF, runner.check(HALF, HALF.starter)) == Score(0.0, 4.0)


def test_a_verdict_in_error_as_a_whole_earns_nothing_even_with_passed_checks():
    passed = CheckResult("a", Status.PASSED, points=2.0)
    tampered = Verdict("01", "area", "Area", Status.ERROR, "Your code replaced `torch.equal`", checks=(passed,))
    assert score(AREA, tampered) == Score(0.0, 2.0)


def test_checks_skipped_for_a_requirement_count_in_neither_earned_nor_possible():
    checks = (CheckResult("cpu", Status.PASSED, points=2.0),
              CheckResult("gpu", Status.SKIPPED, "needs CUDA", points=5.0))
    verdict = Verdict("01", "area", "Area", Status.PASSED, checks=checks)
    assert score(AREA, verdict) == Score(2.0, 2.0, skipped=5.0)
    every_check_skipped = Verdict("02", "half", "Half", Status.SKIPPED, checks=(CheckResult("x", Status.SKIPPED),))
    assert score(HALF, every_check_skipped) == Score(0.0, 0.0, skipped=4.0)


def test_checks_not_run_after_a_timeout_count_as_possible():
    reference = Verdict("01", "area", "Area", Status.PASSED, checks=(
        CheckResult("a", Status.PASSED, points=1.0), CheckResult("b", Status.PASSED, points=3.0)))
    stopped = Verdict("01", "area", "Area", Status.TIMEOUT, "Stopped after 20 s", checks=(
        CheckResult("a", Status.PASSED, points=1.0), CheckResult("b", Status.NOT_RUN, "not run", points=3.0)))
    assert score(AREA, stopped, expected=reference) == Score(1.0, 4.0)
    assert score(AREA, stopped) == Score(1.0, 4.0)  # b kept its points: the same score without a reference


def test_a_timeout_keeps_every_checks_points_and_what_passed_before_it_earns(write, area_reference):
    # the 2 by 3 rectangle never ends: the square passed before it, the rest never ran
    stuck = write("area.py", "def area(w, h):\n    while (w, h) == (2, 3):\n        pass\n    return w * h\n")
    verdict = runner.check(AREA, stuck, time_limit=8)
    assert verdict.status is Status.TIMEOUT
    assert [(c.name, c.status, c.points) for c in verdict.checks] == [
        ("area of a 2 by 2 square", Status.PASSED, 3.0),
        ("area of rectangles [2-3]", Status.TIMEOUT, 2.0),
        ("area of rectangles [5-1]", Status.NOT_RUN, 2.0),
        ("area is zero for a flat rectangle", Status.NOT_RUN, None),
    ]
    assert "area of rectangles [2-3]" in verdict.checks[2].message
    assert score(AREA, verdict, expected=area_reference) == Score(3.0, 8.0)
    assert score(AREA, verdict) == Score(3.0, 8.0)


def test_a_check_not_run_is_neither_failing_nor_passed():
    from torch_dojo.verdict import failing, overall_status

    checks = [CheckResult("a", Status.FAILED, "wrong"), CheckResult("b", Status.NOT_RUN, "not run")]
    assert failing(Verdict("01", "area", "Area", Status.ERROR, checks=tuple(checks))) == ["a"]
    assert overall_status([CheckResult("a", Status.PASSED), CheckResult("b", Status.NOT_RUN)]) is Status.FAILED


def test_points_survive_json_and_old_json_reads_as_unmarked():
    check = CheckResult("a", Status.PASSED, points=2.5)
    assert CheckResult.from_json(check.to_json()) == check
    old = {"name": "a", "status": "passed", "message": "", "hint": "", "duration": 0.1}
    assert CheckResult.from_json(old).points is None


@pytest.mark.parametrize("wrong", [0, -1, "3", True])
def test_points_must_be_a_positive_number(wrong):
    with pytest.raises(ValueError, match="a number above 0"):
        points(wrong)


def test_the_manifest_points_must_be_a_positive_number(tmp_path):
    import shutil

    from torch_dojo.pack import PackError

    shutil.copytree(SCORED.root, tmp_path / "pack")
    manifest = tmp_path / "pack" / "pack.toml"
    manifest.write_text(manifest.read_text().replace("points = 4", "points = 0"))
    with pytest.raises(PackError, match=r"exercise 2 \(id 02, half\)\.points: must be a number above 0"):
        load_pack(tmp_path / "pack")
