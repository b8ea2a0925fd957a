def test_half(learner):
    assert learner.half(3) == 1.5, "half(3) should be 1.5"
