"""Wrong on purpose: linear_layer multiplies by W, not by its transpose.

Must fail: "linear_layer computes what nn.Linear computes".
Says: "transpose".
"""
import torch


def matmul(a, b):
    return a @ b


def linear_layer(x, W, b):
    return x @ W + b


def center_columns(x):
    return x - x.mean(dim=0)


def row_normalize(x):
    return x / x.sum(dim=1, keepdim=True)


def pairwise_sq_distances(a, b):
    diff = a[:, None, :] - b[None, :, :]
    return (diff ** 2).sum(dim=-1)
