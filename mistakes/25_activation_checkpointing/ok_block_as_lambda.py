"""Right, written another way: each block wrapped in a small function before it goes to
checkpoint, the blocks' outputs kept in a list, and a pack hook that keeps a running total
in a dict.

Must pass every check.
"""

import torch
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    outputs = [x]
    for block in blocks:
        outputs.append(checkpoint(lambda h, b=block: b(h), outputs[-1], use_reentrant=False))
    return outputs[-1]


def saved_tensors(model, x):
    totals = {"count": 0, "bytes": 0}

    def pack(t):
        totals["count"] += 1
        totals["bytes"] += t.element_size() * t.numel()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(x)
    return totals["count"], totals["bytes"]
