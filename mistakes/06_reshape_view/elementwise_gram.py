"""Wrong on purpose: gram_matrix multiplies element by element (m * m.T) instead of m @ m.T;
it raises for non-square matrices and gives wrong values for square ones.

Must fail: "gram_matrix is the Gram matrix of the rows", with the hint on `*` and `@`.
"""

import torch


def to_matrix(t, rows):
    return t.view(rows, -1)


def transpose(m):
    return m.T


def flatten_any(t):
    return t.reshape(-1)


def gram_matrix(m):
    return m * m.T


def shares_memory(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
