"""27 · Quantization to int8  (beyond the appendix: making a model smaller and faster)

A float32 weight takes 4 bytes; an int8 takes 1. **Symmetric per-channel quantization**
stores each row of a weight matrix (one output channel) as int8 numbers and one float32
**scale** per row:

    scale[i] = max(|w[i, :]|) / 127          the largest entry of row i maps to ±127
    q[i, j]  = clamp(round(w[i, j] / scale[i]), -127, 127)   as torch.int8
    w[i, j] ≈ q[i, j] * scale[i]             dequantized, back to float32

Rounding to the nearest integer makes the error of every entry at most scale[i] / 2; a row
with small weights gets a small scale of its own, which one scale for the whole matrix
(per-tensor) would not give it. Round before the cast (a cast truncates towards 0) and
clamp before it too (a cast to int8 of 200 wraps around to -56). Write:

    channel_scales(w)        -> the float32 scale of every row of the 2-D tensor w, shape
                                (rows,); a row that is all zeros gets the scale 1.0
    quantize(w, scale)       -> q, int8, w's shape: w divided by its row's scale, rounded,
                                clamped to [-127, 127] (the scale may come from elsewhere
                                and be too small: then the clamp matters)
    dequantize(q, scale)     -> float32, q times its row's scale
    quantized_bytes(q, scale)-> the bytes q and scale take together, an int (compare with
                                w.numel() * 4 for float32)
    quantize_linear_layers(model)
                             -> a copy of model whose nn.Linear layers are dynamically
                                quantized to int8: torch.ao.quantization.quantize_dynamic
                                (model, {torch.nn.Linear}, dtype=torch.qint8). model itself
                                stays as it was.

About the last one: torch.ao.quantization is deprecated in favour of the torchao package,
and warns so when used (silence it with warnings.catch_warnings() if you like). Where the
installed torch no longer has quantize_dynamic, or has no quantized engine, its check is
skipped, with the reason, and the exercise passes on the others.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 27`.
"""

import warnings  # noqa: F401

import torch


def channel_scales(w):
    """One float32 scale per row: max |w[i]| / 127 (1.0 for a row of zeros)."""
    # TODO
    raise NotImplementedError


def quantize(w, scale):
    """int8: round(w / scale of its row), clamped to [-127, 127]."""
    # TODO
    raise NotImplementedError


def dequantize(q, scale):
    """float32: q times the scale of its row."""
    # TODO
    raise NotImplementedError


def quantized_bytes(q, scale):
    """Bytes of q and scale together."""
    # TODO
    raise NotImplementedError


def quantize_linear_layers(model):
    """A copy of model with its Linear layers dynamically quantized to int8."""
    # TODO
    raise NotImplementedError


if __name__ == "__main__":
    torch.manual_seed(0)
    w = torch.randn(4, 6) * torch.tensor([[0.01], [0.1], [1.0], [10.0]])
    scale = channel_scales(w)
    q = quantize(w, scale)
    error = (dequantize(q, scale) - w).abs().amax(dim=1)
    print("scales:", scale)
    print("largest error per row:", error, "bound:", scale / 2)
    print("bytes:", quantized_bytes(q, scale), "float32:", w.numel() * 4)
