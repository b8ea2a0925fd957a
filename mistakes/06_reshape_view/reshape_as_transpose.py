"""Wrong on purpose: transpose reshapes (r, c) to (c, r): the transpose's shape, not its values.

Must fail: "transpose swaps rows and columns", with the hint that reshape is not a transpose.
"""

import torch


def to_matrix(t, rows):
    return t.view(rows, -1)


def transpose(m):
    rows, cols = m.shape
    return m.reshape(cols, rows)


def flatten_any(t):
    return t.reshape(-1)


def gram_matrix(m):
    return m @ m.T


def shares_memory(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
