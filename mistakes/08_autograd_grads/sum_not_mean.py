"""Wrong on purpose: logistic_loss sums the BCE terms; with one element (the book's example)
sum and mean agree, with more they do not.

Must fail: "logistic_loss is the mean BCE of the sigmoid, for inputs of any length",
"grads_via_autograd for inputs of other lengths and values" and the backward checks.
Passes: the book's example checks.
"""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    return F.binary_cross_entropy(torch.sigmoid(x1 * w1 + b), y, reduction="sum")


def grads_via_autograd(x1, w1, b, y):
    w = w1.detach().clone().requires_grad_(True)
    c = b.detach().clone().requires_grad_(True)
    return torch.autograd.grad(logistic_loss(x1, w, c, y), [w, c])


def grads_via_backward(x1, w1, b, y):
    w1.grad = None
    b.grad = None
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
