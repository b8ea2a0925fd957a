"""Hidden checks: 25 activation_checkpointing.

What is saved for backward is counted with saved_tensors_hooks where the learner's code
runs (in_learner_process), and the learner's gradients are compared with those of the
plain, uncheckpointed forward. On CUDA a check also measures the memory held after the
forward pass.
"""

import torch
from torch.utils.checkpoint import checkpoint

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, hint_on, in_learner_process, requires

FORWARD_CODE = ("for block in blocks: x = checkpoint(block, x, use_reentrant=False); return x "
                "(from torch.utils.checkpoint import checkpoint)")
HOOKS_CODE = ("count, nbytes = 0, 0; def pack(t): nonlocal count, nbytes; count += 1; nbytes += t.numel() * "
              "t.element_size(); return t; with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t): "
              "model(x); return count, nbytes")


def _blocks(seed, depth, width, kind="tanh", dtype=torch.float32, device="cpu"):
    torch.manual_seed(seed)

    def block():
        if kind == "tanh":
            return torch.nn.Sequential(torch.nn.Linear(width, width), torch.nn.Tanh(),
                                       torch.nn.Linear(width, width), torch.nn.Tanh())
        return torch.nn.Sequential(torch.nn.LayerNorm(width), torch.nn.Linear(width, 2 * width), torch.nn.GELU(),
                                   torch.nn.Linear(2 * width, width), torch.nn.GELU(),
                                   torch.nn.Linear(width, width), torch.nn.GELU())

    return torch.nn.ModuleList(block() for _ in range(depth)).to(dtype=dtype, device=device)


def _x(seed, width, dtype=torch.float32, device="cpu"):
    g = torch.Generator().manual_seed(seed + 1)
    return torch.randn(6, width, generator=g).to(dtype=dtype, device=device)


class _Plain(torch.nn.Module):
    def __init__(self, blocks):
        super().__init__()
        self.blocks = blocks

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class _Checkpointed(_Plain):
    def forward(self, x):
        for block in self.blocks:
            x = checkpoint(block, x, use_reentrant=False)
        return x


def _count_saved(fn):
    count = [0]

    def pack(t):
        count[0] += 1
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return out, count[0]


def _run(forward, seed, depth, width, kind, x_requires_grad=False):
    """(output, tensors saved, gradients) of forward(blocks, x), plus the sum of squares' backward."""
    blocks = _blocks(seed, depth, width, kind)
    x = _x(seed, width).requires_grad_(x_requires_grad)
    out, count = _count_saved(lambda: forward(blocks, x))
    if not isinstance(out, torch.Tensor):
        return {"returned": describe(out)}
    result = {"returned": None, "output": out.detach().clone(), "count": count, "graph": out.requires_grad}
    if out.requires_grad:
        out.pow(2).sum().backward()
        result["grads"] = {name: None if p.grad is None else p.grad.clone() for name, p in blocks.named_parameters()}
    return result


def _learner_run(learner, seed, depth, width, kind, x_requires_grad=False):
    """Runs where the learner's code runs."""
    return _run(learner.checkpointed_forward, seed, depth, width, kind, x_requires_grad)


def _plain(blocks, x):
    return _Plain(blocks)(x)


def _forward(learner, seed, depth, width, kind, x_requires_grad=False):
    with hint_on("object is not callable", "checkpoint takes the block itself and its input, and calls the "
                 "block for you: pass the function, not what it returned.", then=FORWARD_CODE):
        got = in_learner_process(learner, _learner_run, seed, depth, width, kind, x_requires_grad)
    if got["returned"] is not None:
        fail(f"checkpointed_forward returned {got['returned']}, expected the output tensor of the last block")
    return got


CASES = [(0, 4, 16, "tanh"), (1, 3, 12, "gelu")]


@hint("Each block goes through checkpoint in turn, and the output of one is the input of the next.",
      then=FORWARD_CODE)
def test_checkpointed_forward_gives_the_same_output_and_gradients(learner):
    """checkpointed_forward gives the plain forward's output and gradients"""
    for seed, depth, width, kind in CASES:
        what = f"checkpointed_forward on {depth} blocks"
        got = _forward(learner, seed, depth, width, kind)
        want = _run(_plain, seed, depth, width, kind)
        assert_tensors_match(got["output"], want["output"], f"the output of {what}", atol=1e-5)
        if not got["graph"]:
            again = in_learner_process(learner, _learner_run, seed, depth, width, kind, True)
            if again["graph"]:
                fail(f"the output of {what} has no graph when the input does not require grad: no gradient "
                     "reaches the blocks' weights (checkpoint with use_reentrant=True does this)",
                     hint="The old, reentrant checkpoint only tracks gradients through inputs that require "
                          "them: ask for the other variant, as the task says.", then=FORWARD_CODE)
            fail(f"the output of {what} does not require grad: it was computed without a graph "
                 "(torch.no_grad?), so backward() cannot reach the blocks' weights",
                 hint="Checkpointing still builds the graph from block to block; it only leaves out what is "
                      "inside each block.", then=FORWARD_CODE)
        for name, grad in want["grads"].items():
            mine = got["grads"][name]
            if mine is None:
                fail(f"after backward() through {what}, blocks.{name} has no gradient",
                     hint="Every block must be part of the graph: checkpoint each with use_reentrant=False.",
                     then=FORWARD_CODE)
            assert_tensors_match(mine, grad, f"the gradient of blocks.{name} through {what}", atol=1e-5)


@hint("Only what checkpoint keeps is saved: put every block in a checkpoint of its own.", then=FORWARD_CODE)
def test_each_block_is_checkpointed(learner, reference):
    """checkpointed_forward saves only each block's input for backward"""
    for seed, depth, width, kind in CASES:
        got = _forward(learner, seed, depth, width, kind)
        want = _run(reference.checkpointed_forward, seed, depth, width, kind)["count"]
        plain = _run(_plain, seed, depth, width, kind)["count"]
        what = f"checkpointed_forward on {depth} blocks saved {got['count']} tensors for backward"
        if got["count"] == want:
            continue
        if got["count"] >= plain:
            fail(f"{what}, as many as the plain forward ({plain}): nothing was checkpointed (checkpointed, it "
                 f"saves {want}: each block's input)",
                 hint="Call the blocks through torch.utils.checkpoint.checkpoint, not directly.", then=FORWARD_CODE)
        if got["count"] == 1 and depth > 1:
            fail(f"{what}: the {depth} blocks ran in one single checkpoint (expected {want}, one per block). "
                 "Backward then recomputes every block at once and holds all their activations again, so the "
                 "peak memory is no lower than without checkpointing",
                 hint="One checkpoint per block: backward then recomputes one block at a time.", then=FORWARD_CODE)
        if got["count"] < want:
            fail(f"{what}, expected {want}: is every block's output part of the graph?")
        fail(f"{what}, expected {want} (one input per block; the plain forward saves {plain}): some blocks ran "
             "outside a checkpoint", hint="Every block of the list goes through checkpoint.", then=FORWARD_CODE)


def _saved_report(learner, seed, depth, width, kind, dtype, checkpointed):
    """Runs where the learner's code runs: their saved_tensors on a model of the check's."""
    blocks = _blocks(seed, depth, width, kind, dtype)
    model = (_Checkpointed if checkpointed else _Plain)(blocks)
    return learner.saved_tensors(model, _x(seed, width, dtype))


@hint("Count in the pack hook, which autograd calls once for every tensor it saves, and add up each "
      "tensor's bytes there.", then=HOOKS_CODE)
def test_saved_tensors_counts_what_autograd_saves(learner, reference):
    """saved_tensors counts the tensors saved for backward and their bytes"""
    for seed, depth, width, kind, dtype, checkpointed in ((2, 3, 8, "tanh", torch.float32, False),
                                                          (3, 2, 10, "gelu", torch.float64, False),
                                                          (4, 3, 8, "tanh", torch.float32, True)):
        what = (f"saved_tensors on {depth} {'checkpointed ' if checkpointed else ''}blocks in "
                f"{str(dtype).replace('torch.', '')}")
        got = in_learner_process(learner, _saved_report, seed, depth, width, kind, dtype, checkpointed)
        want = _saved_report(reference, seed, depth, width, kind, dtype, checkpointed)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            fail(f"{what} returned {describe(got)}, expected the pair (count, nbytes)")
        count, nbytes = got
        for name, value in (("count", count), ("nbytes", nbytes)):
            if isinstance(value, bool) or not isinstance(value, int):
                fail(f"{what} returned {describe(value)} as {name}, expected a Python int",
                     hint="Count with plain Python ints: `.numel()` and `.element_size()` are ints already.")
        if count != want[0]:
            fail(f"{what} counted {count} tensors, expected {want[0]}",
                 hint="Count in the pack hook, once per call: the same tensor saved by two operations is "
                      "saved twice.", then=HOOKS_CODE)
        if nbytes != want[1]:
            if nbytes * 8 == want[1] or nbytes * 4 == want[1]:
                fail(f"{what} gave {nbytes} bytes, expected {want[1]}: that is the number of elements, not bytes",
                     hint="Bytes are elements times the size of one: see `element_size`.", then=HOOKS_CODE)
            fail(f"{what} gave {nbytes} bytes, expected {want[1]}")


def _memory_held(learner, forward_name, depth, width, batch):
    """Runs where the learner's code runs: bytes still allocated on the GPU after the forward pass."""
    blocks = _blocks(5, depth, width, "gelu", device="cuda")
    x = torch.randn(batch, width, device="cuda")
    torch.cuda.synchronize()
    before = torch.cuda.memory_allocated()
    out = learner.checkpointed_forward(blocks, x) if forward_name == "learner" else _plain(blocks, x)
    torch.cuda.synchronize()
    held = torch.cuda.memory_allocated() - before
    del out
    return held


@requires("cuda")
@hint("On the GPU checkpointing shows as memory: only each block's input stays allocated between the "
      "forward pass and backward.", then=FORWARD_CODE)
def test_checkpointing_holds_less_gpu_memory(learner):
    """on CUDA: checkpointed, the forward pass holds far less GPU memory"""
    depth, width, batch = 8, 512, 2048
    plain = _memory_held(None, "plain", depth, width, batch)
    got = in_learner_process(learner, _memory_held, "learner", depth, width, batch)
    if not got < 0.5 * plain:
        fail(f"after checkpointed_forward on {depth} blocks the GPU holds {got / 2**20:.0f} MiB for backward, "
             f"the plain forward {plain / 2**20:.0f} MiB: checkpointed, it should hold well under half")
