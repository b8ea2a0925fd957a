"""Hidden checks: 23 gradient_clipping.

Batches with targets far off give gradients whose total norm is in the hundreds: the
clipped step is then easy to tell from an unclipped one, from one clipped parameter by
parameter, and from value clipping.
"""

import copy
import math

import torch
import torch.nn.functional as F

from torch_dojo.testing import assert_close, assert_tensors_match, describe, fail, hint

NORM_CODE = "torch.stack([p.grad.norm() for p in model.parameters() if p.grad is not None]).norm().item()"
STEP_CODE = ("optimizer.zero_grad(); loss = F.mse_loss(model(x), y); loss.backward(); norm = "
             "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm); optimizer.step(); "
             "return loss.item(), norm.item()")
VALUE_CODE = "torch.nn.utils.clip_grad_value_(model.parameters(), clip_value)"


def _net(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 12), torch.nn.Tanh(), torch.nn.Linear(12, 7),
                               torch.nn.Tanh(), torch.nn.Linear(7, 2))


def _batch(seed, scale=100.0, n=16):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 5, generator=g), scale * torch.randn(n, 2, generator=g)


def _with_grads(seed, none_for_last_bias=False):
    model = _net(seed)
    g = torch.Generator().manual_seed(seed + 100)
    for p in model.parameters():
        p.grad = 3 * torch.randn(p.shape, generator=g)
    if none_for_last_bias:
        model[-1].bias.grad = None
    return model


def _params(model):
    return [p.detach().clone() for p in model.parameters()]


def _same(a, b, tol=1e-5):
    return all(torch.allclose(p, q, atol=tol, rtol=tol) for p, q in zip(a, b))


@hint("All gradients together make one long vector: its length is the square root of the sum of "
      "every squared entry, over every parameter.", then=NORM_CODE)
def test_total_grad_norm_of_all_gradients_together(learner, reference):
    """total_grad_norm is the norm of all gradients taken together"""
    for seed, none_for_last_bias in ((0, False), (1, True), (2, False)):
        model = _with_grads(seed, none_for_last_bias)
        got = learner.total_grad_norm(_with_grads(seed, none_for_last_bias))
        want = reference.total_grad_norm(model)
        if isinstance(got, torch.Tensor) or isinstance(got, bool) or not isinstance(got, float):
            fail(f"total_grad_norm returned {describe(got)}, expected a Python float",
                 hint="Return a plain Python number: see `.item()`.")
        grads = [p.grad for p in model.parameters() if p.grad is not None]
        if math.isclose(got, sum(g.norm().item() for g in grads), rel_tol=1e-4):
            fail(f"total_grad_norm returned {got:.4f}, the sum of each parameter's norm; the total norm is "
                 f"{want:.4f}",
                 hint="Norms do not add up: square each parameter's norm, add the squares, and take the "
                      "square root of the sum.", then=NORM_CODE)
        if math.isclose(got, want ** 2, rel_tol=1e-4):
            fail(f"total_grad_norm returned {got:.4f}, the sum of squares; the norm is its square root, {want:.4f}",
                 hint="The norm is the square root of the sum of squares.", then=NORM_CODE)
        assert_close(got, want, "total_grad_norm(model)" + (" (the last bias has no gradient)"
                                                           if none_for_last_bias else ""), rel=1e-4)
    empty = learner.total_grad_norm(_net(3))
    if not isinstance(empty, (int, float)) or isinstance(empty, bool) or empty != 0:
        fail(f"total_grad_norm of a model without any gradient returned {describe(empty)}, expected 0.0",
             hint="Leave out the parameters whose .grad is None; with none left, the norm is 0.")


def _step(learner, model, optimizer, x, y, max_norm):
    result = learner.train_step_clipped(model, optimizer, x, y, max_norm=max_norm)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"train_step_clipped returned {describe(result)}, expected the pair (loss, norm)",
             hint="Return two Python floats: the loss and the norm clip_grad_norm_ returned.", then=STEP_CODE)
    for what, value in zip(("the loss", "the norm"), result):
        if isinstance(value, torch.Tensor) or isinstance(value, bool) or not isinstance(value, float):
            fail(f"train_step_clipped returned {describe(value)} as {what}, expected a Python float",
                 hint="clip_grad_norm_ returns a tensor: see `.item()`.", then=STEP_CODE)
    return result


def _as_if(start, x, y, max_norm, lr, kind):
    """The weights after one step done the mistaken way."""
    model = copy.deepcopy(start)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    F.mse_loss(model(x), y).backward()
    if kind == "per_parameter":
        for p in model.parameters():
            torch.nn.utils.clip_grad_norm_([p], max_norm)
    elif kind == "by_value":
        torch.nn.utils.clip_grad_value_(model.parameters(), max_norm)
    optimizer.step()
    return _params(model)


@hint("clip_grad_norm_ needs the gradients of this batch, and the optimizer must step with the "
      "clipped ones: mind where it goes between backward() and step().", then=STEP_CODE)
def test_train_step_clips_the_total_norm(learner, reference):
    """train_step_clipped clips the total norm between backward and step"""
    for seed, max_norm, lr in ((4, 1.0, 0.1), (5, 5.0, 0.05)):
        start = _net(seed)
        model, theirs = copy.deepcopy(start), copy.deepcopy(start)
        x, y = _batch(seed)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        for p in model.parameters():  # what an earlier step left behind
            p.grad = torch.ones_like(p)
        loss, norm = _step(learner, model, optimizer, x, y, max_norm)
        want_loss, want_norm = reference.train_step_clipped(theirs, torch.optim.SGD(theirs.parameters(), lr=lr),
                                                            x, y, max_norm=max_norm)
        what = f"train_step_clipped(..., max_norm={max_norm}) on a batch whose gradient norm is {want_norm:.1f}"
        got = _params(model)
        if not _same(got, _params(theirs)):
            if _same(got, _as_if(start, x, y, max_norm, lr, "none")):
                fail(f"{what}: the step was not clipped at all (clipping before backward() finds no "
                     "gradients of this batch to clip)",
                     hint="Clip after backward(), which makes the gradients, and before step(), which uses them.",
                     then=STEP_CODE)
            if _same(got, _as_if(start, x, y, max_norm, lr, "per_parameter")):
                fail(f"{what}: each parameter's gradient was clipped on its own, so the step changed direction",
                     hint="Clip all parameters in one call: the total norm is over all gradients together, and "
                          "one factor scales them all.", then=STEP_CODE)
            if _same(got, _as_if(start, x, y, max_norm, lr, "by_value")):
                fail(f"{what}: the gradients were clamped entry by entry (clip_grad_value_), not scaled by "
                     "their total norm", hint="This step clips the norm: see `clip_grad_norm_`.", then=STEP_CODE)
            fail(f"{what}: the weights after the step differ from one SGD step with the gradients clipped to "
                 f"total norm {max_norm}")
        assert_close(loss, want_loss, f"{what}: the loss", rel=1e-4)
        if math.isclose(norm, max_norm, rel_tol=1e-3) or norm < max_norm:
            fail(f"{what}: returned the norm {norm:.4f}, the norm after clipping; expected {want_norm:.4f}, the "
                 "norm before clipping",
                 hint="clip_grad_norm_ returns the total norm from before it clipped: return that number, the "
                      "one worth logging.", then=STEP_CODE)
        assert_close(norm, want_norm, f"{what}: the norm returned", rel=1e-4)


@hint("Clipping only shortens gradients whose total norm is above max_norm; smaller ones are left "
      "exactly as they are.", then=STEP_CODE)
def test_small_gradients_are_left_alone(learner, reference):
    """train_step_clipped leaves gradients below max_norm alone"""
    start = _net(6)
    model, theirs = copy.deepcopy(start), copy.deepcopy(start)
    x, y = _batch(6, scale=0.1)
    _, norm = _step(learner, model, torch.optim.SGD(model.parameters(), lr=0.1), x, y, 50.0)
    _, want_norm = reference.train_step_clipped(theirs, torch.optim.SGD(theirs.parameters(), lr=0.1), x, y,
                                                max_norm=50.0)
    if not _same(_params(model), _params(theirs)):
        fail(f"with gradients of total norm {want_norm:.3f} and max_norm=50 the step should be a plain SGD step, "
             "but the weights differ from one")
    assert_close(norm, want_norm, "the norm returned for small gradients", rel=1e-4)


@hint("Value clipping clamps each entry on its own: see `clip_grad_value_`.", then=VALUE_CODE)
def test_clip_by_value_clamps_every_entry(learner, reference):
    """clip_by_value clamps every gradient entry to the range"""
    for seed, clip_value in ((7, 0.5), (8, 2.0)):
        model, theirs = _with_grads(seed), _with_grads(seed)
        returned = learner.clip_by_value(model, clip_value)
        reference.clip_by_value(theirs, clip_value)
        if returned is not None and not isinstance(returned, torch.Tensor):
            fail(f"clip_by_value returned {describe(returned)}, expected None: it changes the gradients in place")
        for (name, p), q in zip(model.named_parameters(), theirs.parameters()):
            if p.grad is None:
                fail(f"after clip_by_value the gradient of {name} is gone")
            if p.grad.min() >= -clip_value - 1e-6 and p.grad.max() <= clip_value + 1e-6 \
                    and not torch.allclose(p.grad, q.grad) and (p.grad.abs() < clip_value - 1e-3).all():
                fail(f"clip_by_value(model, {clip_value}) shrank the gradient of {name} as a whole; it should "
                     f"clamp each entry, leaving entries inside [-{clip_value}, {clip_value}] as they are",
                     hint="Clamping by value works entry by entry, not on the norm.", then=VALUE_CODE)
            assert_tensors_match(p.grad, q.grad, f"the gradient of {name} after clip_by_value(model, {clip_value})")
