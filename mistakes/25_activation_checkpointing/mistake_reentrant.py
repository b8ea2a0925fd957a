"""Wrong on purpose: use_reentrant=True, so the first block's input, which does not require
grad, leaves the blocks' weights without gradients.

Must fail: "checkpointed_forward gives the plain forward's output and gradients".
Says: "use_reentrant=True".
"""

import torch
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    for block in blocks:
        x = checkpoint(block, x, use_reentrant=True)
    return x


def saved_tensors(model, x):
    count, nbytes = 0, 0

    def pack(t):
        nonlocal count, nbytes
        count += 1
        nbytes += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(x)
    return count, nbytes
