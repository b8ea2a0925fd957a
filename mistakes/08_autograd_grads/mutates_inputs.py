"""Wrong on purpose: grads_via_autograd turns on requires_grad on the caller's w1 and b
instead of working on copies; the gradients are right but the inputs come back changed.

Must fail: "grads_via_autograd leaves its inputs as they were".
"""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    return F.binary_cross_entropy(torch.sigmoid(x1 * w1 + b), y)


def grads_via_autograd(x1, w1, b, y):
    w1.requires_grad_(True)
    b.requires_grad_(True)
    return torch.autograd.grad(logistic_loss(x1, w1, b, y), [w1, b])


def grads_via_backward(x1, w1, b, y):
    w1.grad = None
    b.grad = None
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
