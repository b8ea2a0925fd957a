from torch_dojo.testing import hint


@hint("Mind the comma and the exclamation mark.")
def test_greets(learner, reference):
    for name in ("Ada", "Grace"):
        assert learner.greet(name) == reference.greet(name), f"greet({name!r}) should be {reference.greet(name)!r}"
