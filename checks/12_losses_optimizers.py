"""Hidden checks: 12 losses_optimizers."""

import copy
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from torch_dojo.testing import describe, fail, hint, hint_on

TASKS = ["regression", "multiclass", "binary"]


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _inputs(task, seed):
    """(prediction, target) pairs for a task: random ones, then extreme ones."""
    g = _gen(seed)
    if task == "regression":
        return [(torch.randn(8, generator=g) * 3, torch.randn(8, generator=g)),
                (torch.tensor([100.0, -3.0]), torch.tensor([0.0, 1.0]))]
    if task == "multiclass":
        return [(torch.randn(6, 4, generator=g) * 2, torch.randint(0, 4, (6,), generator=g)),
                (torch.tensor([[0.0, -200.0, 5.0], [30.0, 0.0, 1.0]]), torch.tensor([1, 2]))]
    return [(torch.randn(7, generator=g) * 3, torch.randint(0, 2, (7,), generator=g).float()),
            (torch.tensor([150.0, -150.0, 2.0]), torch.tensor([0.0, 1.0, 1.0]))]


# What a learner may pick instead, and what to tell them: (what it is, the mistaken loss,
# the nudge, the code for when the same check fails again).
WRONG_LOSSES = {
    "regression": [("nn.L1Loss, the mean absolute error", nn.L1Loss(),
                    "Regression wants the mean squared error: see `nn.MSELoss`.", "return nn.MSELoss()"),
                   ("the sum of squared errors, not their mean", nn.MSELoss(reduction="sum"),
                    "Keep the default reduction, the mean: see `nn.MSELoss`.", "return nn.MSELoss()")],
    "multiclass": [("nn.NLLLoss, which expects log-probabilities, given logits", nn.NLLLoss(),
                    "`nn.CrossEntropyLoss` takes the logits and applies log_softmax itself.",
                    "return nn.CrossEntropyLoss()"),
                   ("cross-entropy of softmax probabilities",
                    lambda z, y: F.cross_entropy(torch.softmax(z, dim=1), y),
                    "No softmax before the loss: `nn.CrossEntropyLoss` takes the logits.",
                    "return nn.CrossEntropyLoss()")],
    "binary": [("nn.BCELoss of sigmoid(logit), which loses precision for large logits",
                lambda z, y: F.binary_cross_entropy(torch.sigmoid(z), y),
                "`nn.BCEWithLogitsLoss` takes the logit and stays exact where sigmoid rounds to 0 or 1.",
                "return nn.BCEWithLogitsLoss()"),
               ("BCEWithLogitsLoss of sigmoid(logit): the sigmoid applied twice",
                lambda z, y: F.binary_cross_entropy_with_logits(torch.sigmoid(z), y),
                "`nn.BCEWithLogitsLoss` applies the sigmoid itself: give it the logit.",
                "return nn.BCEWithLogitsLoss()")],
}


@pytest.mark.parametrize("task", TASKS)
@hint("One loss per task, each taking the model's raw outputs: the mean squared error, the "
      "cross-entropy, the binary cross-entropy on logits. Return a loss object, not its class.",
      then="regression: nn.MSELoss(); multiclass: nn.CrossEntropyLoss(); binary: nn.BCEWithLogitsLoss().")
def test_loss_for_each_task(learner, reference, task):
    """loss_for picks the right loss, one that takes logits"""
    with hint_on(r"between 0 and 1", "`nn.BCELoss` wants probabilities; a logit needs `nn.BCEWithLogitsLoss`.",
                 then="return nn.BCEWithLogitsLoss()"):
        loss_fn = learner.loss_for(task)
        if isinstance(loss_fn, type):
            fail(f"loss_for({task!r}) returned the class {loss_fn.__name__}, not a loss you can call on "
                 "(prediction, target)", hint="Return a loss object, not the class: add the parentheses.",
                 then=f"return nn.{loss_fn.__name__}()")
        if not callable(loss_fn):
            fail(f"loss_for({task!r}) returned {describe(loss_fn)}, expected a loss like nn.MSELoss()")
        want_fn = reference.loss_for(task)
        for prediction, target in _inputs(task, seed=TASKS.index(task)):
            got = loss_fn(prediction, target)
            want = want_fn(prediction, target)
            if isinstance(got, torch.Tensor) and got.numel() == 1 and \
                    math.isclose(got.item(), want.item(), rel_tol=1e-4, abs_tol=1e-5):
                continue
            shown = got.item() if isinstance(got, torch.Tensor) and got.numel() == 1 else describe(got)
            for name, wrong, advice, code in WRONG_LOSSES[task]:
                if isinstance(got, torch.Tensor) and got.numel() == 1 and \
                        math.isclose(got.item(), wrong(prediction, target).item(), rel_tol=1e-4, abs_tol=1e-5):
                    fail(f"loss_for({task!r}) gave {shown:.4f} where {want.item():.4f} is expected: that is "
                         f"{name}", hint=advice, then=code)
            fail(f"loss_for({task!r}) on predictions {prediction.tolist()[:3]}... gave {shown}, "
                 f"expected {want.item():.4f}")


@hint("Check the name first and raise a `ValueError` for one you do not know.",
      then="if task not in (\"regression\", \"multiclass\", \"binary\"): raise ValueError(f\"unknown task {task!r}\")")
def test_loss_for_an_unknown_task_raises(learner):
    """loss_for raises ValueError for an unknown task"""
    for task in ("segmentation", "Regression"):
        try:
            got = learner.loss_for(task)
        except ValueError:
            continue
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001
            fail(f"loss_for({task!r}) raised {type(exc).__name__}: {exc}; expected a ValueError")
        fail(f"loss_for({task!r}) returned {describe(got)}; expected a ValueError for an unknown task")


def _data(seed, n=32, d=3):
    g = _gen(seed)
    X = torch.randn(n, d, generator=g)
    true_w = torch.tensor([2.0, -1.0, 0.5, 1.5, -2.0][:d])
    y = X @ true_w + 0.5 + 0.1 * torch.randn(n, generator=g)
    return X, y


def _fit(model, X, y, optimizer, lr, steps, *, squeeze=True, zero_grad=True):
    """The reference loop, optionally with one of the usual mistakes."""
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[optimizer](model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        out = model(X)
        loss = ((out.squeeze(1) if squeeze else out) - y).pow(2).mean()
        if zero_grad:
            opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [p.detach().clone() for p in model.parameters()]


def _close(a, b):
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-3, abs_tol=1e-5) for x, y in zip(a, b))


def _compare_fit(learner, reference, optimizer, lr, steps, seed):
    X, y = _data(seed)
    torch.manual_seed(seed)
    start = nn.Linear(X.shape[1], 1)
    model = copy.deepcopy(start)
    what = f"fit_linear_regression(model, X, y, optimizer={optimizer!r}, lr={lr}, steps={steps})"
    with hint_on(r"Unknown optimizer|not supported", "Pick the class from the name: `torch.optim.SGD` or "
                 "`torch.optim.Adam`.", then="{\"sgd\": torch.optim.SGD, \"adam\": torch.optim.Adam}[optimizer]"
                 "(model.parameters(), lr=lr)"):
        got = learner.fit_linear_regression(model, X, y, optimizer=optimizer, lr=lr, steps=steps)
    if not isinstance(got, (list, tuple)) or len(got) != steps:
        fail(f"{what} returned {describe(got)}, expected a list of {steps} losses, one per step")
    if any(isinstance(v, torch.Tensor) for v in got):
        fail(f"{what} returned tensors, expected Python floats",
             hint="Each loss must be a plain Python number, not a tensor: see `.item()`.",
             then="losses.append(loss.item())")
    got = [float(v) for v in got]
    trained = copy.deepcopy(start)  # the reference trains it in place
    want = reference.fit_linear_regression(trained, X, y, optimizer=optimizer, lr=lr, steps=steps)
    if _close(got, want):
        params = [p.detach() for p in model.parameters()]
        if not all(torch.allclose(p, q.detach(), atol=1e-4) for p, q in zip(params, trained.parameters())):
            fail(f"{what}: the losses are right, but the model passed in was not trained",
                 hint="Train the `model` you are given, in place: its optimizer must hold that model's "
                      "parameters.", then="optimizer = torch.optim.SGD(model.parameters(), lr=lr) (or Adam)")
        return
    shown = f"\n  losses {[round(v, 4) for v in got[:5]]} ...\n  expected {[round(v, 4) for v in want[:5]]} ..."
    variants = [
        ("the (n, 1) predictions were compared with the (n,) targets, which broadcasts to an (n, n) "
         "matrix of every prediction against every target",
         dict(squeeze=False), "Make the shapes of predictions and targets equal: see `squeeze`.",
         "loss = nn.MSELoss()(model(X).squeeze(1), y)  (or compare with y.unsqueeze(1))"),
        ("the gradients are never reset, so every step adds the old gradients in",
         dict(zero_grad=False), "`backward()` adds to the gradients: reset them in every step (`zero_grad`).",
         "optimizer.zero_grad() before loss.backward() in every step."),
    ]
    for name, kwargs, advice, code in variants:
        if _close(got, _fit(copy.deepcopy(start), X, y, optimizer, lr, steps, **kwargs)[0]):
            fail(f"{what}: {name}.{shown}", hint=advice, then=code)
    other = "sgd" if optimizer == "adam" else "adam"
    if _close(got, _fit(copy.deepcopy(start), X, y, other, lr, steps)[0]):
        fail(f"{what} trained with {other!r}, not {optimizer!r}.{shown}",
             hint="Choose the optimizer from the argument: `torch.optim.SGD` for 'sgd', `torch.optim.Adam` "
                  "for 'adam'.", then="torch.optim.Adam(model.parameters(), lr=lr) when optimizer == 'adam'")
    for other_lr in (0.1, 0.01, 0.001, 0.05, 1.0):
        if other_lr != lr and _close(got, _fit(copy.deepcopy(start), X, y, optimizer, other_lr, steps)[0]):
            fail(f"{what} trained as if lr were {other_lr}.{shown}",
                 hint="Give the optimizer the function's `lr` argument, not a number of your own.",
                 then="torch.optim.SGD(model.parameters(), lr=lr)")
    if got and math.isclose(got[0], want[1], rel_tol=1e-3):
        fail(f"{what}: every loss is one step late: the losses are recorded after the update.{shown}",
             hint="Record the loss you call `backward()` on, before the step changes the weights.",
             then="loss = ...; optimizer.zero_grad(); loss.backward(); optimizer.step(); "
                  "losses.append(loss.item())")
    fail(f"{what} gave other losses than the four-line loop with MSE.{shown}")


@pytest.mark.parametrize("optimizer, lr, steps, seed", [("sgd", 0.1, 20, 0), ("adam", 0.05, 20, 1),
                                                        ("sgd", 0.02, 15, 2)],
                         ids=["sgd", "adam", "sgd-small-lr"])
@hint("Each step: the mean squared error of predictions and targets of the same shape, reset the "
      "gradients, backpropagate, step, and record the loss as a Python float.",
      then="loss = nn.MSELoss()(model(X).squeeze(1), y); optimizer.zero_grad(); loss.backward(); "
           "optimizer.step(); losses.append(loss.item()).")
def test_fit_linear_regression_matches_the_loop(learner, reference, optimizer, lr, steps, seed):
    """fit_linear_regression trains like the four-line loop, with the named optimizer"""
    _compare_fit(learner, reference, optimizer, lr, steps, seed)


RECOVERY_STEPS = 100  # on this data the loss stops falling after about 20 steps at lr 0.1


@hint(f"With MSE on matching shapes and lr 0.1, {RECOVERY_STEPS} SGD steps recover the weights [2, -1, 0.5] "
      "and the bias 0.5.")
def test_fit_linear_regression_recovers_the_weights(learner, record):
    """fit_linear_regression recovers the weights that made the data"""
    X, y = _data(5)
    torch.manual_seed(5)
    model = nn.Linear(3, 1)
    losses = learner.fit_linear_regression(model, X, y, optimizer="sgd", lr=0.1, steps=RECOVERY_STEPS)
    values = [float(v) for v in losses]
    record("losses", {"values": values[::2], "every": 2, "steps": len(values)})  # the chart: 50 points drawn
    got = model.weight.detach().reshape(-1)
    if not torch.allclose(got, torch.tensor([2.0, -1.0, 0.5]), atol=0.1) or \
            abs(model.bias.item() - 0.5) > 0.1:
        fail(f"after {RECOVERY_STEPS} SGD steps the model has weights {[round(v, 3) for v in got.tolist()]} and "
             f"bias {model.bias.item():.3f}, expected about [2, -1, 0.5] and 0.5")


@hint("Check the optimizer's name before any training, and raise a `ValueError` for one you do not know.",
      then="if optimizer not in (\"sgd\", \"adam\"): raise ValueError(f\"unknown optimizer {optimizer!r}\")")
def test_fit_linear_regression_rejects_an_unknown_optimizer(learner):
    """fit_linear_regression raises ValueError for an unknown optimizer"""
    X, y = _data(3)
    try:
        learner.fit_linear_regression(nn.Linear(3, 1), X, y, optimizer="rmsprop", lr=0.1, steps=2)
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001
        fail(f"fit_linear_regression(..., optimizer='rmsprop') raised {type(exc).__name__}: {exc}; "
             "expected a ValueError")
    fail("fit_linear_regression(..., optimizer='rmsprop') trained anyway; expected a ValueError")
