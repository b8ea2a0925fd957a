"""Wrong on purpose: to_uint8_image casts without rounding (0.25 gives 63, not 64).

Must fail: "to_uint8_image scales to 0..255, rounds to nearest and clips".
Says: "round to nearest".
"""
import torch


def int_tensor(values):
    return torch.tensor(values)


def float_tensor(values):
    return torch.tensor(values, dtype=torch.float32)


def to_float32(t):
    return t.to(torch.float32)


def to_uint8_image(img):
    return (img.clamp(0.0, 1.0) * 255).to(torch.uint8)


def tensor_bytes(t):
    return t.element_size() * t.numel()


def default_dtypes():
    return torch.tensor(1).dtype, torch.tensor(1.0).dtype
