"""Wrong on purpose: row_normalize and pairwise_sq_distances are right, but loop over the rows in
Python, which the exercise rules out.

Must fail: "the functions work on whole tensors, without Python loops".
Passes: "row_normalize makes every row sum to 1" and "pairwise_sq_distances gives every squared distance".
Says: "a `for` loop in row_normalize" and "a list comprehension in pairwise_sq_distances".
"""
import torch


def matmul(a, b):
    return a @ b


def linear_layer(x, W, b):
    return x @ W.T + b


def center_columns(x):
    return x - x.mean(dim=0)


def row_normalize(x):
    out = torch.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = x[i] / x[i].sum()
    return out


def _row_distances(row, b):
    return ((b - row) ** 2).sum(dim=1)


def pairwise_sq_distances(a, b):
    return torch.stack([_row_distances(row, b) for row in a])
