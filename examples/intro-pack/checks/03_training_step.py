"""Checks of exercise 03: train_step.

No check here carries @points, so the exercise is all or nothing, worth the `points = 2`
of its manifest entry. The last check records the losses it saw (`record`), which the
workbook draws as a curve.
"""
import copy

import torch
import torch.nn.functional as F

from torch_dojo.testing import assert_close, describe, fail, hint


def _setup(seed=0):
    torch.manual_seed(seed)
    model = torch.nn.Linear(4, 3)
    features = torch.randn(10, 4)
    labels = torch.randint(0, 3, (10,))
    return model, features, labels


def _stale(model):
    """Gradients left over from an earlier step, as a training loop would leave them."""
    for p in model.parameters():
        p.grad = torch.full_like(p, 5.0)


@hint("Compute the loss before the optimizer steps, and return it as a plain Python number: see `.item()`.",
      then="loss = F.cross_entropy(model(features), labels) before optimizer.step(); return loss.item()")
def test_returns_the_loss_as_a_float(learner):
    """train_step returns the loss before the update, as a float"""
    model, features, labels = _setup()
    with torch.no_grad():
        want = F.cross_entropy(model(features), labels).item()
    got = learner.train_step(model, torch.optim.SGD(model.parameters(), lr=0.1), features, labels)
    if not isinstance(got, float):
        fail(f"train_step returned {describe(got)}, expected a Python float",
             hint="A one-number tensor becomes a Python float with `.item()` (which also lets its graph go).",
             then="return loss.item()")
    assert_close(got, want, "the loss train_step returned", rel=1e-5)


@hint("Old gradients first go (they add up otherwise), and the optimizer steps only after the "
      "backward pass.", then="optimizer.zero_grad(); loss.backward(); optimizer.step()")
def test_one_step_updates_like_the_reference(learner, reference):
    """one step moves the parameters as SGD should"""
    model, features, labels = _setup(seed=1)
    mine, theirs = copy.deepcopy(model), copy.deepcopy(model)  # a copy has no gradients: stale ones after
    _stale(mine)
    _stale(theirs)
    before = copy.deepcopy(model)
    learner.train_step(mine, torch.optim.SGD(mine.parameters(), lr=0.1), features, labels)
    reference.train_step(theirs, torch.optim.SGD(theirs.parameters(), lr=0.1), features, labels)
    if all(torch.equal(a, b) for a, b in zip(mine.parameters(), before.parameters())):
        fail("after train_step the parameters are unchanged", hint="Computing gradients changes nothing by itself: the optimizer has to apply them.",
             then="optimizer.step() after loss.backward()")
    for (name, got), want in zip(mine.named_parameters(), theirs.parameters()):
        if torch.allclose(got, want, atol=1e-6):
            continue
        if torch.allclose(got, want - 0.1 * 5.0, atol=1e-5):
            fail("the step used the old gradients plus the new ones: gradients add up until they are zeroed",
                 hint="Gradients add up in `.grad` until they are zeroed: clear them at the start of every step.",
                 then="optimizer.zero_grad() before loss.backward()")
        fail(f"after one step, the parameter `{name}` differs from what SGD gives "
             f"(largest difference {float((got - want).abs().max()):.3g})")


@hint("Run the four moves each time train_step is called; nothing in it should remember earlier calls.")
def test_repeated_steps_bring_the_loss_down(learner, record):
    """twenty steps bring the loss down"""
    torch.manual_seed(2)
    features = torch.randn(64, 2)
    labels = (features[:, 0] + features[:, 1] > 0).long()
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = [learner.train_step(model, optimizer, features, labels) for _ in range(20)]
    record("losses", [float(loss) for loss in losses])
    if not losses[-1] < 0.5 * losses[0]:
        fail(f"after 20 steps the loss went from {losses[0]:.3f} to {losses[-1]:.3f}: it should at least halve")
