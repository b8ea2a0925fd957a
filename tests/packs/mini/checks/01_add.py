from torch_dojo.testing import fail, hint


@hint("Use the + operator.")
def test_adds_small_numbers(learner, reference, record):
    """add gives the sum of two ints"""
    record("pairs", [[1, 2], [3, -4]])
    for a, b in [(1, 2), (3, -4)]:
        got, want = learner.add(a, b), reference.add(a, b)
        if got != want:
            fail(f"add({a}, {b}) is {got!r}, expected {want!r}")


def test_adds_floats(learner):
    assert learner.add(0.5, 0.25) == 0.75, "add(0.5, 0.25) should be 0.75"
