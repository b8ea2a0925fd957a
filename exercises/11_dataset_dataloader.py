"""11 · Datasets and data loaders  (book: A.6 "Setting up efficient data loaders")

A Dataset says how many examples there are (__len__) and how to get example i
(__getitem__); a DataLoader draws examples from it, stacks them into batches, shuffles
them when asked, can drop a last incomplete batch, and can load in background worker
processes (num_workers).

The dataset here is the one the book builds in chapter 2 to train a language model:
a long 1-D tensor of token ids cut into windows. The input is `length` tokens, the target
is the same window moved one token to the right (the next token for every position),
and windows start every `stride` tokens:

    tokens = tensor([10, 11, 12, 13, 14, 15, 16]),  length = 3,  stride = 2
    item 0:  (tensor([10, 11, 12]), tensor([11, 12, 13]))
    item 1:  (tensor([12, 13, 14]), tensor([13, 14, 15]))
    item 2:  (tensor([14, 15, 16]), ...)   no: its target would need token 17.  len = 2

Write:

    WindowDataset(tokens, length, stride=1)
                     -> a torch.utils.data.Dataset of those (input, target) windows: as
                        many as fit with a full target, starting at 0, stride, 2*stride, ...
    num_batches(num_examples, batch_size, drop_last)
                     -> how many batches a DataLoader gives for one pass over the data
    make_loader(dataset, batch_size, shuffle, seed=0, drop_last=False, num_workers=0)
                     -> a DataLoader with those settings. When it shuffles, the order must
                        depend on `seed` alone: two loaders made with the same seed give
                        the same batches, whatever other random numbers were drawn in
                        between (give the DataLoader its own torch.Generator).

Save the file: the dojo checks it. Stuck? `torch-dojo hint 11`.
"""

import torch
from torch.utils.data import DataLoader, Dataset  # noqa: F401


class WindowDataset(Dataset):
    def __init__(self, tokens, length, stride=1):
        # TODO: keep what __getitem__ and __len__ need.
        raise NotImplementedError

    def __len__(self):
        # TODO: how many windows have a full target?
        raise NotImplementedError

    def __getitem__(self, index):
        # TODO: (input window, target window one token to the right)
        raise NotImplementedError


def num_batches(num_examples, batch_size, drop_last):
    """Batches in one pass: does an incomplete last batch count?"""
    # TODO
    raise NotImplementedError


def make_loader(dataset, batch_size, shuffle, seed=0, drop_last=False, num_workers=0):
    """A DataLoader; with shuffle=True its order depends on `seed` only."""
    # TODO
    raise NotImplementedError
