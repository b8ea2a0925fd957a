"""Wrong on purpose: gram_matrix computes m.T @ m, of shape (c, c) instead of (r, r).

Must fail: "gram_matrix is the Gram matrix of the rows", naming m.T @ m.
"""

import torch


def to_matrix(t, rows):
    return t.view(rows, -1)


def transpose(m):
    return m.T


def flatten_any(t):
    return t.reshape(-1)


def gram_matrix(m):
    return m.T @ m


def shares_memory(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
