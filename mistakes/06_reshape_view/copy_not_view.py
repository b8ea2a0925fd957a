"""Wrong on purpose: to_matrix builds a new tensor from t's values, a copy, not a view.

Must fail: "to_matrix returns a view that shares t's storage" (the values are right).
"""

import torch


def to_matrix(t, rows):
    return torch.tensor(t.tolist()).view(rows, -1)


def transpose(m):
    return m.T


def flatten_any(t):
    return t.reshape(-1)


def gram_matrix(m):
    return m @ m.T


def shares_memory(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
