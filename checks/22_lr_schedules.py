"""Hidden checks: 22 lr_schedules.

The learner's optimizer and scheduler are driven where the learner's code runs
(in_learner_process) and judged on what they did: the weights after a few steps and the
learning rate of every step. Named mistakes are recognised by replaying them here.
"""

import math

import torch
import torch.nn.functional as F

from torch_dojo.testing import describe, fail, hint, hint_on, in_learner_process

GROUPS_CODE = ("decay = [p for p in model.parameters() if p.ndim >= 2]; no_decay = [p for p in "
               "model.parameters() if p.ndim < 2]; torch.optim.AdamW([{\"params\": decay, \"weight_decay\": "
               "weight_decay}, {\"params\": no_decay, \"weight_decay\": 0.0}], lr=lr)")
FACTOR_CODE = ("LambdaLR(optimizer, lambda s: (s + 1) / warmup_steps if s < warmup_steps else "
               "0.5 * (1 + math.cos(math.pi * (s - warmup_steps) / (total_steps - warmup_steps))))")
LOOP_CODE = ("for x, y in batches: lrs.append(optimizer.param_groups[0][\"lr\"]); optimizer.zero_grad(); "
             "F.mse_loss(model(x), y).backward(); optimizer.step(); scheduler.step()")


class _Net(torch.nn.Module):
    """Weight matrices, biases and a LayerNorm: every kind of parameter the task names."""

    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(6, 16)
        self.norm = torch.nn.LayerNorm(16)
        self.fc2 = torch.nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(torch.tanh(self.norm(self.fc1(x))))


def _net(seed):
    torch.manual_seed(seed)
    net = _Net()
    with torch.no_grad():  # LayerNorm starts at ones and zeros: make its decay visible
        net.norm.weight.normal_(1.0, 0.3)
        net.norm.bias.normal_(0.0, 0.3)
    return net


def _batches(seed, n=6):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(8, 6, generator=g), torch.randn(8, 3, generator=g)) for _ in range(n)]


def _steps(model, optimizer, batches):
    for x, y in batches:
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()


def _params(model):
    return {name: p.detach().clone() for name, p in model.named_parameters()}


def _optimizer_run(learner, seed, lr, weight_decay):
    """Runs where the learner's code runs: three steps of their optimizer."""
    model = _net(seed)
    optimizer = learner.make_optimizer(model, lr=lr, weight_decay=weight_decay)
    if not isinstance(optimizer, torch.optim.Optimizer):
        return {"returned": describe(optimizer)}
    _steps(model, optimizer, _batches(seed, 3))
    return {"returned": None, "params": _params(model)}


def _as_if(seed, lr, weight_decay, kind):
    """The weights three steps of a mistaken optimizer give."""
    model = _net(seed)
    params = list(model.parameters())
    matrices, vectors = [p for p in params if p.ndim >= 2], [p for p in params if p.ndim < 2]
    if kind == "adam_l2":
        optimizer = torch.optim.Adam([{"params": matrices, "weight_decay": weight_decay},
                                      {"params": vectors, "weight_decay": 0.0}], lr=lr)
    elif kind == "adam_l2_all":
        optimizer = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    elif kind == "decay_all":
        optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    else:  # "no_decay"
        optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    _steps(model, optimizer, _batches(seed, 3))
    return _params(model)


def _same(a, b, tol=1e-5):
    return a.keys() == b.keys() and all(torch.allclose(a[k], b[k], atol=tol, rtol=tol) for k in a)


OPTIMIZER_MISTAKES = {
    "adam_l2": ("the weights moved as under torch.optim.Adam with weight_decay: L2 added to the gradient, "
                "not AdamW's decoupled decay",
                "Adam's weight_decay is L2 inside the gradient, rescaled by Adam like the gradient itself; the "
                "task asks for the decay that shrinks the weights directly (see `torch.optim.AdamW`)."),
    "adam_l2_all": ("the weights moved as under torch.optim.Adam with weight_decay on every parameter: L2 in "
                    "the gradient, and biases and LayerNorm decayed too",
                    "Two things: AdamW, not Adam's weight_decay; and two parameter groups, so that only the "
                    "weight matrices decay."),
    "decay_all": ("every parameter decayed, the biases and LayerNorm's weight and bias too",
                  "Only the parameters with 2 or more dimensions decay: give the optimizer two parameter "
                  "groups, one with weight_decay=0.0."),
    "no_decay": ("no parameter decayed: weight_decay was not used",
                 "Give the group of weight matrices the function's weight_decay."),
}


@hint("AdamW, with its parameters split into two groups by how many dimensions each has.", then=GROUPS_CODE)
def test_make_optimizer_decays_the_weight_matrices_only(learner, reference):
    """make_optimizer is AdamW with weight decay on the weight matrices only"""
    for seed, lr, weight_decay in ((0, 0.05, 0.5), (1, 0.02, 0.2)):
        got = in_learner_process(learner, _optimizer_run, seed, lr, weight_decay)
        if got["returned"] is not None:
            fail(f"make_optimizer returned {got['returned']}, expected a torch.optim.AdamW",
                 hint="Return the optimizer you built.")
        want = _optimizer_run(reference, seed, lr, weight_decay)["params"]
        if _same(got["params"], want):
            continue
        for kind, (message, advice) in OPTIMIZER_MISTAKES.items():
            if _same(got["params"], _as_if(seed, lr, weight_decay, kind)):
                fail(f"make_optimizer(model, lr={lr}, weight_decay={weight_decay}), three steps: {message}",
                     hint=advice, then=GROUPS_CODE)
        wrong = [name for name in want if not torch.allclose(got["params"][name], want[name], atol=1e-5, rtol=1e-5)]
        fail(f"make_optimizer(model, lr={lr}, weight_decay={weight_decay}): after three steps these parameters "
             f"differ from AdamW's with the two groups: {', '.join(wrong)}")


def _schedule(learner, warmup_steps, total_steps, base_lrs):
    """Runs where the learner's code runs: the lr of every group at every step."""
    weights = [torch.nn.Parameter(torch.zeros(1)) for _ in base_lrs]
    optimizer = torch.optim.SGD([{"params": [w], "lr": lr} for w, lr in zip(weights, base_lrs)], lr=base_lrs[0])
    scheduler = learner.warmup_cosine(optimizer, warmup_steps, total_steps)
    if not hasattr(scheduler, "step"):
        return describe(scheduler)
    lrs = []
    for _ in range(total_steps):
        lrs.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return lrs


def _factor(s, warmup_steps, total_steps, shift=0):
    if s < warmup_steps:
        return (s + shift) / warmup_steps
    return 0.5 * (1 + math.cos(math.pi * (s - warmup_steps) / (total_steps - warmup_steps)))


def _close(a, b):
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-9) for x, y in zip(a, b))


def _rounded(values):
    return [round(v, 4) for v in values]


@hint("Print the learning rate at every step beside the formula's: the warm-up reaches the full rate "
      "on its last step, and the decay starts from it.", then=FACTOR_CODE)
def test_warmup_cosine_gives_the_rate_of_every_step(learner, reference):
    """warmup_cosine gives every step the warm-up and cosine learning rate"""
    for warmup_steps, total_steps in ((3, 10), (2, 7), (5, 12)):
        with hint_on("division by zero", "A schedule divides by the number of warm-up or decay steps: "
                     "mind which one can be zero."):
            got = in_learner_process(learner, _schedule, warmup_steps, total_steps, [0.1])
        if isinstance(got, str):
            fail(f"warmup_cosine returned {got}, expected a learning-rate scheduler",
                 hint="Return a scheduler from torch.optim.lr_scheduler, built on the optimizer you were given.")
        got = [lrs[0] for lrs in got]
        want = [lrs[0] for lrs in _schedule(reference, warmup_steps, total_steps, [0.1])]
        if _close(got, want):
            continue
        what = f"warmup_cosine(optimizer, {warmup_steps}, {total_steps}) at base lr 0.1"
        shifted = [0.1 * _factor(s, warmup_steps, total_steps, shift=0) for s in range(total_steps)]
        if _close(got[:warmup_steps], shifted[:warmup_steps]):
            fail(f"{what}: the warm-up is one step late: {_rounded(got)}, expected {_rounded(want)} (step 0 "
                 "ran at lr 0, and the warm-up never reaches the full rate)",
                 hint="Step s of the warm-up runs at (s + 1) / warmup_steps of the rate: the first step is "
                      "already a small one, and the last warm-up step is the full rate.", then=FACTOR_CODE)
        if _close(got[:warmup_steps], want[:warmup_steps]):
            fail(f"{what}: the warm-up is right but the decay is not: {_rounded(got)}, expected {_rounded(want)}",
                 hint="The cosine runs over the steps after the warm-up, total_steps - warmup_steps of them, "
                      "from the full rate down towards 0.", then=FACTOR_CODE)
        fail(f"{what}: the learning rates are {_rounded(got)}, expected {_rounded(want)}")


@hint("A scheduler multiplies every group's own starting rate by the factor: give it a factor, not a "
      "rate of your own.", then=FACTOR_CODE)
def test_warmup_cosine_scales_every_group_from_its_own_rate(learner, reference):
    """warmup_cosine scales every parameter group from its own starting rate"""
    got = in_learner_process(learner, _schedule, 2, 6, [0.1, 0.02])
    want = _schedule(reference, 2, 6, [0.1, 0.02])
    if isinstance(got, str):
        fail(f"warmup_cosine returned {got}, expected a learning-rate scheduler")
    for group in (0, 1):
        mine, theirs = [lrs[group] for lrs in got], [lrs[group] for lrs in want]
        if not _close(mine, theirs):
            fail(f"with two parameter groups at lr 0.1 and 0.02, group {group} ran at {_rounded(mine)}, "
                 f"expected {_rounded(theirs)}")


def _train_run(learner, seed, lr, weight_decay, warmup_steps, n):
    """Runs where the learner's code runs: their train, and the weights after it."""
    model = _net(seed)
    lrs = learner.train(model, _batches(seed, n), lr=lr, weight_decay=weight_decay, warmup_steps=warmup_steps)
    return lrs, _params(model)


def _scheduler_first(reference, seed, lr, weight_decay, warmup_steps, n):
    """The weights when scheduler.step() comes before optimizer.step()."""
    import warnings
    model = _net(seed)
    batches = _batches(seed, n)
    optimizer = reference.make_optimizer(model, lr=lr, weight_decay=weight_decay)
    scheduler = reference.warmup_cosine(optimizer, warmup_steps, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about exactly this order
        for x, y in batches:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            scheduler.step()
            optimizer.step()
    return _params(model)


@hint("In every step the optimizer steps first, at the current rate; then the scheduler sets the rate "
      "of the next step.", then=LOOP_CODE)
def test_train_steps_the_optimizer_then_the_scheduler(learner, reference, record):
    """train steps the optimizer, then the scheduler, and returns every step's rate"""
    for seed, lr, weight_decay, warmup_steps, n in ((3, 0.05, 0.1, 2, 6), (4, 0.02, 0.3, 3, 8)):
        what = f"train(model, {n} batches, lr={lr}, weight_decay={weight_decay}, warmup_steps={warmup_steps})"
        lrs, params = in_learner_process(learner, _train_run, seed, lr, weight_decay, warmup_steps, n)
        want_lrs, want_params = _train_run(reference, seed, lr, weight_decay, warmup_steps, n)
        if not isinstance(lrs, (list, tuple)) or len(lrs) != n:
            fail(f"{what} returned {describe(lrs)}, expected a list of {n} learning rates, one per step",
                 hint="Append the learning rate once per batch, and return the list.")
        if any(isinstance(v, bool) or not isinstance(v, float) for v in lrs):
            fail(f"{what} returned {[describe(v) for v in lrs[:3]]}..., expected Python floats",
                 hint="Return plain Python numbers: the optimizer's parameter groups hold their rates as floats already.")
        if not _same(params, want_params):
            if _same(params, _scheduler_first(reference, seed, lr, weight_decay, warmup_steps, n)):
                fail(f"{what}: every step ran at the next step's rate: scheduler.step() came before "
                     "optimizer.step()",
                     hint="The scheduler steps after the optimizer: the first step runs at the warm-up's first "
                          "rate, and the scheduler then sets the rate of the next step.", then=LOOP_CODE)
            fail(f"{what}: the weights after training differ from the reference's (the learning rates were "
                 f"{_rounded(lrs)}, expected {_rounded(want_lrs)})")
        if not _close(list(lrs), want_lrs):
            if _close(list(lrs[:-1]), want_lrs[1:]):
                fail(f"{what}: the weights are right, but each rate returned is the next step's: "
                     f"{_rounded(lrs)}, expected {_rounded(want_lrs)}",
                     hint="Read the learning rate before the optimizer steps: after scheduler.step() it is "
                          "already the next step's.", then=LOOP_CODE)
            fail(f"{what}: the weights are right but the learning rates returned are {_rounded(lrs)}, "
                 f"expected {_rounded(want_lrs)}")
        if seed == 4:
            record("learning_rates", list(lrs))
