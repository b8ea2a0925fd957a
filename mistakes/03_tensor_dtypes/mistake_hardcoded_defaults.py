"""Wrong on purpose: default_dtypes types an answer, and the wrong one.

Must fail: "default dtypes".
Says: "default_dtypes() returned".
"""
import torch


def int_tensor(values):
    return torch.tensor(values)


def float_tensor(values):
    return torch.tensor(values, dtype=torch.float32)


def to_float32(t):
    return t.to(torch.float32)


def to_uint8_image(img):
    return (img.clamp(0.0, 1.0) * 255).round().to(torch.uint8)


def tensor_bytes(t):
    return t.element_size() * t.numel()


def default_dtypes():
    return torch.int32, torch.float32
