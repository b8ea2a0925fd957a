"""Right, written another way: as_tensor, .float(), torch.clip, .type(), nbytes.

Must pass every check.
"""
import torch


def int_tensor(values):
    return torch.as_tensor(values, dtype=torch.long)


def float_tensor(values):
    return torch.tensor(values).float()


def to_float32(t):
    return t.float()


def to_uint8_image(img):
    return torch.round(torch.clip(img, 0, 1) * 255).type(torch.uint8)


def tensor_bytes(t):
    return t.nbytes


def default_dtypes():
    return (torch.tensor(1).dtype, torch.tensor(1.0).dtype)
