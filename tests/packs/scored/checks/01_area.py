import pytest

from torch_dojo.testing import hint, points


@points(3)
@hint("Multiply the two sides.")
def test_area_of_a_square(learner):
    """area of a 2 by 2 square"""
    assert learner.area(2, 2) == 4, "area(2, 2) should be 4"


@points(2)
@pytest.mark.parametrize("w, h", [(2, 3), (5, 1)])
def test_area_of_rectangles(learner, w, h):
    assert learner.area(w, h) == w * h, f"area({w}, {h}) should be {w * h}"


def test_area_is_zero_for_a_flat_rectangle(learner):
    assert learner.area(0, 7) == 0, "area(0, 7) should be 0"
