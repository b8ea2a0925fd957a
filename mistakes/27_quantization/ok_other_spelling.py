"""Right, written another way: the scales clamped to a tiny minimum instead of 1.0 for rows of
zeros, keepdim and a squeeze, round with .round(), clamp_ in place, nbytes from untyped
storage, and quantize_dynamic given a copy made with copy.deepcopy.

Must pass every check.
"""

import copy
import warnings

import torch
from torch.ao.quantization import quantize_dynamic


def channel_scales(w):
    return (w.abs().amax(dim=1, keepdim=True) / 127.0).clamp(min=1e-12).squeeze(1).float()


def quantize(w, scale):
    return (w / scale.unsqueeze(1)).round().clamp_(min=-127, max=127).to(dtype=torch.int8)


def dequantize(q, scale):
    return q.float() * scale.unsqueeze(-1)


def quantized_bytes(q, scale):
    return q.untyped_storage().nbytes() + scale.untyped_storage().nbytes()


def quantize_linear_layers(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return quantize_dynamic(copy.deepcopy(model), qconfig_spec={torch.nn.Linear}, dtype=torch.qint8,
                                inplace=True)
