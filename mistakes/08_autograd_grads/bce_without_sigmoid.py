"""Wrong on purpose: logistic_loss gives z itself to binary_cross_entropy, without the
sigmoid; z = 2.42 in the book's example is no probability, and PyTorch raises.

Must fail: every check, the first as an error whose hint says to apply the sigmoid.
"""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    return F.binary_cross_entropy(x1 * w1 + b, y)


def grads_via_autograd(x1, w1, b, y):
    w = w1.detach().clone().requires_grad_(True)
    c = b.detach().clone().requires_grad_(True)
    return torch.autograd.grad(logistic_loss(x1, w, c, y), [w, c])


def grads_via_backward(x1, w1, b, y):
    w1.grad = None
    b.grad = None
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
