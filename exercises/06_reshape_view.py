"""06 · Views, reshapes and transposes  (book: A.2.3 "Common PyTorch tensor operations")

A tensor is a block of memory (its *storage*) plus a shape and strides that say how to
read it. `view` and `transpose` make a new tensor that reads the *same* storage in
another way; nothing is copied, so writing through one shows up in the other. Write the
five functions below.

    t = torch.arange(6.)                 # tensor([0., 1., 2., 3., 4., 5.])
    to_matrix(t, 2)      -> tensor([[0., 1., 2.],
                                    [3., 4., 5.]])  sharing t's storage (a view, no copy)
    m = to_matrix(t, 2)
    transpose(m)         -> tensor([[0., 3.],
                                    [1., 4.],
                                    [2., 5.]])      rows become columns
    flatten_any(m.T)     -> tensor([0., 3., 1., 4., 2., 5.])
                            1-D in row-major order (the order you read the printed tensor),
                            also for tensors that are not contiguous, like m.T
    gram_matrix(m)       -> m times m transposed, as a matrix product: shape (2, 2) here
    shares_memory(t, t[1:])      -> True   (t[1:] reads the same storage from element 1 on)
    shares_memory(t, t.clone())  -> False  (clone copies into a storage of its own)

Save the file: the dojo checks it. Stuck? `torch-dojo hint 06`.
"""

import torch


def to_matrix(t, rows):
    """The 1-D tensor `t` as a matrix with `rows` rows, sharing t's storage (no copy)."""
    # TODO: which method reshapes without copying?
    raise NotImplementedError


def transpose(m):
    """The transpose of the 2-D tensor `m`: entry [i, j] of the result is m[j, i]."""
    # TODO
    raise NotImplementedError


def flatten_any(t):
    """`t` as a 1-D tensor in row-major order, contiguous or not."""
    # TODO: try your answer on a transposed matrix.
    raise NotImplementedError


def gram_matrix(m):
    """The matrix product of `m` (shape (r, c)) with its transpose: shape (r, r)."""
    # TODO: which operator is the matrix product, and which one multiplies element by element?
    raise NotImplementedError


def shares_memory(a, b):
    """True when `a` and `b` read the same storage, even from different offsets."""
    # TODO: compare the storages, not the tensors' own first elements.
    raise NotImplementedError
