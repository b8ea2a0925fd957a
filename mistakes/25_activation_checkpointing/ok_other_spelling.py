"""Right, written another way: torch.utils.checkpoint called by its module path, with
preserve_rng_state spelled out; the sizes kept in a list, and nn.ModuleList walked by index.

Must pass every check.
"""

import torch
import torch.utils.checkpoint


def checkpointed_forward(blocks, x):
    out = x
    for i in range(len(blocks)):
        out = torch.utils.checkpoint.checkpoint(blocks[i], out, use_reentrant=False, preserve_rng_state=True)
    return out


def saved_tensors(model, x):
    sizes = []

    def pack(tensor):
        sizes.append(tensor.numel() * tensor.element_size())
        return tensor

    def unpack(tensor):
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        model(x)
    return len(sizes), sum(sizes)
