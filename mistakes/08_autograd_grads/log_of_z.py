"""Wrong on purpose: BCE written by hand on z, without the sigmoid: the log of a number
above 1 or below 0 gives NaN or the wrong loss.

Must fail: "logistic_loss on the book's example",
"logistic_loss is the mean BCE of the sigmoid, for inputs of any length"
(and the gradient checks), with the sigmoid hint.
"""

import torch


def logistic_loss(x1, w1, b, y):
    z = x1 * w1 + b
    return -(y * torch.log(z) + (1 - y) * torch.log(1 - z)).mean()


def grads_via_autograd(x1, w1, b, y):
    w = w1.detach().clone().requires_grad_(True)
    c = b.detach().clone().requires_grad_(True)
    return torch.autograd.grad(logistic_loss(x1, w, c, y), [w, c])


def grads_via_backward(x1, w1, b, y):
    w1.grad = None
    b.grad = None
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
