"""Wrong on purpose: pairwise_sq_distances returns torch.cdist, the distances themselves.

Must fail: "pairwise_sq_distances".
Says: "not their squares".
"""
import torch


def matmul(a, b):
    return a @ b


def linear_layer(x, W, b):
    return x @ W.T + b


def center_columns(x):
    return x - x.mean(dim=0)


def row_normalize(x):
    return x / x.sum(dim=1, keepdim=True)


def pairwise_sq_distances(a, b):
    return torch.cdist(a, b)
