"""Hidden checks: 24 gradient_accumulation.

The learner's weights are compared with one big-batch step per group (the micro-batches
concatenated), not only with the reference; named mistakes are replayed here. SGD with
momentum makes a step per micro-batch, a missing division and a dropped last group all
land on weights of their own.
"""

import copy
import math

import torch
import torch.nn.functional as F

from torch_dojo.testing import describe, fail, hint

LOOP_CODE = ("for start in range(0, len(batches), accum_steps): group = batches[start:start + accum_steps]; "
             "optimizer.zero_grad(); for x, y in group: (F.mse_loss(model(x), y) / len(group)).backward(); "
             "optimizer.step()")


def _net(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 10), torch.nn.Tanh(), torch.nn.Linear(10, 2))


def _micro_batches(seed, n, size=3):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(size, 4, generator=g), torch.randn(size, 2, generator=g)) for _ in range(n)]


def _optimizer(model):
    return torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)


def _params(model):
    return [p.detach().clone() for p in model.parameters()]


def _same(a, b, tol=1e-5):
    return all(torch.allclose(p, q, atol=tol, rtol=tol) for p, q in zip(a, b))


def _groups(batches, k):
    return [batches[i:i + k] for i in range(0, len(batches), k)]


def _big_batch_steps(start, batches, k):
    """One step per group on the group's micro-batches concatenated: what accumulation must equal."""
    model = copy.deepcopy(start)
    optimizer = _optimizer(model)
    losses = []
    for group in _groups(batches, k):
        x, y = torch.cat([x for x, _ in group]), torch.cat([y for _, y in group])
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return _params(model), losses


def _as_if(start, batches, k, mistake):
    """The weights a mistaken accumulation gives."""
    model = copy.deepcopy(start)
    optimizer = _optimizer(model)
    for group in _groups(batches, k):
        if mistake == "drop_partial" and len(group) < k:
            break
        optimizer.zero_grad()
        for x, y in group:
            if mistake == "zero_grad_each":
                optimizer.zero_grad()
            divisor = {"no_divide": 1, "divide_by_k": k}.get(mistake, len(group))
            (F.mse_loss(model(x), y) / divisor).backward()
            if mistake == "step_each":
                optimizer.step()
                optimizer.zero_grad()
        if mistake != "step_each":
            optimizer.step()
    return _params(model)


MISTAKES = {
    "no_divide": ("the update is accum_steps times too large: the micro-batch losses were summed, not averaged",
                  "backward() adds the micro-batches' gradients up: divide each micro-batch's loss by the "
                  "number of micro-batches in its group, so that the sum is the mean."),
    "zero_grad_each": ("only the last micro-batch of each group counted: the gradients were cleared before "
                       "every micro-batch",
                       "Clear the gradients once per group, before its first micro-batch: clearing them in "
                       "between throws away what the earlier micro-batches added."),
    "step_each": ("the optimizer stepped after every micro-batch, not once per group",
                  "Accumulate first: call step() once, after the last micro-batch of a group."),
    "drop_partial": ("the last, smaller group got no step",
                     "When the micro-batches do not divide into full groups, the rest is a group too: give it "
                     "its step."),
    "divide_by_k": ("the last, smaller group's loss was divided by accum_steps instead of by its own size, so "
                    "its step is too small",
                    "The mean over a group divides by the number of micro-batches the group really has; only "
                    "full groups have accum_steps."),
}


def _run(learner, start, batches, k, stale=True):
    model = copy.deepcopy(start)
    optimizer = _optimizer(model)
    if stale:
        for p in model.parameters():  # what an earlier step left behind
            p.grad = torch.ones_like(p)
    losses = learner.train_accumulated(model, optimizer, batches, k)
    return losses, _params(model)


def _judge(learner, seed, n, k):
    start = _net(seed)
    batches = _micro_batches(seed, n)
    losses, got = _run(learner, start, batches, k)
    want, want_losses = _big_batch_steps(start, batches, k)
    what = f"train_accumulated(model, optimizer, {n} micro-batches, accum_steps={k})"
    if not _same(got, want):
        for mistake, (message, advice) in MISTAKES.items():
            if _same(got, _as_if(start, batches, k, mistake)):
                fail(f"{what}: {message}", hint=advice, then=LOOP_CODE)
        _, fresh = _run(learner, start, batches, k, stale=False)
        if _same(fresh, want):
            fail(f"{what}: the gradients left in .grad before the call were added into the first step",
                 hint="Clear the gradients at the start of every group, the first one too.", then=LOOP_CODE)
        fail(f"{what}: the weights differ from {len(want_losses)} steps on the groups' micro-batches "
             "concatenated into big batches")
    steps = len(want_losses)
    if not isinstance(losses, (list, tuple)) or len(losses) != steps:
        fail(f"{what} returned {describe(losses)}, expected {steps} losses, one per optimizer step",
             hint="Append one loss per group, after its micro-batches.")
    if any(isinstance(v, (torch.Tensor, bool)) or not isinstance(v, float) for v in losses):
        fail(f"{what} returned {[describe(v) for v in losses[:2]]}..., expected Python floats",
             hint="Add up `.item()` of the scaled micro-batch losses.")
    if not all(math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-6) for a, b in zip(losses, want_losses)):
        fail(f"{what}: the weights are right, but the losses returned are {[round(v, 4) for v in losses]}; "
             f"each group's loss on its big batch is {[round(v, 4) for v in want_losses]}",
             hint="A group's loss is the mean of its micro-batches' losses: the sum of the scaled losses.")


@hint("Micro-batches in groups: the gradients cleared once per group, every micro-batch's loss "
      "scaled so that their gradients add up to the mean, one step per group.", then=LOOP_CODE)
def test_full_groups_give_the_big_batch_update(learner):
    """full groups of micro-batches give the same update as one big batch"""
    for seed, n, k in ((0, 6, 3), (1, 8, 4), (2, 6, 2)):
        _judge(learner, seed, n, k)


@hint("The micro-batches left over after the last full group are a group of their own, averaged "
      "over their own number.", then=LOOP_CODE)
def test_a_last_smaller_group_gets_its_own_step(learner):
    """a last, smaller group gets its own step, averaged over its own size"""
    for seed, n, k in ((3, 7, 3), (4, 5, 2), (5, 6, 4)):
        _judge(learner, seed, n, k)


@hint("With accum_steps=1 every micro-batch is its own group: a plain training loop.", then=LOOP_CODE)
def test_one_micro_batch_per_step_is_plain_training(learner):
    """with accum_steps=1 it trains like a plain loop, one step per batch"""
    _judge(learner, 6, 4, 1)
