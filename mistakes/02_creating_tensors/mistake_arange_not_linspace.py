"""Wrong on purpose: evenly_spaced uses torch.arange, which stops before the end.

Must fail: "evenly_spaced includes both ends".
Says: "is missing".
"""
import torch


def book_tensors():
    tensor0d = torch.tensor(1)
    tensor1d = torch.tensor([1, 2, 3])
    tensor2d = torch.tensor([[1, 2], [3, 4]])
    tensor3d = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    return tensor0d, tensor1d, tensor2d, tensor3d


def grid(rows, cols):
    return torch.arange(rows * cols).reshape(rows, cols)


def evenly_spaced(start, end, steps):
    return torch.arange(start, end, (end - start) / (steps - 1), dtype=torch.float32)


def seeded_rand(rows, cols, seed):
    generator = torch.Generator().manual_seed(seed)  # leaves the global random state alone
    return torch.rand(rows, cols, generator=generator)


def numpy_view(array):
    return torch.from_numpy(array)


def numpy_copy(array):
    return torch.tensor(array)
