"""Wrong on purpose: grads_via_backward calls backward() without clearing .grad, so a
gradient left from an earlier call is added to this call's.

Must fail: "grads_via_backward ignores a .grad left from an earlier call".
Passes: "grads_via_backward gives the same gradients with .backward()" (fresh leaves).
"""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    return F.binary_cross_entropy(torch.sigmoid(x1 * w1 + b), y)


def grads_via_autograd(x1, w1, b, y):
    w = w1.detach().clone().requires_grad_(True)
    c = b.detach().clone().requires_grad_(True)
    return torch.autograd.grad(logistic_loss(x1, w, c, y), [w, c])


def grads_via_backward(x1, w1, b, y):
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
