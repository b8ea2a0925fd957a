"""Right, written another way: one row at a time, with Python's max of the row and torch.stack,
and quantize_dynamic called plainly, warnings and all.

Must pass every check.
"""

import torch


def channel_scales(w):
    scales = []
    for row in w:
        largest = row.abs().max()
        scales.append(largest / 127 if largest > 0 else torch.tensor(1.0))
    return torch.stack(scales).to(torch.float32)


def quantize(w, scale):
    rows = [torch.round(row / s).clamp(-127, 127) for row, s in zip(w, scale)]
    return torch.stack(rows).to(torch.int8)


def dequantize(q, scale):
    return torch.stack([row.to(torch.float32) * s for row, s in zip(q, scale)])


def quantized_bytes(q, scale):
    return q.numel() * 1 + scale.numel() * 4


def quantize_linear_layers(model):
    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
