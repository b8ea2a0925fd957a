def test_doubles(learner, reference):
    """double gives twice x"""
    assert learner.double(2) == reference.double(2)
