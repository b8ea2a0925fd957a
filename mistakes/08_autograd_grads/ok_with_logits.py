"""Right, written another way: F.binary_cross_entropy_with_logits on z (it applies the
sigmoid itself), detach() for the copies, and .grad set to None.

Must pass every check.
"""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    return F.binary_cross_entropy_with_logits(x1 * w1 + b, y)


def grads_via_autograd(x1, w1, b, y):
    w = w1.detach().requires_grad_(True)
    c = b.detach().requires_grad_(True)
    return torch.autograd.grad(logistic_loss(x1, w, c, y), (w, c))


def grads_via_backward(x1, w1, b, y):
    w1.grad = None
    b.grad = None
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
