"""Wrong on purpose: make_loader leaves num_workers out.

Must fail: "make_loader uses the batch size".
Says: "the `num_workers` argument".
"""
import torch
from torch.utils.data import DataLoader, Dataset


class WindowDataset(Dataset):
    def __init__(self, tokens, length, stride=1):
        self.tokens = tokens
        self.length = length
        self.starts = range(0, len(tokens) - length, stride)

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, index):
        start = self.starts[index]
        return (self.tokens[start:start + self.length],
                self.tokens[start + 1:start + self.length + 1])


def num_batches(num_examples, batch_size, drop_last):
    if drop_last:
        return num_examples // batch_size
    return (num_examples + batch_size - 1) // batch_size


def make_loader(dataset, batch_size, shuffle, seed=0, drop_last=False, num_workers=0):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                      generator=generator)
