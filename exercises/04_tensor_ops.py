"""04 · Everyday tensor operations  (book: A.2.3 "Common PyTorch tensor operations")

Most of deep learning is a few operations on whole tensors at once, no Python loops:

    a @ b         the matrix product: (n × k) @ (k × m) is (n × m)
    a * b         the *elementwise* product: a different thing, even when shapes allow both
    m.T           the transpose of a matrix
    x - v         broadcasting: a vector v of shape (d,) is subtracted from every row of
                  x (n × d). Shapes are matched from the right; a size-1 dimension
                  stretches. x.sum(dim=1) has shape (n,), x.sum(dim=1, keepdim=True)
                  has shape (n, 1), and the two broadcast very differently.

Write:

    matmul(a, b)                 -> the matrix product of a (n × k) and b (k × m)
    linear_layer(x, W, b)        -> what torch.nn.Linear computes: x is (n × in), the weight
                                    W is (out × in) as PyTorch stores it, the bias b is (out,);
                                    the result is (n × out)
    center_columns(x)            -> x with each column's mean subtracted, so every column of
                                    the result has mean 0 (x is n × d)
    row_normalize(x)             -> x (n × d, positive entries) divided by its row sums, so
                                    every row of the result sums to 1
    pairwise_sq_distances(a, b)  -> the (n × m) matrix of squared Euclidean distances
                                    between every row of a (n × d) and every row of b (m × d):
                                    entry [i, j] is ((a[i] - b[j]) ** 2).sum()

No Python loops over rows: let @ and broadcasting do the work.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 04`.
"""

import torch


def matmul(a, b):
    """The matrix product of a and b."""
    # TODO
    raise NotImplementedError


def linear_layer(x, W, b):
    """x @ (the weight, turned the right way) + the bias."""
    # TODO: W is (out × in); x is (n × in).
    raise NotImplementedError


def center_columns(x):
    """x minus the mean of each column."""
    # TODO: which dim does the mean run over, so that one mean per column comes out?
    raise NotImplementedError


def row_normalize(x):
    """x divided by the sum of its row, for every row."""
    # TODO: mind the shape of the row sums before you divide.
    raise NotImplementedError


def pairwise_sq_distances(a, b):
    """[i, j] = squared distance between a[i] and b[j]."""
    # TODO: give a and b a new size-1 dimension each so that a - b broadcasts to (n, m, d).
    raise NotImplementedError
