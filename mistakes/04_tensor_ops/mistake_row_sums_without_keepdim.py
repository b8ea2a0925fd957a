"""Wrong on purpose: row_normalize divides by x.sum(dim=1) without keepdim, which lines up
with the columns.

Must fail: "row_normalize makes every row sum to 1".
Says: "keepdim".
"""
import torch


def matmul(a, b):
    return a @ b


def linear_layer(x, W, b):
    return x @ W.T + b


def center_columns(x):
    return x - x.mean(dim=0)


def row_normalize(x):
    return x / x.sum(dim=1)


def pairwise_sq_distances(a, b):
    diff = a[:, None, :] - b[None, :, :]
    return (diff ** 2).sum(dim=-1)
