"""Hidden checks: 03 tensor_dtypes."""

import pytest
import torch

from torch_dojo.testing import assert_tensors_match, fail, hint


@hint("torch.tensor(values) picks the dtype from the values: ints give int64.")
def test_int_tensor_keeps_ints_as_int64(learner, reference):
    for values in ([1, 2, 3], [[4, -5], [6, 7]], list(range(10))):
        assert_tensors_match(learner.int_tensor(values), reference.int_tensor(values),
                             f"int_tensor({values})")


@hint("Pass dtype=torch.float32 to torch.tensor: ints alone would give int64, "
      "and torch.float64 is double precision, not the float32 models use.")
def test_float_tensor_is_float32_even_for_ints(learner, reference):
    for values in ([1, 2, 3], [0.5, 1.5], [[1, 2], [3, 4]]):
        assert_tensors_match(learner.float_tensor(values), reference.float_tensor(values),
                             f"float_tensor({values})")


@pytest.mark.parametrize("dtype", [torch.int64, torch.float64, torch.float16, torch.uint8, torch.bool], ids=lambda d: str(d).removeprefix("torch."))
@hint("t.to(torch.float32) (or t.float()) converts from any dtype; torch.float64 is not float32.")
def test_to_float32_from_any_dtype(learner, reference, dtype):
    source = (torch.rand(3, 4) * 10).to(dtype)
    assert_tensors_match(learner.to_float32(source), reference.to_float32(source),
                         f"to_float32 of a {dtype} tensor")


def test_to_uint8_image_scales_clips_and_rounds(learner, reference):
    """to_uint8_image scales to 0..255, rounds to nearest and clips"""
    probes = {
        "scale by 255 before converting (0.7 became 0)": (torch.tensor([0.0, 0.7, 1.0]), "scale"),
        "round to nearest (0.5 * 255 = 127.5 must give 128, not 127)": (torch.tensor([0.5, 0.1, 0.9]), "round"),
        "clip to [0, 1] first (1.2 * 255 = 306 wraps around to 50 in uint8)": (torch.tensor([1.2, -0.3, 0.5]), "clip"),
    }
    for advice, (img, _) in probes.items():
        shown = [round(x, 4) for x in img.tolist()]
        got = learner.to_uint8_image(img)
        want = reference.to_uint8_image(img)
        if isinstance(got, torch.Tensor) and got.dtype == torch.uint8 and got.shape == want.shape \
                and not torch.equal(got, want):
            fail(f"to_uint8_image({shown}) gave {got.tolist()}, expected {want.tolist()}",
                 hint=f"Remember to {advice}.")
        assert_tensors_match(got, want, f"to_uint8_image({shown})",
                             hint="The result must be a uint8 tensor: finish with .to(torch.uint8).")
    torch.manual_seed(1)
    img = torch.rand(3, 8, 8) * 1.4 - 0.2
    assert_tensors_match(learner.to_uint8_image(img), reference.to_uint8_image(img),
                         "to_uint8_image of a random 3×8×8 image",
                         hint="Clip with clamp(0, 1), multiply by 255, round(), then .to(torch.uint8).")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64, torch.uint8], ids=lambda d: str(d).removeprefix("torch."))
@hint("Not every dtype takes 4 bytes: use t.element_size() * t.numel().")
def test_tensor_bytes_for_every_dtype(learner, reference, dtype):
    t = torch.zeros(3, 5, dtype=dtype)
    got, want = learner.tensor_bytes(t), reference.tensor_bytes(t)
    if got != want:
        fail(f"tensor_bytes of a 3×5 {dtype} tensor is {got!r}, expected {want} "
             f"({t.element_size()} bytes × {t.numel()} elements)")


@hint("Ask PyTorch: torch.tensor(1).dtype and torch.tensor(1.0).dtype.")
def test_default_dtypes(learner, reference):
    got = learner.default_dtypes()
    want = reference.default_dtypes()
    if tuple(got) != want if isinstance(got, (tuple, list)) else True:
        fail(f"default_dtypes() returned {got!r}, expected {want!r}")
