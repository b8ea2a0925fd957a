"""Hidden checks: 15 devices.

Without a GPU, the "meta" device stands in for one: a function that moves tensors to the
device it is given, or to the model's, works there as it does on CUDA.
"""

import re

import pytest
import torch

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, hint_on, requires

NOT_IN_PLACE = ("Tensor.to returns a new tensor and leaves the original where it was (only a "
                "model's .to moves in place): use the result, t = t.to(device).")
MIXED = r"Expected all tensors to be on the same device|is not on the expected device"
TYPED_IN = r"Torch not compiled with CUDA enabled|Found no NVIDIA driver|no CUDA GPUs are available"


def _net(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))


@pytest.mark.parametrize("device", ["cpu", "meta"])
@hint("next(model.parameters()).device: a model has no .device attribute of its own.")
def test_model_device_reads_the_parameters(learner, device):
    """model_device says where the model's parameters are"""
    model = _net().to(device)
    got = learner.model_device(model)
    if isinstance(got, str):
        fail(f"model_device gave the string {got!r}, expected a torch.device",
             hint="p.device is already a torch.device: return it as it is.")
    if not isinstance(got, torch.device):
        fail(f"model_device of a model on {device} gave {describe(got)}, expected torch.device({device!r})")
    if got.type != device:
        fail(f"model_device of a model on {device} gave {got}: the answer must come from the model, "
             "not be typed in")


def _devices(batch):
    """The device type of every tensor in a nested batch, with its path."""
    if isinstance(batch, torch.Tensor):
        return {"": batch.device.type}
    found = {}
    items = batch.items() if isinstance(batch, dict) else enumerate(batch) \
        if isinstance(batch, (list, tuple)) else []
    for key, value in items:
        for path, device in _devices(value).items():
            found[f"[{key!r}]{path}"] = device
    return found


def _structure(batch):
    if isinstance(batch, torch.Tensor):
        return ("tensor", tuple(batch.shape))
    if isinstance(batch, dict):
        return ("dict", {k: _structure(v) for k, v in batch.items()})
    if isinstance(batch, (list, tuple)):
        return (type(batch).__name__, [_structure(v) for v in batch])
    return ("value", batch)


def _batches():
    x, y = torch.randn(4, 3), torch.tensor([0, 1, 1, 0])
    return [
        ("a tensor", x),
        ("a (features, labels) tuple", (x, y)),
        ("a [features, labels] list", [x, y]),
        ("a dict {'input_ids': ..., 'labels': ..., 'name': 'batch 7'}",
         {"input_ids": torch.arange(6).reshape(2, 3), "labels": y, "name": "batch 7"}),
        ("a tuple holding a dict and an int", ({"a": x, "b": [y, x]}, 3)),
    ]


@pytest.mark.parametrize("device", ["meta", "cpu"])
@hint("A recursive function: a tensor -> t.to(device); a dict -> {k: to_device(v, device)}; a list "
      "or tuple -> type(batch)(to_device(v, device) for v in batch); anything else as it is.")
def test_to_device_moves_every_tensor(learner, reference, device):
    """to_device moves every tensor of a batch and keeps its structure"""
    for what, batch in _batches():
        got = learner.to_device(batch, device)
        want = reference.to_device(batch, device)
        if _structure(got) != _structure(want):
            fail(f"to_device({what}, {device!r}) changed the structure: got {_structure(got)}, "
                 f"expected {_structure(want)}",
                 hint="Rebuild the same kind of container: a tuple stays a tuple, a dict a dict, and "
                      "values that are not tensors stay as they are.")
        stayed = {path: d for path, d in _devices(got).items() if d != torch.device(device).type}
        if stayed:
            where = ", ".join(f"batch{path}" if path else "the tensor" for path in stayed)
            fail(f"to_device({what}, {device!r}) left {where} on {sorted(set(stayed.values()))[0]}",
                 hint=NOT_IN_PLACE)
        if device == "cpu" and isinstance(want, torch.Tensor):
            assert_tensors_match(got, want, f"to_device({what}, 'cpu')")


@hint("Move x to where the model is: x.to(next(model.parameters()).device), then call the model.")
def test_run_model_follows_the_model(learner, reference):
    """run_model computes on the model's device, whatever device x came on"""
    model = _net(1)
    x = torch.randn(5, 4)
    with hint_on(MIXED, "Move x to the model's device first: x.to(next(model.parameters()).device)."):
        try:
            got = learner.run_model(model, x)
        except AssertionError as exc:  # what torch raises for CUDA on a machine without it
            if not re.search(TYPED_IN, str(exc)):
                raise
            fail(f"run_model asked for CUDA on a machine that has none ({exc})",
                 hint="Do not type a device in: take the model's, next(model.parameters()).device. "
                      "The same code then runs on a laptop and on a GPU machine.")
        assert_tensors_match(got, reference.run_model(model, x), "run_model of a model on the CPU")
        meta_model = _net(1).to("meta")
        try:
            got = learner.run_model(meta_model, x)
        except NotImplementedError as exc:
            if "meta tensor" not in str(exc):
                raise
            fail("run_model moved the model to x's device: a model on 'meta' (as on 'cuda') went "
                 f"back to the CPU ({exc})",
                 hint="Move the data to the model, not the model to the data: the model is large and "
                      "already where it should be. x.to(next(model.parameters()).device).")
        except RuntimeError as exc:
            if "is not on the expected device" in str(exc) or "same device" in str(exc):
                fail("run_model of a model on another device than x (here 'meta', as it would be "
                     f"'cuda' on a GPU) stopped with the mixed-device error:\n  {exc}",
                     hint="Move x to the model's device first: x.to(next(model.parameters()).device).")
            raise
    if not isinstance(got, torch.Tensor) or got.device.type != "meta" or tuple(got.shape) != (5, 3):
        fail(f"run_model of a model on 'meta' gave {describe(got)}, expected a (5, 3) tensor on meta, "
             "computed where the model is")
    if next(meta_model.parameters()).device.type != "meta":
        fail("run_model moved the model: move the data to the model, not the model to the data")


@requires("cuda")
@hint("x = x.to(next(model.parameters()).device); return model(x).")
def test_run_model_on_the_gpu(learner, reference):
    """run_model works with a model on the GPU and data on the CPU"""
    model = _net(2).to("cuda")
    x = torch.randn(5, 4)
    with hint_on(MIXED, "Move x to the model's device first."):
        got = learner.run_model(model, x)
    assert_tensors_match(got, reference.run_model(model, x), "run_model with the model on cuda", atol=1e-5)
