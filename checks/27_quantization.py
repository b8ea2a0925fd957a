"""Hidden checks: 27 quantization.

The hand-written int8 quantization runs on every torch. quantize_dynamic is deprecated in
favour of torchao: its check runs where this torch still has it and a quantized engine,
and is skipped with the reason elsewhere, so no learner fails for the installed torch.
"""

import warnings

import pytest
import torch

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, hint_on, in_learner_process

SCALE_CODE = "scale = w.abs().amax(dim=1) / 127; torch.where(scale == 0, torch.ones_like(scale), scale)"
QUANT_CODE = "torch.clamp(torch.round(w / scale[:, None]), -127, 127).to(torch.int8)"
DEQUANT_CODE = "q.to(torch.float32) * scale[:, None]"
BYTES_CODE = "q.numel() * q.element_size() + scale.numel() * scale.element_size()"
DYNAMIC_CODE = "torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)"


def _weights(seed, rows=5, cols=7):
    """Rows of very different sizes: per-channel scales matter."""
    g = torch.Generator().manual_seed(seed)
    sizes = torch.logspace(-2, 1, rows)[torch.randperm(rows, generator=g)]
    return torch.randn(rows, cols, generator=g) * sizes[:, None]


@hint("One scale per row (per output channel): the largest absolute value of that row, mapped to 127.",
      then=SCALE_CODE)
def test_channel_scales_one_per_row(learner, reference):
    """channel_scales gives every row its own scale, max |w| / 127"""
    for seed, rows, cols in ((0, 5, 7), (1, 6, 6), (2, 3, 9)):
        w = _weights(seed, rows, cols)
        got = learner.channel_scales(w.clone())
        want = reference.channel_scales(w)
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            fail(f"channel_scales of a ({rows}, {cols}) matrix returned one scale, {describe(got)}: that is "
                 "per-tensor quantization",
                 hint="Per channel means one scale for every row: small rows then keep their precision.",
                 then=SCALE_CODE)
        if isinstance(got, torch.Tensor) and got.shape == (cols,) and rows != cols:
            fail(f"channel_scales of a ({rows}, {cols}) matrix returned {cols} scales: one per column, not per row",
                 hint="A row is one output channel: reduce over dim 1.", then=SCALE_CODE)
        if isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype == want.dtype:
            for divisor in (128.0, 255.0, 256.0):
                if torch.allclose(got, want * 127 / divisor, rtol=1e-5):
                    fail(f"channel_scales divides by {divisor:g}; symmetric int8 uses -127..127, so the largest "
                         "entry maps to 127", hint="Divide the largest |w| of the row by 127.", then=SCALE_CODE)
        assert_tensors_match(got, want, f"channel_scales(w) of a ({rows}, {cols}) matrix")
    zero = torch.zeros(3, 4)
    zero[1] = torch.tensor([0.5, -1.0, 0.25, 0.0])
    got = learner.channel_scales(zero)
    if not isinstance(got, torch.Tensor) or got.shape != (3,) or not torch.isfinite(got).all() or not (got > 0).all():
        fail(f"channel_scales of a matrix with rows of zeros returned {describe(got)}: a row of zeros needs a "
             "finite scale above 0 (1.0), or quantizing it divides 0 by 0",
             hint="Where a row's largest entry is 0, use 1.0 instead: see `torch.where`.", then=SCALE_CODE)


@hint("Divide each row by its scale, round to the nearest integer, clamp into the int8 range you use, and "
      "only then cast.", then=QUANT_CODE)
def test_quantize_rounds_and_clamps(learner, reference):
    """quantize rounds to the nearest int8 and clamps"""
    for seed, shrink in ((3, 1.0), (4, 1.0), (5, 0.4)):
        w = _weights(seed)
        scale = reference.channel_scales(w) * shrink
        what = "quantize(w, scale)" + (" with scales too small for the largest entries" if shrink < 1 else "")
        got = learner.quantize(w.clone(), scale.clone())
        want = reference.quantize(w, scale)
        if not isinstance(got, torch.Tensor) or got.dtype != torch.int8:
            fail(f"{what} returned {describe(got)}, expected an int8 tensor",
                 hint="The quantized weights are int8: cast at the end, after rounding and clamping.", then=QUANT_CODE)
        if got.shape == want.shape and not torch.equal(got, want):
            truncated = torch.clamp(torch.trunc(w / scale[:, None]), -127, 127).to(torch.int8)
            if torch.equal(got, truncated):
                fail(f"{what} truncates towards 0 instead of rounding: the error then goes up to a whole scale",
                     hint="A cast to int8 cuts the fraction off: round first.", then=QUANT_CODE)
            if shrink < 1 and ((got < 0) != (want < 0)).any():
                fail(f"{what}: entries beyond ±127 wrapped around to the other sign: the cast to int8 came "
                     "before any clamp",
                     hint="Clamp to [-127, 127] before the cast: an int8 cast of 200 gives -56.", then=QUANT_CODE)
        assert_tensors_match(got, want, what)


@hint("Each row of q is multiplied by its own scale; the result is float32.", then=DEQUANT_CODE)
def test_dequantize_and_the_error_bound(learner, reference):
    """dequantize comes back within half a scale of every weight"""
    for seed in (6, 7):
        w = _weights(seed, 6, 6)
        scale = reference.channel_scales(w)
        q = reference.quantize(w, scale)
        got = learner.dequantize(q.clone(), scale.clone())
        assert_tensors_match(got, reference.dequantize(q, scale), "dequantize(q, scale) of a square matrix",
                             hint="Broadcast the scale along each row: it needs a dimension of size 1 for the columns.",
                             then=DEQUANT_CODE)
        with hint_on("must match the size|expected scalar type|dtype", "Take each step's own result along: "
                     "scales from channel_scales, q from quantize, then dequantize."):
            scale = learner.channel_scales(w)
            back = learner.dequantize(learner.quantize(w, scale), scale)
        error = (back - w).abs().amax(dim=1)
        if not (error <= scale / 2 + 1e-6).all():
            row = int((error - scale / 2).argmax())
            fail(f"channel_scales, quantize and dequantize together miss row {row} of w by {error[row].item():.3g}, "
                 f"more than half its scale ({(scale[row] / 2).item():.3g}): rounding to the nearest int8 keeps "
                 "every error within half a scale")


@hint("Bytes are elements times the size of one element; the scales are stored too.", then=BYTES_CODE)
def test_quantized_bytes_against_float32(learner, reference, record):
    """quantized_bytes counts the int8 weights and their float32 scales"""
    for rows, cols in ((64, 128), (10, 3)):
        w = _weights(8, rows, cols)
        scale = reference.channel_scales(w)
        q = reference.quantize(w, scale)
        got = learner.quantized_bytes(q, scale)
        want = reference.quantized_bytes(q, scale)
        if isinstance(got, (bool, torch.Tensor)) or not isinstance(got, int):
            fail(f"quantized_bytes returned {describe(got)}, expected a Python int")
        if got == q.numel() * 4 + scale.numel() * 4:
            fail(f"quantized_bytes of a ({rows}, {cols}) int8 matrix gave {got}: 4 bytes per int8 entry, but an "
                 "int8 takes 1", hint="Ask each tensor the size of its elements: see `element_size`.",
                 then=BYTES_CODE)
        if got == q.numel():
            fail(f"quantized_bytes of a ({rows}, {cols}) int8 matrix gave {got}: the scales were left out "
                 f"({scale.numel()} float32 numbers, {scale.numel() * 4} bytes)",
                 hint="The scales are part of what is stored.", then=BYTES_CODE)
        if got != want:
            fail(f"quantized_bytes of a ({rows}, {cols}) int8 matrix and its scales gave {got}, expected {want}")
        if rows == 64:
            record("bytes", {"float32": w.numel() * 4, "int8 per channel": got})


def _dynamic_quantization_or_skip():
    """quantize_dynamic where this torch has it and can run it; else skip, saying why."""
    try:
        from torch.ao.quantization import quantize_dynamic
    except ImportError as exc:
        pytest.skip(f"torch {torch.__version__} has no torch.ao.quantization.quantize_dynamic ({exc}); "
                    "torchao's quantize_ replaces it")
    engines = [e for e in torch.backends.quantized.supported_engines if e != "none"]
    if not engines:
        pytest.skip(f"torch {torch.__version__} was built without a quantized engine for this CPU")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantize_dynamic(torch.nn.Sequential(torch.nn.Linear(2, 2)), {torch.nn.Linear}, dtype=torch.qint8)(
                torch.zeros(1, 2))
    except (RuntimeError, NotImplementedError) as exc:
        pytest.skip(f"dynamic quantization does not run with torch {torch.__version__} here: {exc}")


def _model(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))


def _dynamic_report(learner, seed):
    """Runs where the learner's code runs: what quantize_linear_layers made of a small model."""
    model = _model(seed)
    x = torch.randn(10, 16, generator=torch.Generator().manual_seed(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantized = learner.quantize_linear_layers(model)
        if not isinstance(quantized, torch.nn.Module):
            return {"returned": describe(quantized)}
        layers = [m for m in quantized.modules() if type(m).__name__ == "Linear"]
        dtypes = []
        for m in layers:
            weight = m.weight() if callable(getattr(m, "weight", None)) else getattr(m, "weight", None)
            dtypes.append(str(getattr(weight, "dtype", None)))
        return {"returned": None, "types": [f"{type(m).__module__}.{type(m).__name__}" for m in layers],
                "dtypes": dtypes,
                "output": quantized(x).detach(), "float_output": model(x).detach(),
                "original": [type(m).__module__ for m in model.modules() if type(m).__name__ == "Linear"]}


@hint("torch.ao.quantization has a function that swaps chosen layer types for dynamically quantized ones.",
      then=DYNAMIC_CODE)
def test_quantize_linear_layers_with_quantize_dynamic(learner):
    """quantize_linear_layers makes int8 Linear layers, the original left as it was"""
    _dynamic_quantization_or_skip()
    got = in_learner_process(learner, _dynamic_report, 9)
    if got["returned"] is not None:
        fail(f"quantize_linear_layers returned {got['returned']}, expected the quantized model",
             hint="Return what quantize_dynamic gives back.", then=DYNAMIC_CODE)
    if any("quantized" in kind for kind in got["original"]):
        fail("after quantize_linear_layers the original model's Linear layers are quantized: it was quantized in "
             "place", hint="Leave the model you were given as it was: quantize a copy (the default).",
             then=DYNAMIC_CODE)
    if len(got["types"]) != 2 or not all("quantized" in kind for kind in got["types"]):
        fail(f"the quantized model's Linear layers are {got['types']}, expected two quantized ones",
             hint="Name nn.Linear among the layer types to quantize.", then=DYNAMIC_CODE)
    if any(d != "torch.qint8" for d in got["dtypes"]):
        fail(f"the quantized layers hold weights of {got['dtypes']}, expected torch.qint8",
             hint="Ask for 8-bit integers: the dtype argument.", then=DYNAMIC_CODE)
    spread = got["float_output"].abs().max().item()
    assert_tensors_match(got["output"], got["float_output"], "the quantized model's output against the float model's",
                         atol=0.05 * spread, rtol=0.05)
