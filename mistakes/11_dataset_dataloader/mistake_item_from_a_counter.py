"""Wrong on purpose: __getitem__ ignores its index and hands out the next window from a
counter it keeps. Read in order in one process that looks right (every other check passes),
but each worker process has its own copy of the counter, so with num_workers=2 the second
worker starts again at window 0.

Must fail: "with num_workers=2 the loader gives the same batches".
Passes: "WindowDataset gives (input, target) windows" and "the length of WindowDataset counts the windows".
Says: "its own copy of your dataset".
"""
import torch
from torch.utils.data import DataLoader, Dataset


class WindowDataset(Dataset):
    def __init__(self, tokens, length, stride=1):
        self.tokens = tokens
        self.length = length
        self.stride = stride
        self.served = 0  # how many items were handed out so far

    def __len__(self):
        return len(range(0, len(self.tokens) - self.length, self.stride))

    def __getitem__(self, index):
        start = (self.served % len(self)) * self.stride  # the next window, whatever was asked for
        self.served += 1
        return (self.tokens[start:start + self.length],
                self.tokens[start + 1:start + self.length + 1])


def num_batches(num_examples, batch_size, drop_last):
    if drop_last:
        return num_examples // batch_size
    return (num_examples + batch_size - 1) // batch_size


def make_loader(dataset, batch_size, shuffle, seed=0, drop_last=False, num_workers=0):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                      num_workers=num_workers, generator=generator)
