"""Wrong on purpose: the blocks are called directly, so nothing is checkpointed.

Must fail: "checkpointed_forward saves only each block's input".
Passes: "checkpointed_forward gives the plain forward's output and gradients".
Says: "nothing was checkpointed".
"""

import torch
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    for block in blocks:
        x = block(x)
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
