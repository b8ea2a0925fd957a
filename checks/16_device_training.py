"""Hidden checks: 16 device_training.

Without a GPU a forgotten .to(device) changes nothing on the CPU, so the checks watch
the tensors instead: every batch the loader hands out must be moved to the device
before it is computed with, and the model must be moved too. On a CUDA machine the
loop also runs for real on the GPU.
"""

import copy
import math

import pytest
import torch
from torch.overrides import TorchFunctionMode
from torch.utils.data import DataLoader, TensorDataset

from torch_dojo.testing import describe, fail, hint, hint_on, in_learner_process, requires

MIXED = r"Expected all tensors to be on the same device|is not on the expected device"
MIXED_HINT = "Move every batch where the model is, at the top of the batch loop: the features and the labels."
MIXED_CODE = "for features, labels in loader:\n    features, labels = features.to(device), labels.to(device)"
DROPPED = ("A tensor's `.to` does not move it: it returns a moved copy, and only that copy is on the "
           "device. Keep what it returns.")
TRAIN_CODE = ("model = model.to(device); optimizer = torch.optim.SGD(model.parameters(), lr=lr); then for "
              "each epoch model.train(), and for each batch: features, labels = features.to(device), "
              "labels.to(device); loss = F.cross_entropy(model(features), labels); optimizer.zero_grad(); "
              "loss.backward(); optimizer.step(); losses.append(loss.item()).")
ACCURACY_CODE = ("model = model.to(device); model.eval(); with torch.no_grad(): for each batch, move features "
                 "and labels, predictions = model(features).argmax(dim=1); correct += (predictions == "
                 "labels).sum().item(); total += len(labels). Return correct / total.")
# Uses of a tensor that read no values: these are fine before moving it.
METADATA = {"to", "cuda", "cpu", "__len__", "size", "dim", "numel", "__get__", "__format__", "__repr__",
            "__hash__", "__bool__"}


class _DeviceWatch(TorchFunctionMode):
    """Notes, for the tensors a loader gave out, whether they were moved before being used."""

    def __init__(self, device):
        super().__init__()
        self.device = torch.device(device)
        self.given = {}  # id -> (tensor, "the labels of batch 3")
        self.moved = set()  # ids of tensors returned by a move to the device
        self.unmoved_uses = []  # (operation, what, whether .to was called on it and the copy dropped)
        self.copied = set()  # ids of handed-out tensors whose .to made a copy on the device

    def hand_out(self, tensor, what):
        self.given[id(tensor)] = (tensor, what)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        result = func(*args, **kwargs)
        first = args[0] if args else None
        if name in ("to", "cuda", "cpu") and isinstance(first, torch.Tensor) and id(first) in self.given:
            target = {"cuda": torch.device("cuda"), "cpu": torch.device("cpu")}.get(name)
            if name == "to":
                target = torch._C._nn._parse_to(*args[1:], **kwargs)[0]
            if target is not None and target.type == self.device.type and isinstance(result, torch.Tensor):
                if result is first:  # already there: a new tensor object, so that using it can be told apart
                    result = result.view_as(result)
                self.moved.add(id(result))
                self.copied.add(id(first))
                self.given.setdefault(id(result), (result, "moved"))
            return result
        if name not in METADATA:
            for value in list(args) + list(kwargs.values()):
                if isinstance(value, torch.Tensor) and id(value) in self.given:
                    tensor, what = self.given[id(value)]
                    if what != "moved":
                        self.unmoved_uses.append((name, what, id(value) in self.copied))
        return result


class _Watched:
    """A loader that tells the watch about every tensor it hands out."""

    def __init__(self, loader, watch):
        self.loader, self.watch, self.batch = loader, watch, 0

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        for features, labels in self.loader:
            self.watch.hand_out(features, f"the features of batch {self.batch}")
            self.watch.hand_out(labels, f"the labels of batch {self.batch}")
            self.batch += 1
            yield features, labels


class _Net(torch.nn.Module):
    """Listing A.4, noting every device it is moved to."""

    def __init__(self, num_inputs=2, num_outputs=2):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Linear(num_inputs, 30), torch.nn.ReLU(),
                                          torch.nn.Linear(30, 20), torch.nn.ReLU(),
                                          torch.nn.Linear(20, num_outputs))
        self.moves = []

    def to(self, *args, **kwargs):
        self.moves.append(torch._C._nn._parse_to(*args, **kwargs)[0])
        return super().to(*args, **kwargs)

    def cuda(self, device=None):
        self.moves.append(torch.device("cuda"))
        return super().cuda(device)

    def cpu(self):
        self.moves.append(torch.device("cpu"))
        return super().cpu()

    def forward(self, x):
        return self.layers(x)


def _watched(learner, name, model, loader, watch, *args, **kwargs):
    """Runs where the learner's code runs: train_on or accuracy_on with the watch on."""
    with watch:
        return getattr(learner, name)(model, _Watched(loader, watch), *args, **kwargs)


def _data(seed, n=10, num_inputs=2, num_classes=2):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, num_inputs, generator=g) * 2, torch.randint(0, num_classes, (n,), generator=g)


def _loader(seed, batch_size=4, **kwargs):
    X, y = _data(seed, **kwargs)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size)


def _net(seed, **kwargs):
    torch.manual_seed(seed)
    return _Net(**kwargs)


def _check_watch(watch, model, call):
    if not any(d is not None and d.type == watch.device.type for d in model.moves):
        fail(f"{call} never moved the model to the device: on a GPU machine its parameters would stay "
             "on the CPU while the batches go to the GPU",
             hint="The model has to be on the device too: move it once, before the loop.",
             then="model = model.to(device) (a model's .to moves it in place and returns it).")
    if watch.unmoved_uses:
        operation, what, dropped = watch.unmoved_uses[0]
        name = "features" if "features" in what else "labels"
        if dropped:
            fail(f"{call} called .to(device) on {what}, but then used the original in `{operation}`: "
                 f"Tensor.to returns a new tensor on the device and leaves `{name}` where it was, and that "
                 f"new tensor was not assigned to anything. On a GPU machine that is the mixed-device error.",
                 hint=DROPPED, then=f"{name} = {name}.to(device)  (not a bare {name}.to(device))")
        fail(f"{call} used {what} in `{operation}` straight from the loader, not moved to the "
             "device: on a GPU machine that is the mixed-device error",
             hint=MIXED_HINT if name == "features" else
             "The labels meet the logits in the loss and in the comparison: they need the device too.",
             then=MIXED_CODE)


def _losses(got, call, batches):
    if not isinstance(got, (list, tuple)) or len(got) != batches:
        fail(f"{call} returned {describe(got)}, expected a list of {batches} losses, one per batch")
    if not all(isinstance(v, float) for v in got):
        fail(f"{call} returned {describe(got[0])} as a loss, expected Python floats",
             hint="Each loss must be a plain Python number, not a tensor: see `.item()`, which also brings "
                  "the number back from the GPU.", then="losses.append(loss.item())")
    return list(got)


def _close(a, b, tol=1e-4):
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b))


@pytest.mark.parametrize("device", ["cpu", torch.device("cpu")], ids=["'cpu'", "torch.device('cpu')"])
@hint("The model once, before the loop, and every batch inside it, go to the device; the rest is "
      "the training loop of exercise 13.", then=TRAIN_CODE)
def test_train_on_moves_model_and_batches(learner, reference, device):
    """train_on moves the model and every batch to the device, and trains as the book does"""
    watch = _DeviceWatch(device)
    model = _net(1)
    start = copy.deepcopy(model)
    loader = _loader(1)
    call = f"train_on(model, loader, {device!r}, num_epochs=2, lr=0.1)"
    with hint_on(MIXED, MIXED_HINT, then=MIXED_CODE):
        got = in_learner_process(learner, _watched, "train_on", model, loader, watch, device, num_epochs=2, lr=0.1)
    got = _losses(got, call, 2 * len(loader))
    _check_watch(watch, model, call)
    want = reference.train_on(start, loader, device, num_epochs=2, lr=0.1)
    if not _close(got, want):
        fail(f"{call} gave the losses {[round(v, 4) for v in got[:4]]} ..., expected "
             f"{[round(v, 4) for v in want[:4]]} ...",
             hint="Train as in exercise 13: plain SGD at `lr`, the cross-entropy of the logits, and the "
                  "three steps of every batch.", then=TRAIN_CODE)


@hint("The model and each batch on the device, eval mode, no graph (`torch.no_grad`); count the "
      "right predictions and divide by the number of examples.", then=ACCURACY_CODE)
def test_accuracy_on_counts_on_the_device(learner, reference):
    """accuracy_on computes on the device, in eval mode, over examples"""
    watch = _DeviceWatch("cpu")
    model = _net(2)
    loader = _loader(2, batch_size=3)
    call = "accuracy_on(model, loader, 'cpu')"
    with hint_on(MIXED, MIXED_HINT, then=MIXED_CODE):
        got = in_learner_process(learner, _watched, "accuracy_on", model, loader, watch, "cpu")
    if isinstance(got, torch.Tensor) or isinstance(got, bool) or not isinstance(got, float):
        fail(f"{call} returned {describe(got)}, expected a Python float",
             hint="Return a plain Python number: see `.item()`.",
             then="correct += (predictions == labels).sum().item(); return correct / total")
    _check_watch(watch, model, call)
    want = reference.accuracy_on(copy.deepcopy(model), loader, "cpu")
    # rel 1e-6: a fraction taken in float32, (correct / total).item() as the book does, is off by
    # about 6e-8; a wrong count misses by 0.1 (a tenth of the 10 examples), a mean of per-batch
    # means (batches of 3, 3, 3 and 1) by far more than 1e-6 (mistake_accuracy_mean_of_batch_means).
    if not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9):
        fail(f"{call} is {got}, expected {want} (correct examples / all examples)")
    if model.training:
        fail(f"{call} left the model in training mode", hint="Evaluate in eval mode: see `eval()`.")


@requires("cuda")
@hint("Everything on the GPU: the model, and each batch's features and labels.", then=TRAIN_CODE)
def test_train_and_accuracy_on_the_gpu(learner, reference):
    """train_on and accuracy_on run on CUDA"""
    model = _net(3)
    start = copy.deepcopy(model)
    loader = _loader(3)
    with hint_on(MIXED, MIXED_HINT, then=MIXED_CODE):
        got = _losses(learner.train_on(model, loader, "cuda", num_epochs=2, lr=0.1),
                      "train_on(model, loader, 'cuda')", 2 * len(loader))
        if next(model.parameters()).device.type != "cuda":
            fail("after train_on(..., 'cuda') the model's parameters are not on the GPU")
        want = reference.train_on(start, loader, "cuda", num_epochs=2, lr=0.1)
        if not _close(got, want, tol=1e-3):
            fail(f"train_on on cuda gave {[round(v, 4) for v in got[:4]]} ..., expected "
                 f"{[round(v, 4) for v in want[:4]]} ...")
        accuracy = learner.accuracy_on(model, loader, torch.device("cuda"))
    if not math.isclose(accuracy, reference.accuracy_on(model, loader, "cuda"), rel_tol=1e-6, abs_tol=1e-9):
        fail(f"accuracy_on on cuda is {accuracy}, expected {reference.accuracy_on(model, loader, 'cuda')}")
