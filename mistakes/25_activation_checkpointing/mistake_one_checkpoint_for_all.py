"""Wrong on purpose: one checkpoint around the whole stack instead of one per block.

Must fail: "checkpointed_forward saves only each block's input".
Says: "one single checkpoint".
"""

import torch
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    def run_all(h):
        for block in blocks:
            h = block(h)
        return h

    return checkpoint(run_all, x, use_reentrant=False)


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
