"""Wrong on purpose: logistic_loss is the mean squared error of sigmoid(z), not the BCE.

Must fail: every loss and gradient check, naming the mean squared error.
"""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    return F.mse_loss(torch.sigmoid(x1 * w1 + b), y)


def grads_via_autograd(x1, w1, b, y):
    w = w1.detach().clone().requires_grad_(True)
    c = b.detach().clone().requires_grad_(True)
    return torch.autograd.grad(logistic_loss(x1, w, c, y), [w, c])


def grads_via_backward(x1, w1, b, y):
    w1.grad = None
    b.grad = None
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
