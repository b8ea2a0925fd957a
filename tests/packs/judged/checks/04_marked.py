from torch_dojo.testing import same_process


def test_answers(learner):
    """answer gives 42"""
    assert learner.answer() == 42, "answer() should be 42"


@same_process
def test_answers_beside_the_checks(learner):
    """answer gives 42, asked in the learner's own process"""
    assert learner.answer() == 42, "answer() should be 42"
