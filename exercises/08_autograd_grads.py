"""08 · Gradients with autograd  (book: A.3 "Seeing models as computation graphs",
A.4 "Automatic differentiation made easy")

A logistic-regression classifier computes z = x1 * w1 + b, squashes it to a probability
a = sigmoid(z), and scores it against the label y with binary cross-entropy (BCE). PyTorch
records these steps as a computation graph and can walk it backwards to find the
gradients of the loss with respect to w1 and b. Write the three functions below; the
tensors x1, w1, b and y have one shape, of any length, and the loss is the *mean* over
the elements.

    x1 = torch.tensor([1.1]); w1 = torch.tensor([2.2])
    b  = torch.tensor([0.0]); y  = torch.tensor([1.0])

    logistic_loss(x1, w1, b, y)       -> tensor(0.0852)      mean BCE of sigmoid(z) against y
    grads_via_autograd(x1, w1, b, y)  -> (tensor([-0.0898]), tensor([-0.0817]))
                                         (dL/dw1, dL/db) with torch.autograd.grad. Here the
                                         four inputs are plain tensors (no requires_grad):
                                         do not change them, work on copies that require grad.
    grads_via_backward(x1, w1, b, y)  -> the same pair with loss.backward(). Here w1 and b
                                         were made with requires_grad=True and may still
                                         hold a .grad from an earlier call: the pair you
                                         return must be this call's gradients only.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 08`.
"""

import torch
import torch.nn.functional as F


def logistic_loss(x1, w1, b, y):
    """Mean binary cross-entropy of sigmoid(x1 * w1 + b) against y, as a tensor."""
    # TODO: z, then a = sigmoid(z), then the loss (F has a function for it).
    raise NotImplementedError


def grads_via_autograd(x1, w1, b, y):
    """(dL/dw1, dL/db) computed with torch.autograd.grad; the inputs stay as they were."""
    # TODO: copies of w1 and b that require grad, the loss from those, then grad(...).
    raise NotImplementedError


def grads_via_backward(x1, w1, b, y):
    """(dL/dw1, dL/db) computed with loss.backward(); w1 and b already require grad."""
    # TODO: backward() stores the gradients in w1.grad and b.grad. What was there before?
    raise NotImplementedError
