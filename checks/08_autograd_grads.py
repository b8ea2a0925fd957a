"""Hidden checks: 08 autograd_grads."""

import contextlib

import torch
import torch.nn.functional as F

from torch_dojo.testing import describe, fail, hint, hint_on

GRAPH_HINT = ("The graph is freed after the first `grad()` or `backward()`: ask for both gradients "
              "in one call, or keep the graph for a second call (see `retain_graph`).")
NO_SIGMOID_HINT = ("Binary cross-entropy compares a probability with y: squash z with the sigmoid "
                   "first (or use `F.binary_cross_entropy_with_logits`, which applies the sigmoid "
                   "itself).")
PLAIN_INPUTS_HINT = ("The inputs come as plain tensors: compute the loss from copies of w1 and b that "
                     "require grad (see `detach()`, `clone()` and `requires_grad_()`).")
ACCUMULATE_HINT = ("`backward()` adds this call's gradients to what .grad already holds: clear the "
                   "old .grad of w1 and of b before the new backward pass.")
TUPLE_HINT = ("`torch.autograd.grad` returns a tuple with one gradient per input: take the tensors "
              "out of it.")
LOSS = "z = x1 * w1 + b\na = torch.sigmoid(z)\nreturn F.binary_cross_entropy(a, y)"
AUTOGRAD = ("w = w1.detach().clone().requires_grad_()\nc = b.detach().clone().requires_grad_()\n"
            "loss = logistic_loss(x1, w, c, y)\ngrad_w1, grad_b = torch.autograd.grad(loss, [w, c])\n"
            "return grad_w1, grad_b")
BACKWARD = ("w1.grad = None   # not w1.grad.zero_(): on the first call .grad is None\nb.grad = None\n"
            "loss = logistic_loss(x1, w1, b, y)\nloss.backward()\nreturn w1.grad, b.grad")

BOOK = dict(x1=[1.1], w1=[2.2], b=[0.0], y=[1.0])


def _mistakes():
    """Losses a learner may write instead of the mean BCE of sigmoid(z), with a hint each."""
    def bce_of_z(z, y):
        if bool(((z < 0) | (z > 1)).any()):
            return None  # F.binary_cross_entropy raises there; hint_on catches that
        return F.binary_cross_entropy(z, y)

    return [
        ("the BCE of z itself, without the sigmoid", bce_of_z, NO_SIGMOID_HINT),
        ("the mean squared error", lambda z, y: F.mse_loss(torch.sigmoid(z), y),
         "This exercise's loss is binary cross-entropy, not the squared error: see "
         "`F.binary_cross_entropy`."),
        ("the sum of the BCE terms, not their mean",
         lambda z, y: F.binary_cross_entropy(torch.sigmoid(z), y, reduction="sum"),
         "Take the mean over the elements, not the sum: F.binary_cross_entropy averages by "
         "default; a hand-written formula needs .mean()."),
        ("the sigmoid applied twice",
         lambda z, y: F.binary_cross_entropy_with_logits(torch.sigmoid(z), y),
         "`F.binary_cross_entropy_with_logits` applies the sigmoid itself: give it z, not the "
         "sigmoid of z."),
        ("the BCE with its sign flipped",
         lambda z, y: -F.binary_cross_entropy(torch.sigmoid(z), y),
         "Binary cross-entropy is a *negative* log-likelihood: mind the minus sign; the loss is "
         "never negative."),
    ]


def _cases():
    """The book's example, then inputs of other lengths and values (equal shapes)."""
    cases = [("the book's example", {k: torch.tensor(v) for k, v in BOOK.items()}),
             ("x1 = [0.2, 0.5, 0.3, 0.8], w1 = 0.5, b = 0.1, y = [1, 0, 1, 0]",
              dict(x1=torch.tensor([0.2, 0.5, 0.3, 0.8]), w1=torch.full((4,), 0.5),
                   b=torch.full((4,), 0.1), y=torch.tensor([1.0, 0.0, 1.0, 0.0])))]
    for seed, n in ((0, 5), (1, 3), (2, 8)):
        g = torch.Generator().manual_seed(seed)
        cases.append((f"random inputs of length {n} (seed {seed})",
                      dict(x1=torch.randn(n, generator=g), w1=torch.randn(n, generator=g),
                           b=torch.randn(n, generator=g),
                           y=torch.randint(0, 2, (n,), generator=g).float())))
    return cases


def _args(inputs):
    return inputs["x1"], inputs["w1"], inputs["b"], inputs["y"]


def _grads(loss_fn, x1, w1, b, y):
    w = w1.detach().clone().requires_grad_(True)
    c = b.detach().clone().requires_grad_(True)
    loss = loss_fn(x1 * w + c, y)
    if loss is None:
        return None
    return torch.autograd.grad(loss, [w, c])


@contextlib.contextmanager
def _explained(call, then=""):
    """Turn the errors this exercise invites into failures with their hint."""
    with hint_on("backward through the graph a second time", GRAPH_HINT,
                 message=f"{call} asked the same graph for a gradient twice.", then=then or AUTOGRAD), \
         hint_on("should be between 0 and 1", NO_SIGMOID_HINT,
                 message=f"{call} gave binary_cross_entropy values outside [0, 1].", then=LOSS), \
         hint_on("does not require grad and does not have a grad_fn", PLAIN_INPUTS_HINT,
                 message=f"{call} asked for a gradient of a loss that requires none.", then=AUTOGRAD):
        yield


def _values(t, digits=4):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


def _got_and_expected(got, want):
    """Both as short lists, with more digits when four would print them alike."""
    digits = 4 if _values(got) != _values(want) else 7
    return _values(got, digits), _values(want, digits)


def _close(got, want):
    return got.numel() == want.numel() and torch.allclose(
        got.detach().reshape(-1).double(), want.detach().reshape(-1).double(), rtol=1e-4, atol=1e-6)


def _same_shape(got, want):
    # A 0-d tensor and a 1-element tensor both say one number: either will do there.
    return got.shape == want.shape or got.numel() == want.numel() == 1


def _match(got, want, what, mistakes=(), hint="", then=""):
    """Fail unless ``got`` is a tensor with ``want``'s values; name a known mistake when one fits."""
    if isinstance(got, (tuple, list)) and len(got) == 1 and isinstance(got[0], torch.Tensor):
        fail(f"{what} is a {type(got).__name__} holding one tensor, expected the tensor itself",
             hint=TUPLE_HINT, then="grad_w1, grad_b = torch.autograd.grad(loss, [w, c])   (one "
                                   "call, both unpacked), or take [0] of each tuple")
    if not isinstance(got, torch.Tensor):
        fail(f"{what} should be a tensor like {_values(want)}, but it is {describe(got)}", hint, then)
    if not _same_shape(got, want):
        fail(f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}", hint, then)
    if _close(got, want):
        return
    shown_got, shown_want = _got_and_expected(got, want)
    message = f"{what} is {shown_got}, expected {shown_want}"
    for name, candidate, mistake_hint in mistakes:
        if candidate is not None and _close(got, candidate):
            fail(f"{message}: that is {name}", hint=mistake_hint, then=then)
    if bool(torch.isnan(got.detach()).any()):
        fail(f"{message}: NaN comes from the log of a number outside (0, 1)", hint=NO_SIGMOID_HINT,
             then=LOSS)
    fail(message, hint, then)


def _pair(result, call):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"{call} should return a pair (dL/dw1, dL/db), but it returned {describe(result)}",
             hint="Return both gradients, as a pair: dL/dw1 first, then dL/db.",
             then="return grad_w1, grad_b")
    return result


def _expected_loss(reference, x1, w1, b, y):
    return reference.logistic_loss(x1, w1, b, y).detach()


@hint("The linear part, then the sigmoid, then the mean binary cross-entropy against y (see "
      "`F.binary_cross_entropy`).", then=LOSS)
def test_logistic_loss_book_example(learner, reference):
    """logistic_loss on the book's example"""
    x1, w1, b, y = _args(_cases()[0][1])
    with _explained("logistic_loss"):
        got = learner.logistic_loss(x1, w1, b, y)
    want = _expected_loss(reference, x1, w1, b, y)
    z = x1 * w1 + b
    mistakes = [(n, f(z, y), h) for n, f, h in _mistakes()]
    _match(got, want, "logistic_loss on the book's example", mistakes, then=LOSS)


@hint("The binary cross-entropy of the sigmoid of z against y, averaged over every element, "
      "whatever the length.", then=LOSS)
def test_logistic_loss_is_mean_bce_of_sigmoid(learner, reference):
    """logistic_loss is the mean BCE of the sigmoid, for inputs of any length"""
    for what, inputs in _cases()[1:]:
        x1, w1, b, y = _args(inputs)
        with _explained(f"logistic_loss on {what}"):
            got = learner.logistic_loss(x1, w1, b, y)
        z = x1 * w1 + b
        mistakes = [(n, f(z, y), h) for n, f, h in _mistakes()]
        _match(got, _expected_loss(reference, x1, w1, b, y), f"logistic_loss on {what}", mistakes,
               then=LOSS)


def _check_grads(got, x1, w1, b, y, reference, call, hint="", then=AUTOGRAD):
    want = reference.grads_via_autograd(x1, w1, b, y)
    got = _pair(got, call)
    for index, name in enumerate(("dL/dw1", "dL/db")):
        mistakes = []
        for mistake, loss_fn, mistake_hint in _mistakes():
            grads = _grads(loss_fn, x1, w1, b, y)
            mistakes.append((f"the gradient of {mistake}", grads and grads[index], mistake_hint))
        _match(got[index], want[index], f"{name} from {call}", mistakes, hint, then)


@hint("Make copies of w1 and b that require grad, compute the loss from them, and ask "
      "`torch.autograd.grad` for both gradients in one call.", then=AUTOGRAD)
def test_grads_via_autograd_book_example(learner, reference):
    """grads_via_autograd on the book's example gives (-0.0898, -0.0817)"""
    x1, w1, b, y = _args(_cases()[0][1])
    call = "grads_via_autograd on the book's example"
    with _explained(call):
        got = learner.grads_via_autograd(x1, w1, b, y)
    _check_grads(got, x1, w1, b, y, reference, call)


@hint("The gradient of this exercise's loss, for any length: compute the loss from copies of w1 "
      "and b that require grad, then ask `torch.autograd.grad` for both gradients.", then=AUTOGRAD)
def test_grads_via_autograd_other_inputs(learner, reference):
    """grads_via_autograd for inputs of other lengths and values"""
    for what, inputs in _cases()[1:]:
        x1, w1, b, y = _args(inputs)
        call = f"grads_via_autograd on {what}"
        with _explained(call):
            got = learner.grads_via_autograd(x1, w1, b, y)
        _check_grads(got, x1, w1, b, y, reference, call)


@hint("Leave the inputs alone: no `requires_grad_()` on them and no in-place changes. Work on "
      "copies (see `detach()` and `clone()`).", then=AUTOGRAD)
def test_grads_via_autograd_leaves_inputs_unchanged(learner):
    """grads_via_autograd leaves its inputs as they were"""
    for what, inputs in _cases()[:3]:
        before = {k: v.clone() for k, v in inputs.items()}
        with _explained(f"grads_via_autograd on {what}"):
            learner.grads_via_autograd(*_args(inputs))
        for name, t in inputs.items():
            if t.requires_grad:
                fail(f"grads_via_autograd on {what} left `{name}` with requires_grad=True; it "
                     "came in as a plain tensor and must come back as one")
            if t.grad is not None:
                fail(f"grads_via_autograd on {what} left a .grad on `{name}`, which came in without one")
            if not torch.equal(t, before[name]):
                fail(f"grads_via_autograd on {what} changed `{name}` from {_values(before[name])} "
                     f"to {_values(t)}")


def _leaves(inputs):
    """The inputs as grads_via_backward receives them: w1 and b are leaves that require grad."""
    x1, w1, b, y = _args(inputs)
    return x1, w1.clone().requires_grad_(True), b.clone().requires_grad_(True), y


def _copy(pair):
    return tuple(g.detach().clone() if isinstance(g, torch.Tensor) else g for g in pair)


@hint("Compute the loss, call `backward()` on it, and return the gradients it left in .grad.",
      then=BACKWARD)
def test_grads_via_backward_book_example_and_others(learner, reference):
    """grads_via_backward gives the same gradients with .backward()"""
    for what, inputs in _cases():
        x1, w1, b, y = _leaves(inputs)
        call = f"grads_via_backward on {what}"
        with _explained(call, then=BACKWARD):
            got = _copy(_pair(learner.grads_via_backward(x1, w1, b, y), call))
        _check_grads(got, *_args(inputs), reference, call, then=BACKWARD)


@hint(ACCUMULATE_HINT, then=BACKWARD)
def test_grads_via_backward_ignores_stale_grad(learner, reference):
    """grads_via_backward ignores a .grad left from an earlier call"""
    for what, inputs in _cases()[:3]:
        x1, w1, b, y = _leaves(inputs)
        want = reference.grads_via_autograd(*_args(inputs))
        call = f"grads_via_backward on {what}"
        with _explained(call, then=BACKWARD):
            first = _copy(_pair(learner.grads_via_backward(x1, w1, b, y), call))
            second = _copy(_pair(learner.grads_via_backward(x1, w1, b, y), f"a second {call}"))
        _check_grads(first, *_args(inputs), reference, call, then=BACKWARD)
        for index, name in enumerate(("dL/dw1", "dL/db")):
            got = second[index]
            if isinstance(got, torch.Tensor) and _close(got, 2 * want[index]) \
                    and not _close(got, want[index]):
                fail(f"calling {call} twice with the same w1 and b gave {name} = {_values(got)} "
                     f"the second time, twice the right {_values(want[index])}: the first "
                     "call's gradient was still in .grad", hint=ACCUMULATE_HINT, then=BACKWARD)
            _match(got, want[index], f"{name} from a second {call}", hint=ACCUMULATE_HINT, then=BACKWARD)

        x1, w1, b, y = _leaves(inputs)
        w1.grad = torch.full_like(w1, 5.0)
        b.grad = torch.full_like(b, -3.0)
        with _explained(call, then=BACKWARD):
            got = _copy(_pair(learner.grads_via_backward(x1, w1, b, y), call))
        for index, (name, stale) in enumerate((("dL/dw1", 5.0), ("dL/db", -3.0))):
            g = got[index]
            if isinstance(g, torch.Tensor) and _close(g, want[index] + stale):
                fail(f"{name} from {call}, when .grad already held {stale:g} from earlier, is "
                     f"{_values(g)}: the stale {stale:g} plus the right {_values(want[index])}",
                     hint=ACCUMULATE_HINT, then=BACKWARD)
            _match(g, want[index], f"{name} from {call} when .grad already held {stale:g}",
                   hint=ACCUMULATE_HINT, then=BACKWARD)
