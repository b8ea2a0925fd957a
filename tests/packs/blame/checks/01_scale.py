from torch_dojo.testing import fail, hint


@hint("Each number is multiplied by k.", then="return [x * k for x in xs]")
def test_scales(learner, reference):
    """scale multiplies every number by k"""
    got, want = learner.scale([1, 2], 3), reference.scale([1, 2], 3)
    if got != want:
        fail(f"scale([1, 2], 3) is {got!r}, expected {want!r}")


@hint("total adds the numbers up.", then="return sum(xs)")
def test_total(learner):
    """total adds the numbers"""
    assert learner.total([1, 2]) + 0 == 3, "total([1, 2]) should be 3"  # None + 0: the check trips


def test_own_bug(learner):
    """the check's own code works"""
    sizes = {"small": 1}
    assert sizes["large"] == 1  # a bug of the check's: no learner file can pass it
