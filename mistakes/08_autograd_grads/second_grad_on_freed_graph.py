"""Wrong on purpose: grads_via_autograd calls torch.autograd.grad twice on one graph
without retain_graph=True; the second call finds the graph freed and raises.

Must fail: the three grads_via_autograd checks, as errors whose hint names retain_graph
and asking for both gradients in one call.
"""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    return F.binary_cross_entropy(torch.sigmoid(x1 * w1 + b), y)


def grads_via_autograd(x1, w1, b, y):
    w = w1.detach().clone().requires_grad_(True)
    c = b.detach().clone().requires_grad_(True)
    loss = logistic_loss(x1, w, c, y)
    grad_w1 = torch.autograd.grad(loss, w)[0]
    grad_b = torch.autograd.grad(loss, c)[0]
    return grad_w1, grad_b


def grads_via_backward(x1, w1, b, y):
    w1.grad = None
    b.grad = None
    logistic_loss(x1, w1, b, y).backward()
    return w1.grad, b.grad
