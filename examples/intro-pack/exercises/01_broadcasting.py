"""Broadcasting: arithmetic between tensors of different shapes, without loops.

When two shapes differ, PyTorch lines them up from the right and stretches every
dimension of size 1 to match: a (5, 3) tensor minus a (3,) tensor subtracts the same
row of 3 numbers from each of the 5 rows.

Write:

- standardize(x): x is a 2-D tensor of shape (rows, columns). Return a new tensor where
  each column is shifted to mean 0 and scaled to standard deviation 1:
  (x - the column means) / the column standard deviations, with x.mean and x.std.
  Leave x itself unchanged.

- pairwise_differences(a): a is a 1-D tensor of length n. Return the (n, n) tensor d
  with d[i, j] = a[i] - a[j].

    >>> pairwise_differences(torch.tensor([1.0, 4.0]))
    tensor([[ 0., -3.],
            [ 3.,  0.]])

No Python loops: let broadcasting do the work.
"""
import torch


def standardize(x):
    # TODO
    raise NotImplementedError


def pairwise_differences(a):
    # TODO
    raise NotImplementedError


if __name__ == "__main__":
    x = torch.tensor([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
    print(standardize(x))
    print(pairwise_differences(torch.tensor([1.0, 4.0, 9.0])))
