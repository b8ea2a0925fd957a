"""Reference solution: 08 autograd_grads (book A.3–A.4)."""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    z = x1 * w1 + b
    a = torch.sigmoid(z)
    return F.binary_cross_entropy(a, y)


def grads_via_autograd(x1, w1, b, y):
    # Copies that require grad, so the caller's tensors stay plain.
    w1 = w1.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    loss = logistic_loss(x1, w1, b, y)
    # One call for both: the graph is freed after it.
    grad_w1, grad_b = torch.autograd.grad(loss, [w1, b])
    return grad_w1, grad_b


def grads_via_backward(x1, w1, b, y):
    # backward() adds to .grad: drop what an earlier call left there.
    w1.grad = None
    b.grad = None
    loss = logistic_loss(x1, w1, b, y)
    loss.backward()
    return w1.grad, b.grad
