"""Wrong on purpose: saved_tensors counts every tensor once, however often it is saved.

Must fail: "saved_tensors counts the tensors saved".
Passes: "checkpointed_forward saves only each block's input".
"""

import torch
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    for block in blocks:
        x = checkpoint(block, x, use_reentrant=False)
    return x


def saved_tensors(model, x):
    seen = {}

    def pack(t):
        seen[(t.data_ptr(), t.shape)] = t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(x)
    return len(seen), sum(seen.values())
