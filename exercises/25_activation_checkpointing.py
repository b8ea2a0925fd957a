"""25 · Activation checkpointing  (beyond the appendix: trading compute for memory)

In training, memory goes to the weights, the optimizer's state and the **activations**:
autograd saves, during the forward pass, the tensors each operation will need in the
backward pass (a Linear layer saves its input, tanh its output...). They stay until
backward() uses them, and for a deep model they are most of the memory.

`torch.utils.checkpoint.checkpoint(block, h, use_reentrant=False)` runs `block(h)` without
keeping what is inside the block: only its input is saved, and during backward the block
is run again to get the rest. The gradients are the same; the price is a second forward
pass of each block. (`use_reentrant=False` is the variant to use: the old one, True,
gives no gradients to the block's weights when its input does not require grad, which is
always the case for the first block's input.)

To see what is saved, `torch.autograd.graph.saved_tensors_hooks(pack, unpack)` calls
`pack(t)` for every tensor autograd saves while the `with` block runs (what pack returns
is stored instead, and `unpack` gets it back in backward: return t unchanged). Write:

    checkpointed_forward(blocks, x)
        -> runs x through every block of `blocks` (an nn.ModuleList) in order, each block
           in its own checkpoint, with use_reentrant=False; returns the last output
    saved_tensors(model, x)
        -> (count, nbytes): how many tensors autograd saves for backward while model(x)
           runs, and their bytes together (numel() * element_size() of each, counted each
           time it is saved), as Python ints

For a stack of 4 blocks of Linear(16, 16) and tanh, the plain forward saves 23 tensors;
checkpointed, 4.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 25`.
"""

import torch
from torch.utils.checkpoint import checkpoint  # noqa: F401


def checkpointed_forward(blocks, x):
    """x through every block, each block checkpointed."""
    # TODO
    raise NotImplementedError


def saved_tensors(model, x):
    """(count, nbytes) of the tensors saved for backward while model(x) runs."""
    # TODO: a pack hook that counts, in torch.autograd.graph.saved_tensors_hooks.
    raise NotImplementedError


if __name__ == "__main__":
    torch.manual_seed(0)
    blocks = torch.nn.ModuleList(
        torch.nn.Sequential(torch.nn.Linear(16, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh())
        for _ in range(4))
    x = torch.randn(8, 16)

    class Plain(torch.nn.Module):
        def forward(self, x):
            for block in blocks:
                x = block(x)
            return x

    class Checkpointed(torch.nn.Module):
        def forward(self, x):
            return checkpointed_forward(blocks, x)

    print("plain:       ", saved_tensors(Plain(), x))
    print("checkpointed:", saved_tensors(Checkpointed(), x))
