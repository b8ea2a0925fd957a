"""Wrong on purpose: flatten_any calls view(-1), which raises on a transposed matrix.

Must fail: "flatten_any flattens row by row, also a non-contiguous tensor", as an error
whose hint says view() needs contiguous memory.
"""

import torch


def to_matrix(t, rows):
    return t.view(rows, -1)


def transpose(m):
    return m.T


def flatten_any(t):
    return t.view(-1)


def gram_matrix(m):
    return m @ m.T


def shares_memory(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
