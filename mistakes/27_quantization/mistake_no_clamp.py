"""Wrong on purpose: quantize does not clamp, so entries beyond ±127 wrap around in the cast.

Must fail: "quantize rounds to the nearest int8".
Passes: "dequantize comes back within half a scale".
Says: "wrapped around".
"""

import warnings

import torch


def channel_scales(w):
    scale = w.abs().amax(dim=1) / 127
    return torch.where(scale == 0, torch.ones_like(scale), scale).to(torch.float32)


def quantize(w, scale):
    return torch.round(w / scale[:, None]).to(torch.int8)


def dequantize(q, scale):
    return q.to(torch.float32) * scale[:, None]


def quantized_bytes(q, scale):
    return q.numel() * q.element_size() + scale.numel() * scale.element_size()


def quantize_linear_layers(model):
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated in favour of torchao
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
