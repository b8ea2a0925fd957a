"""Right, written another way: torch.matmul, torch.addmm, keepdim means, torch.cdist squared.

Must pass every check.
"""
import torch


def matmul(a, b):
    return torch.matmul(a, b)


def linear_layer(x, W, b):
    return torch.addmm(b, x, W.t())


def center_columns(x):
    return x - x.mean(0, keepdim=True)


def row_normalize(x):
    return x / x.sum(-1, keepdim=True)


def pairwise_sq_distances(a, b):
    return torch.cdist(a, b) ** 2
