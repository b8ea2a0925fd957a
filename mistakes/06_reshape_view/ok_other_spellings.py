"""Right, written another way: reshape (a view when it can be), transpose(0, 1), flatten(),
torch.matmul with .t(), and storages compared through untyped_storage().

Must pass every check.
"""

import torch


def to_matrix(t, rows):
    return t.reshape(rows, t.numel() // rows)


def transpose(m):
    return m.transpose(0, 1)


def flatten_any(t):
    return t.flatten()


def gram_matrix(m):
    return torch.matmul(m, m.t())


def shares_memory(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
