"""Wrong on purpose: shares_memory compares the tensors' own data_ptr(), which differs for a
view that starts at an offset (t and t[1:]) although the storage is the same.

Must fail: "shares_memory is True for views of the same storage, also at an offset".
Passes: "shares_memory is False for tensors with storages of their own".
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
    return a.data_ptr() == b.data_ptr()
