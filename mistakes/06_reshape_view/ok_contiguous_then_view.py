"""Right, written another way: view(-1) after .contiguous(), torch.mm, torch.transpose.

Must pass every check.
"""

import torch


def to_matrix(t, rows):
    return t.view(rows, -1)


def transpose(m):
    return torch.transpose(m, 0, 1)


def flatten_any(t):
    return t.contiguous().view(-1)


def gram_matrix(m):
    return torch.mm(m, transpose(m))


def shares_memory(a, b):
    return bool(a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr())
