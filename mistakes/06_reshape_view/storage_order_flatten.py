"""Wrong on purpose: flatten_any reads the elements in storage order, not row-major order,
so a transposed matrix comes out in its original order.

Must fail: "flatten_any flattens row by row, also a non-contiguous tensor" (wrong values).
"""

import torch


def to_matrix(t, rows):
    return t.view(rows, -1)


def transpose(m):
    return m.T


def flatten_any(t):
    order = sorted(range(t.dim()), key=lambda d: -t.stride(d))
    return t.permute(order).reshape(-1)


def gram_matrix(m):
    return m @ m.T


def shares_memory(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
