"""Right, written another way: windows cut once with unfold, math.ceil, and a RandomSampler
with its own generator.

Must pass every check.
"""
import math

import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler


class WindowDataset(Dataset):
    def __init__(self, tokens, length, stride=1):
        if len(tokens) <= length:
            self.windows = tokens.new_empty((0, length + 1))
        else:
            self.windows = tokens.unfold(0, length + 1, stride)

    def __len__(self):
        return self.windows.shape[0]

    def __getitem__(self, index):
        window = self.windows[index]
        return window[:-1], window[1:]


def num_batches(num_examples, batch_size, drop_last):
    return num_examples // batch_size if drop_last else math.ceil(num_examples / batch_size)


def make_loader(dataset, batch_size, shuffle, seed=0, drop_last=False, num_workers=0):
    sampler = RandomSampler(dataset, generator=torch.Generator().manual_seed(seed)) if shuffle else None
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler, drop_last=drop_last,
                      num_workers=num_workers)
