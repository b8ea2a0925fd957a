"""Reference solution: 06 reshape_view (book A.2.3)."""

import torch


def to_matrix(t, rows):
    return t.view(rows, -1)


def transpose(m):
    return m.T


def flatten_any(t):
    # reshape copies only when it must (a non-contiguous t); view(-1) would raise there.
    return t.reshape(-1)


def gram_matrix(m):
    return m @ m.T


def shares_memory(a, b):
    # t[1:].data_ptr() points one element further than t.data_ptr(); the storage is the same.
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
