"""Right, written another way: to_uint8_image rounds half up, adding 0.5 before the uint8
conversion cuts the fraction off (as many image libraries do). 0.7 × 255 is exactly 178.5 in
float32, a tie: 179 is as near as torch.round's 178 (which rounds ties to even), and both are
right.

Must pass every check.
"""
import torch


def int_tensor(values):
    return torch.tensor(values)


def float_tensor(values):
    return torch.tensor(values, dtype=torch.float32)


def to_float32(t):
    return t.float()


def to_uint8_image(img):
    return (img.clamp(0, 1) * 255 + 0.5).to(torch.uint8)


def tensor_bytes(t):
    return t.element_size() * t.numel()


def default_dtypes():
    return torch.tensor(1).dtype, torch.tensor(1.0).dtype
