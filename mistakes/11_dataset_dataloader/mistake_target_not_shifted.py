"""Wrong on purpose: the target window is the input window itself, not one token ahead.

Must fail: "WindowDataset gives (input, target) windows".
Passes: "with num_workers=2 the loader gives the same batches" (it compares the loader
with itself at num_workers=0, and does not blame the workers for the windows).
Says: "same tokens".
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
                self.tokens[start:start + self.length])


def num_batches(num_examples, batch_size, drop_last):
    if drop_last:
        return num_examples // batch_size
    return (num_examples + batch_size - 1) // batch_size


def make_loader(dataset, batch_size, shuffle, seed=0, drop_last=False, num_workers=0):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                      num_workers=num_workers, generator=generator)
