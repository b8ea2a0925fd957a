"""Wrong on purpose: the block is called and its output handed to checkpoint, instead of the
block itself.

Must fail: "checkpointed_forward gives the plain forward's output and gradients".
Says: "not what it returned".
"""

import torch
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    for block in blocks:
        x = checkpoint(block(x), use_reentrant=False)
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
