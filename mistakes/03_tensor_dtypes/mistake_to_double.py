"""Wrong on purpose: to_float32 converts with .double(), to float64.

Must fail: "to float32 from any dtype".
Says: "float64".
"""
import torch


def int_tensor(values):
    return torch.tensor(values)


def float_tensor(values):
    return torch.tensor(values, dtype=torch.float32)


def to_float32(t):
    return t.double()


def to_uint8_image(img):
    return (img.clamp(0.0, 1.0) * 255).round().to(torch.uint8)


def tensor_bytes(t):
    return t.element_size() * t.numel()


def default_dtypes():
    return torch.tensor(1).dtype, torch.tensor(1.0).dtype
