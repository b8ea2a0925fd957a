from torch_dojo.testing import hint


@hint("Mind the comma and the exclamation mark.")
def test_greets(learner, reference):
    for name in ("Ada", "Grace"):
        assert learner.greet(name) == reference.greet(name), f"greet({name!r}) should be {reference.greet(name)!r}"


def test_monkeypatching_the_learner_is_undone(learner, monkeypatch):
    """a check may replace a name of the learner's module for a while"""
    monkeypatch.setattr(learner, "greet", lambda name: "patched")
    assert learner.greet("x") == "patched"


def test_the_learner_is_whole_after_a_patch(learner, reference):
    """the learner's names are back after a patched check"""
    assert learner.greet("Ada") == reference.greet("Ada")


def test_hasattr_on_the_learner_is_false_for_a_missing_name(learner):
    """a check may ask whether the learner defined an optional name"""
    assert not hasattr(learner, "farewell")
    assert getattr(learner, "farewell", None) is None
