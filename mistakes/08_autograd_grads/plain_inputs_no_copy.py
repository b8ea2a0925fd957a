"""Wrong on purpose: grads_via_autograd asks for gradients of the plain inputs, which do not
require grad, so PyTorch raises.

Must fail: the three grads_via_autograd checks, as errors whose hint says to make copies
that require grad.
"""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    return F.binary_cross_entropy(torch.sigmoid(x1 * w1 + b), y)


def grads_via_autograd(x1, w1, b, y):
    return torch.autograd.grad(logistic_loss(x1, w1, b, y), [w1, b])


def grads_via_backward(x1, w1, b, y):
    w1.grad = None
    b.grad = None
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
