"""Right, written another way: the global seed, torch.as_tensor for the view, a clone for the
copy, view instead of reshape.

Must pass every check.
"""
import torch


def book_tensors():
    return (torch.tensor(1), torch.tensor([1, 2, 3]), torch.tensor([[1, 2], [3, 4]]),
            torch.arange(1, 9).view(2, 2, 2))


def grid(rows, cols):
    return torch.arange(0, rows * cols, dtype=torch.int64).view(rows, cols)


def evenly_spaced(start, end, steps):
    return torch.linspace(float(start), float(end), steps)


def seeded_rand(rows, cols, seed):
    torch.manual_seed(seed)
    return torch.rand((rows, cols))


def numpy_view(array):
    return torch.as_tensor(array)


def numpy_copy(array):
    return torch.from_numpy(array).clone()
