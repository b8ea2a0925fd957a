"""Hidden checks: 03 tensor_dtypes."""

import pytest
import torch

from torch_dojo.testing import assert_tensors_match, fail, hint

UINT8 = "return (img.clamp(0, 1) * 255).round().to(torch.uint8)"


@hint("`torch.tensor` picks the dtype from the values: ints give int64.",
      then="return torch.tensor(values)")
def test_int_tensor_keeps_ints_as_int64(learner, reference):
    for values in ([1, 2, 3], [[4, -5], [6, 7]], list(range(10))):
        assert_tensors_match(learner.int_tensor(values), reference.int_tensor(values),
                             f"int_tensor({values})")


@hint("Ask `torch.tensor` for float32 with its `dtype` argument: ints alone would give int64, "
      "and torch.float64 is double precision, not the float32 models use.",
      then="return torch.tensor(values, dtype=torch.float32)")
def test_float_tensor_is_float32_even_for_ints(learner, reference):
    for values in ([1, 2, 3], [0.5, 1.5], [[1, 2], [3, 4]]):
        assert_tensors_match(learner.float_tensor(values), reference.float_tensor(values),
                             f"float_tensor({values})")


@pytest.mark.parametrize("dtype", [torch.int64, torch.float64, torch.float16, torch.uint8, torch.bool], ids=lambda d: str(d).removeprefix("torch."))
@hint("`.to` converts from any dtype to the one you name; torch.float64 is not float32.",
      then="return t.to(torch.float32)   (or t.float())")
def test_to_float32_from_any_dtype(learner, reference, dtype):
    source = (torch.rand(3, 4) * 10).to(dtype)
    assert_tensors_match(learner.to_float32(source), reference.to_float32(source),
                         f"to_float32 of a {dtype} tensor")


def test_to_uint8_image_scales_clips_and_rounds(learner, reference):
    """to_uint8_image scales to 0..255, rounds to nearest and clips"""
    probes = [
        # No value here is a tie (k + 0.5 after scaling): each has one nearest integer.
        ("scale by 255 before converting", "0.6 must become 0.6 × 255, 153", torch.tensor([0.0, 0.6, 1.0])),
        ("round to nearest", "0.25 × 255 is 63.75, which must give 64, not 63", torch.tensor([0.25, 0.6, 0.998])),
        ("clip to [0, 1] first", "1.2 × 255 is 306, which wraps around to 50 in uint8",
         torch.tensor([1.2, -0.3, 0.4])),
    ]
    for advice, why, img in probes:
        shown = [round(x, 4) for x in img.tolist()]
        got = learner.to_uint8_image(img)
        want = reference.to_uint8_image(img)
        if _is_image_like(got, want):
            if _rounded_to_nearest(got, img):
                continue
            fail(f"to_uint8_image({shown}) gave {got.tolist()}, expected {want.tolist()} ({why})",
                 hint=f"Remember to {advice}.", then=UINT8)
        assert_tensors_match(got, want, f"to_uint8_image({shown})",
                             hint="The result must be a uint8 tensor: convert at the end with `.to`.",
                             then=UINT8)
    torch.manual_seed(1)
    img = torch.rand(3, 8, 8) * 1.4 - 0.2
    got, want = learner.to_uint8_image(img), reference.to_uint8_image(img)
    if _is_image_like(got, want) and _rounded_to_nearest(got, img):
        return
    assert_tensors_match(got, want, "to_uint8_image of a random 3×8×8 image",
                         hint="Clip to the range 0..1, scale by 255, round, then convert to uint8: "
                              "in that order.", then=UINT8)


def _is_image_like(got, want):
    return isinstance(got, torch.Tensor) and got.dtype == torch.uint8 and got.shape == want.shape


def _rounded_to_nearest(got, img):
    """Every entry is a nearest integer to img × 255 (clipped). At a tie, such as 0.7 × 255 =
    178.5, both neighbours are nearest: torch.round gives the even one, adding 0.5 and cutting
    off the fraction the upper one, and both are right. float32 rounding moves a product by far
    less than the 1e-3 allowed; a truncation misses by up to 0.5 more."""
    exact = img.double().clamp(0, 1) * 255
    return bool(((got.double() - exact).abs() <= 0.5 + 1e-3).all())


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64, torch.uint8], ids=lambda d: str(d).removeprefix("torch."))
@hint("Not every dtype takes 4 bytes: ask the tensor, see `element_size()` and `numel()`.",
      then="return t.element_size() * t.numel()")
def test_tensor_bytes_for_every_dtype(learner, reference, dtype):
    t = torch.zeros(3, 5, dtype=dtype)
    got, want = learner.tensor_bytes(t), reference.tensor_bytes(t)
    if got != want:
        fail(f"tensor_bytes of a 3×5 {dtype} tensor is {got!r}, expected {want} "
             f"({t.element_size()} bytes × {t.numel()} elements)")


@hint("Ask PyTorch instead of typing them in: make a tensor of an int and one of a float, and "
      "look at their `dtype`.",
      then="return torch.tensor(1).dtype, torch.tensor(1.0).dtype")
def test_default_dtypes(learner, reference):
    got = learner.default_dtypes()
    want = reference.default_dtypes()
    if tuple(got) != want if isinstance(got, (tuple, list)) else True:
        fail(f"default_dtypes() returned {got!r}, expected {want!r}")
