"""Wrong on purpose: center_columns subtracts each row's mean.

Must fail: "center_columns subtracts each column's mean".
Says: "dim=0".
"""
import torch


def matmul(a, b):
    return a @ b


def linear_layer(x, W, b):
    return x @ W.T + b


def center_columns(x):
    return x - x.mean(dim=1, keepdim=True)


def row_normalize(x):
    return x / x.sum(dim=1, keepdim=True)


def pairwise_sq_distances(a, b):
    diff = a[:, None, :] - b[None, :, :]
    return (diff ** 2).sum(dim=-1)
