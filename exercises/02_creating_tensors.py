"""02 · Creating tensors  (book: A.2.1 "Scalars, vectors, matrices, and tensors")

A tensor generalises numbers to any number of dimensions: a scalar has 0 (shape ()), a
vector 1, a matrix 2, and a 3-D tensor 3 (t.ndim, t.shape). You make tensors from Python
lists with torch.tensor, from nothing with the factory functions (torch.arange,
torch.linspace, torch.zeros, torch.rand, ...) and from NumPy arrays. Write:

    book_tensors()          -> the four tensors of Listing A.1, as a tuple:
                               tensor(1), tensor([1, 2, 3]), tensor([[1, 2], [3, 4]]),
                               tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
                               with 0, 1, 2 and 3 dimensions
    grid(rows, cols)        -> the int64 matrix counting 0, 1, 2, ... row by row:
                               grid(2, 3) = tensor([[0, 1, 2], [3, 4, 5]])
    evenly_spaced(start, end, steps)
                            -> `steps` float32 numbers from start to end, *both included*,
                               evenly spaced: evenly_spaced(0, 1, 5) = [0., .25, .5, .75, 1.]
    seeded_rand(rows, cols, seed)
                            -> a rows × cols tensor of uniform random numbers in [0, 1),
                               the same ones every time for the same seed: the numbers
                               torch.rand gives right after torch.manual_seed(seed)
    numpy_view(array)       -> a tensor that *shares memory* with the NumPy array: a change
                               to one shows in the other
    numpy_copy(array)       -> a tensor with the array's values and dtype, in memory of its
                               own: changing the array later leaves it as it was

Save the file: the dojo checks it. Stuck? `torch-dojo hint 02`.
"""

import numpy as np  # noqa: F401  (for trying things out)
import torch


def book_tensors():
    """(tensor0d, tensor1d, tensor2d, tensor3d) of Listing A.1."""
    # TODO: torch.tensor(...) four times.
    raise NotImplementedError


def grid(rows, cols):
    """rows × cols int64 tensor holding 0, 1, 2, ... in row-major order."""
    # TODO: one factory function makes the numbers, another call gives them the shape.
    raise NotImplementedError


def evenly_spaced(start, end, steps):
    """`steps` float32 numbers from start to end, both ends included."""
    # TODO
    raise NotImplementedError


def seeded_rand(rows, cols, seed):
    """Uniform random numbers in [0, 1), the same for the same seed."""
    # TODO
    raise NotImplementedError


def numpy_view(array):
    """A tensor sharing memory with `array`."""
    # TODO
    raise NotImplementedError


def numpy_copy(array):
    """A tensor with `array`'s values and dtype, in its own memory."""
    # TODO
    raise NotImplementedError
