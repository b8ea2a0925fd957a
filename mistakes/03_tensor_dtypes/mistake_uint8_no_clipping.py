"""Wrong on purpose: to_uint8_image does not clip, so 1.2 wraps around to 50.

Must fail: "to_uint8_image scales to 0..255, rounds to nearest and clips".
Says: "clip to [0, 1]".
"""
import torch


def int_tensor(values):
    return torch.tensor(values)


def float_tensor(values):
    return torch.tensor(values, dtype=torch.float32)


def to_float32(t):
    return t.to(torch.float32)


def to_uint8_image(img):
    return (img * 255).round().to(torch.uint8)


def tensor_bytes(t):
    return t.element_size() * t.numel()


def default_dtypes():
    return torch.tensor(1).dtype, torch.tensor(1.0).dtype
