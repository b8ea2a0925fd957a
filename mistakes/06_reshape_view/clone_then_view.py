"""Wrong on purpose: to_matrix views a clone of t, so it shares the clone's storage, not t's.

Must fail: "to_matrix returns a view that shares t's storage".
"""

import torch


def to_matrix(t, rows):
    return t.clone().view(rows, -1)


def transpose(m):
    return m.T


def flatten_any(t):
    return t.reshape(-1)


def gram_matrix(m):
    return m @ m.T


def shares_memory(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
