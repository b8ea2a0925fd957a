"""Hidden checks: 15 devices.

Without a GPU, the "meta" device stands in for one: a function that moves tensors to the
device it is given, or to the model's, works there as it does on CUDA.
"""

import ast
import re

import pytest
import torch

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, hint_on, requires

NOT_IN_PLACE = ("A tensor's `.to` does not move it: it returns a moved copy, and only that copy "
                "is on the device. Keep what it returns.")
NOT_IN_PLACE_CODE = "t = t.to(device) (only a model's .to moves in place; a tensor's returns a new one)."
RECURSE = ("A container can hold containers: let `to_device` handle each item the way it handles "
           "the whole batch, so a dict inside a tuple is walked too.")
RECURSE_CODE = ("A tensor -> batch.to(device); a dict -> {k: to_device(v, device) for k, v in batch.items()}; "
                "a list or tuple -> type(batch)(to_device(v, device) for v in batch); anything else as it is.")
MOVE_X = "Move the data to where the model already is: its parameters know their device."
MOVE_X_CODE = "return model(x.to(next(model.parameters()).device))"

MIXED = r"Expected all tensors to be on the same device|is not on the expected device"
TYPED_IN = r"Torch not compiled with CUDA enabled|Found no NVIDIA driver|no CUDA GPUs are available"


def _net(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))


@pytest.mark.parametrize("device", ["cpu", "meta"])
@hint("A model has no device of its own, but each of its parameters has one: see `parameters()`.",
      then="return next(model.parameters()).device")
def test_model_device_reads_the_parameters(learner, device):
    """model_device says where the model's parameters are"""
    model = _net().to(device)
    got = learner.model_device(model)
    if isinstance(got, str):
        fail(f"model_device gave the string {got!r}, expected a torch.device",
             hint="A parameter's `device` is already a torch.device: return it as it is, not as text.",
             then="return next(model.parameters()).device (no str() around it)")
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


def _bare_moves(learner_path, function="to_device"):
    """(line, code) of each `X.to(...)` or `X.cuda()` in `function` of the learner's file whose
    result is thrown away: a call on a line of its own."""
    try:
        source = learner_path.read_text(encoding="utf-8")
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError, TypeError, AttributeError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call) \
                        and isinstance(inner.value.func, ast.Attribute) and inner.value.func.attr in ("to", "cuda"):
                    found.append((inner.lineno, ast.get_source_segment(source, inner) or ".to(...)"))
    return found


def _explain_stayed(what, device, stayed, learner_path):
    """Fail, saying why the tensors at `stayed` (path -> device type) did not move."""
    where = ", ".join(f"batch{path}" if path else "the tensor" for path in stayed)
    told = f"to_device({what}, {device!r}) left {where} on {sorted(set(stayed.values()))[0]}"
    bare = _bare_moves(learner_path)
    if bare:
        line, code = bare[0]
        fail(f"{told}. Line {line} of your file, `{code}`, stands on its own: Tensor.to returns a new "
             "tensor on the device and leaves the original where it was, and that new tensor was not "
             "assigned to anything, so the original came back unmoved.",
             hint=NOT_IN_PLACE, then=NOT_IN_PLACE_CODE)
    if all(path.count("[") > 1 for path in stayed):  # the batches with one level passed before
        fail(f"{told}: the tensors at the top of the batch moved, but those sit in a container inside "
             "the batch's container, and to_device did not go into it. A container inside a container "
             "must be walked too, however deep.", hint=RECURSE, then=RECURSE_CODE)
    fail(told, hint=NOT_IN_PLACE, then=NOT_IN_PLACE_CODE)


@pytest.mark.parametrize("device", ["meta", "cpu"])
@hint("A recursive function: a tensor is moved, a container is rebuilt from its moved items, "
      "anything else stays as it is.", then=RECURSE_CODE)
def test_to_device_moves_every_tensor(learner, reference, learner_path, device):
    """to_device moves every tensor of a batch and keeps its structure"""
    for what, batch in _batches():
        with hint_on(r"'(dict|list|tuple)' object has no attribute 'to'", RECURSE,
                     f"to_device({what}, {device!r}) called .to on a container inside the batch: only "
                     "tensors have .to, so a container inside a container must be walked too.",
                     then=RECURSE_CODE):
            got = learner.to_device(batch, device)
        want = reference.to_device(batch, device)
        if _structure(got) != _structure(want):
            fail(f"to_device({what}, {device!r}) changed the structure: got {_structure(got)}, "
                 f"expected {_structure(want)}",
                 hint="Rebuild the same kind of container: a tuple stays a tuple, a dict a dict, and "
                      "values that are not tensors stay as they are.",
                 then="type(batch)(to_device(v, device) for v in batch) keeps a tuple a tuple; "
                      "{k: to_device(v, device) for k, v in batch.items()} keeps a dict a dict.")
        stayed = {path: d for path, d in _devices(got).items() if d != torch.device(device).type}
        if stayed:
            _explain_stayed(what, device, stayed, learner_path)
        if device == "cpu" and isinstance(want, torch.Tensor):
            assert_tensors_match(got, want, f"to_device({what}, 'cpu')")


@hint(MOVE_X, then=MOVE_X_CODE)
def test_run_model_follows_the_model(learner, reference):
    """run_model computes on the model's device, whatever device x came on"""
    model = _net(1)
    x = torch.randn(5, 4)
    with hint_on(MIXED, MOVE_X, then=MOVE_X_CODE):
        try:
            got = learner.run_model(model, x)
        except AssertionError as exc:  # what torch raises for CUDA on a machine without it
            if not re.search(TYPED_IN, str(exc)):
                raise
            fail(f"run_model asked for CUDA on a machine that has none ({exc})",
                 hint="Do not type a device in: take the model's, from its parameters. The same code "
                      "then runs on a laptop and on a GPU machine.", then=MOVE_X_CODE)
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
                      "already where it should be.", then=MOVE_X_CODE)
        except RuntimeError as exc:
            if "is not on the expected device" in str(exc) or "same device" in str(exc):
                fail("run_model of a model on another device than x (here 'meta', as it would be "
                     f"'cuda' on a GPU) stopped with the mixed-device error:\n  {exc}",
                     hint=MOVE_X, then=MOVE_X_CODE)
            raise
    if not isinstance(got, torch.Tensor) or got.device.type != "meta" or tuple(got.shape) != (5, 3):
        fail(f"run_model of a model on 'meta' gave {describe(got)}, expected a (5, 3) tensor on meta, "
             "computed where the model is")
    if next(meta_model.parameters()).device.type != "meta":
        fail("run_model moved the model: move the data to the model, not the model to the data")


@requires("cuda")
@hint(MOVE_X, then=MOVE_X_CODE)
def test_run_model_on_the_gpu(learner, reference):
    """run_model works with a model on the GPU and data on the CPU"""
    model = _net(2).to("cuda")
    x = torch.randn(5, 4)
    with hint_on(MIXED, MOVE_X, then=MOVE_X_CODE):
        got = learner.run_model(model, x)
    assert_tensors_match(got, reference.run_model(model, x), "run_model with the model on cuda", atol=1e-5)
