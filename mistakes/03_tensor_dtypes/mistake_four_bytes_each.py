"""Wrong on purpose: tensor_bytes assumes 4 bytes per element.

Must fail: "tensor bytes for every dtype".
Says: "not every dtype takes 4 bytes".
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
    return 4 * t.numel()


def default_dtypes():
    return torch.tensor(1).dtype, torch.tensor(1.0).dtype
