import torch

from torch_dojo.testing import hint


@hint("Multiply by 2.")
def test_doubles_every_entry(learner, reference):
    """double doubles every entry"""
    x = torch.arange(6.0).reshape(2, 3)
    assert torch.equal(learner.double(x), reference.double(x)), "double(x) should be 2 * x"


def test_doubles_fractions(learner, reference):
    """double keeps fractions"""
    x = torch.linspace(0, 1, 5)
    assert torch.allclose(learner.double(x), reference.double(x)), "double(x) should be 2 * x"
