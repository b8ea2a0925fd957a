"""Wrong on purpose: grads_via_autograd returns what torch.autograd.grad returns for one
input, a 1-tuple, instead of the tensor inside it (the book prints these tuples).

Must fail: "grads_via_autograd on the book's example gives (-0.0898, -0.0817)" and
"grads_via_autograd for inputs of other lengths and values", with the hint to take [0].
"""

import torch
import torch.nn.functional as F
from torch.autograd import grad


def logistic_loss(x1, w1, b, y):
    return F.binary_cross_entropy(torch.sigmoid(x1 * w1 + b), y)


def grads_via_autograd(x1, w1, b, y):
    w = w1.detach().clone().requires_grad_(True)
    c = b.detach().clone().requires_grad_(True)
    loss = logistic_loss(x1, w, c, y)
    return grad(loss, w, retain_graph=True), grad(loss, c)


def grads_via_backward(x1, w1, b, y):
    w1.grad = None
    b.grad = None
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
