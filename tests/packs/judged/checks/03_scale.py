import torch

from torch_dojo.testing import assert_tensors_match, hint


@hint("Multiply by k.")
def test_scales_every_entry(learner, reference):
    """scale multiplies every entry"""
    for k in (2, 3.5):
        t = torch.arange(6.0).reshape(2, 3)
        assert_tensors_match(learner.scale(t, k), reference.scale(t, k), f"scale(t, {k})")


def test_scales_a_vector(learner, reference):
    """scale keeps the shape of a vector"""
    t = torch.linspace(0, 1, 5)
    got = learner.scale(t, -1)
    assert isinstance(got, torch.Tensor), "scale should return a tensor"
    assert torch.allclose(got, reference.scale(t, -1)), "scale(t, -1) should be -t"
