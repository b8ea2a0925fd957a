"""Hidden checks: 19 mixed_precision.

bfloat16 autocast and a GradScaler both work on the CPU, so most checks run anywhere;
float16 on CUDA runs where a GPU is.
"""

import copy
import math

import pytest
import torch
import torch.nn.functional as F

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, hint_on, in_learner_process, requires

CAST_MODEL_HINT = ("Leave the model in float32 and let `torch.autocast` pick the precision per operation: "
                   "casting the model makes the weights themselves 16-bit.")
CAST_MODEL_CODE = ("No model.to(torch.bfloat16) or model.half(): with torch.autocast(device_type=device_type, "
                   "dtype=dtype): logits = model(x) on the float32 model.")
FORWARD_CODE = "with torch.autocast(device_type=device_type, dtype=dtype):\n    return model(x)"
STEP_CODE = ("optimizer.zero_grad(); with torch.autocast(device_type=device_type, dtype=dtype): loss = "
             "F.cross_entropy(model(x), y); loss.backward(); optimizer.step(); return loss.item().")
SCALER_CODE = "scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update()"
DTYPE_CLASH = r"must have the same dtype|expected scalar type|Found dtype"


def _net(seed, d_in=8, d_out=4):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(d_in, 16), torch.nn.ReLU(), torch.nn.Linear(16, d_out))


def _batch(seed, n=6, d_in=8, d_out=4):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d_in, generator=g), torch.randint(0, d_out, (n,), generator=g)


def _cpu_scaler():
    try:
        return torch.amp.GradScaler("cpu")
    except (AttributeError, TypeError, RuntimeError) as exc:  # torch before 2.3 has none for the CPU
        pytest.skip(f"needs a GradScaler for the CPU, which torch {torch.__version__} lacks ({exc})")


def _param_dtypes(model):
    return {p.dtype for p in model.parameters()}


def _autocast_on(device_type):
    try:
        return torch.is_autocast_enabled(device_type)
    except TypeError:  # torch before 2.4 asks per device type
        return torch.is_autocast_cpu_enabled() if device_type == "cpu" else torch.is_autocast_enabled()


def _forward_and_autocast(learner, model, x, *args, **kwargs):
    """Runs where the learner's code runs: autocast_forward, and whether autocast is on after it."""
    got = learner.autocast_forward(model, x, *args, **kwargs)
    return got, _autocast_on("cpu")


def _forward(learner, model, x, *args, **kwargs):
    """(what autocast_forward returned, whether autocast was still on on the CPU after it)."""
    with hint_on(DTYPE_CLASH, "Do not cast x or the model yourself: inside torch.autocast PyTorch casts "
                 "each operation's inputs as that operation needs.", then=FORWARD_CODE):
        return in_learner_process(learner, _forward_and_autocast, model, x, *args, **kwargs)


@hint("Run the forward pass inside an autocast block (see `torch.autocast`), with the device type "
      "and dtype you were given.", then=FORWARD_CODE)
def test_autocast_forward_on_the_cpu(learner, reference):
    """autocast_forward runs the model in bfloat16 under autocast, weights kept in float32"""
    for seed in (0, 1):
        model = _net(seed)
        x, _ = _batch(seed)
        before = copy.deepcopy(model)
        got, still_on = _forward(learner, model, x)
        want = reference.autocast_forward(before, x)
        if _param_dtypes(model) != {torch.float32}:
            fail(f"after autocast_forward the model's parameters are {sorted(map(str, _param_dtypes(model)))}, "
                 "no longer float32", hint=CAST_MODEL_HINT, then=CAST_MODEL_CODE)
        if x.dtype != torch.float32:
            fail("autocast_forward changed x's dtype in place")
        if still_on:
            fail("autocast is still on after autocast_forward returned",
                 hint="Use torch.autocast as a `with` block: it switches autocast off when the block ends.",
                 then=FORWARD_CODE)
        if isinstance(got, torch.Tensor) and got.dtype == torch.float32:
            fail("autocast_forward returned float32 logits: the model did not run under autocast (under "
                 "bfloat16 autocast a Linear layer's output is bfloat16)",
                 hint="Put the forward pass inside a `torch.autocast` block.", then=FORWARD_CODE)
        assert_tensors_match(got, want, "autocast_forward(model, x)", atol=2e-2, rtol=2e-2)


@hint("Pass the device type and dtype you were given on to `torch.autocast` instead of typing "
      "\"cpu\" or torch.bfloat16 in.", then=FORWARD_CODE)
def test_autocast_forward_uses_the_dtype_it_is_given(learner, reference):
    """autocast_forward uses the dtype it is given"""
    model = _net(2)
    x, _ = _batch(2)
    got = _forward(learner, model, x, device_type="cpu", dtype=torch.float16)[0]
    want = reference.autocast_forward(model, x, device_type="cpu", dtype=torch.float16)
    if isinstance(got, torch.Tensor) and got.dtype != want.dtype:
        fail(f"autocast_forward(model, x, 'cpu', torch.float16) returned {got.dtype} logits, expected {want.dtype}")
    assert_tensors_match(got, want, "autocast_forward(model, x, 'cpu', torch.float16)", atol=1e-2, rtol=1e-2)


def _step(learner, model, optimizer, x, y, **kwargs):
    try:
        with hint_on(DTYPE_CLASH, CAST_MODEL_HINT, then=CAST_MODEL_CODE), \
             hint_on(r"step\(\) has already been called since the last update",
                     "Call scaler.update() after the scaler's step, in every step: it readies the "
                     "scaler for the next one and adjusts its factor.",
                     "The second step found the scaler still waiting for update():", then=SCALER_CODE):
            loss = learner.train_step_amp(model, optimizer, x, y, **kwargs)
    except AssertionError as exc:  # GradScaler's own complaint
        if "No inf checks were recorded" not in str(exc):
            raise
        fail(f"scaler.update() stopped with \"{exc}\": the step did not go through the scaler (the optimizer "
             "stepped by itself, not through scaler.step(optimizer))",
             hint="Step through the scaler, not the optimizer: the scaler unscales the gradients, checks "
                  "them for inf/NaN and only then lets the optimizer step.", then=SCALER_CODE)
    if isinstance(loss, torch.Tensor) or isinstance(loss, bool) or not isinstance(loss, float):
        fail(f"train_step_amp returned {describe(loss)}, expected the loss as a Python float",
             hint="Return a plain Python number: see `.item()`.", then="return loss.item()")
    return loss


def _params(model):
    return [p.detach().clone() for p in model.parameters()]


def _same(a, b, tol=1e-4):
    return all(torch.allclose(p, q, atol=tol, rtol=tol) for p, q in zip(a, b))


@hint("The training step of exercise 13, with the forward pass and the loss inside an autocast "
      "block and the backward pass after it.", then=STEP_CODE)
def test_train_step_without_a_scaler(learner, reference):
    """train_step_amp trains one step in bfloat16, gradients and weights in float32"""
    for seed in (3, 4):
        model = _net(seed)
        theirs = copy.deepcopy(model)
        stale_start = copy.deepcopy(model)
        x, y = _batch(seed)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        for p in model.parameters():  # what an earlier step left behind
            p.grad = torch.ones_like(p)
        loss = _step(learner, model, optimizer, x, y)
        ref_optimizer = torch.optim.SGD(theirs.parameters(), lr=0.5)
        want = reference.train_step_amp(theirs, ref_optimizer, x, y)
        if _param_dtypes(model) != {torch.float32}:
            fail(f"after train_step_amp the parameters are {sorted(map(str, _param_dtypes(model)))}",
                 hint=CAST_MODEL_HINT, then=CAST_MODEL_CODE)
        if not math.isclose(loss, want, rel_tol=2e-2, abs_tol=1e-3):
            fail(f"train_step_amp returned the loss {loss:.4f}, expected {want:.4f} (F.cross_entropy of "
                 "the logits computed under autocast)")
        if _same(_params(model), _params(theirs)):
            continue
        if _same(_params(model), _stale_step(stale_start, x, y)):
            fail("after train_step_amp the weights moved further than one step on this batch: the "
                 "gradients an earlier step left in .grad were added in",
                 hint="backward() adds to `.grad`: clear the old gradients first (see `zero_grad`).", then=STEP_CODE)
        fail("after train_step_amp the weights differ from one SGD step on this batch")


def _stale_step(model, x, y):
    """One step that forgets zero_grad, from gradients of ones: what the mistake gives."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return _params(model)


@hint("With a scaler, three things go through it: the backward pass of the scaled loss, the step, "
      "and an update after the step. Its step unscales the gradients first and skips the step when "
      "they hold inf or NaN.", then=SCALER_CODE)
def test_train_step_through_a_grad_scaler(learner, reference):
    """with a GradScaler, train_step_amp scales, steps through the scaler and updates it"""
    model = _net(5)
    theirs = copy.deepcopy(model)
    x, y = _batch(5)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = _cpu_scaler()
    _step(learner, model, optimizer, x, y, scaler=scaler)
    reference.train_step_amp(theirs, torch.optim.SGD(theirs.parameters(), lr=0.1), x, y,
                             scaler=_cpu_scaler())
    if not _same(_params(model), _params(theirs), tol=1e-3):
        moved = max((p - q).abs().max().item() for p, q in zip(_params(model), _params(theirs)))
        fail(f"with a GradScaler the step moved the weights by up to {moved:.3g} more than it should: "
             "the optimizer stepped with gradients still multiplied by the scale (65536)",
             hint="Step through the scaler: it divides the gradients by the scale before the optimizer "
                  "uses them.", then=SCALER_CODE)

    bad_x = x.clone()
    bad_x[0, 0] = float("inf")  # this batch's gradients hold NaN: the step must be skipped
    before = _params(model)
    scale = scaler.get_scale()
    _step(learner, model, optimizer, bad_x, y, scaler=scaler)
    after = _params(model)
    if any(bool(torch.isnan(p).any() or torch.isinf(p).any()) for p in after):
        fail("a step whose gradients held NaN wrote NaN into the weights: the scaler was not asked",
             hint="The scaler's step checks the gradients and skips the step when they hold inf or NaN; "
                  "the optimizer's own step does not.", then=SCALER_CODE)
    if not _same(after, before, tol=0):
        fail("a step whose gradients held NaN still changed the weights")
    if scaler.get_scale() != scale / 2:
        fail(f"after a step with NaN gradients the scaler's factor is {scaler.get_scale()}, expected "
             f"{scale / 2}: scaler.update() was not called",
             hint="Call scaler.update() after the scaler's step, every step.", then=SCALER_CODE)


@requires("cuda")
@hint("float16 needs the GradScaler: the scaled loss's backward, the scaler's step, its update.",
      then=SCALER_CODE)
def test_float16_on_cuda(learner, reference):
    """on CUDA: float16 autocast with a GradScaler, and bfloat16"""
    model = _net(6).cuda()
    x, y = (t.cuda() for t in _batch(6))
    got = _forward(learner, model, x, device_type="cuda", dtype=torch.float16)[0]
    if not isinstance(got, torch.Tensor) or got.dtype != torch.float16:
        fail(f"autocast_forward(model, x, 'cuda', torch.float16) returned {describe(got)}, expected float16 logits")
    theirs = copy.deepcopy(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    _step(learner, model, optimizer, x, y, scaler=torch.amp.GradScaler("cuda"), device_type="cuda",
          dtype=torch.float16)
    reference.train_step_amp(theirs, torch.optim.SGD(theirs.parameters(), lr=0.1), x, y,
                             scaler=torch.amp.GradScaler("cuda"), device_type="cuda", dtype=torch.float16)
    if not _same(_params(model), _params(theirs), tol=1e-3):
        fail("a float16 step on CUDA through a GradScaler ends with other weights than the reference step")
    if torch.cuda.is_bf16_supported():
        got = _forward(learner, model, x, device_type="cuda", dtype=torch.bfloat16)[0]
        if not isinstance(got, torch.Tensor) or got.dtype != torch.bfloat16:
            fail(f"autocast_forward(model, x, 'cuda', torch.bfloat16) returned {describe(got)}")


@hint("bfloat16 keeps float32's range, so a few steps train as in float32, only less exactly.")
def test_a_few_bfloat16_steps_train(learner):
    """a few bfloat16 steps lower the loss"""
    model = _net(7)
    x, y = _batch(7, n=32)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = [_step(learner, model, optimizer, x, y, dtype=torch.bfloat16) for _ in range(15)]
    if not losses[-1] < losses[0] * 0.8:
        fail(f"15 bfloat16 steps on one batch did not lower the loss: {[round(v, 3) for v in losses[::3]]}")
    ref = F.cross_entropy(model(x), y).item()
    if not math.isfinite(ref):
        fail("after 15 steps the model's loss is not finite")
