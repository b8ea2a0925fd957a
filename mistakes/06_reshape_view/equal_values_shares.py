"""Wrong on purpose: shares_memory compares values, so two equal tensors made separately
(or a clone) count as sharing memory, and a slice never does.

Must fail: "shares_memory is False for tensors with storages of their own" and
"shares_memory is True for views of the same storage, also at an offset".
"""

import torch


def to_matrix(t, rows):
    return t.view(rows, -1)


def transpose(m):
    return m.T


def flatten_any(t):
    return t.reshape(-1)


def gram_matrix(m):
    return m @ m.T


def shares_memory(a, b):
    return a.shape == b.shape and bool(torch.equal(a, b))
