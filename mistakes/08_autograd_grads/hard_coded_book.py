"""Wrong on purpose: the book's example worked out once and typed in, whatever the inputs.

Must fail: "logistic_loss is the mean BCE of the sigmoid, for inputs of any length",
"grads_via_autograd for inputs of other lengths and values" and both grads_via_backward
checks. Passes: the two checks on the book's example, and the inputs-unchanged check.
"""

import torch


def logistic_loss(x1, w1, b, y):
    return torch.tensor(0.085188)


def grads_via_autograd(x1, w1, b, y):
    return torch.tensor([-0.089826]), torch.tensor([-0.081660])


def grads_via_backward(x1, w1, b, y):
    return torch.tensor([-0.089826]), torch.tensor([-0.081660])
