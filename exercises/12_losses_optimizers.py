"""12 · Loss functions and optimizers  (book: A.7 "A typical training loop")

A loss says how wrong the model is, as one number to make smaller; an optimizer changes
the parameters a little against their gradients, step by step. Which loss depends on
what the model predicts:

    regression  (a real number per example)      nn.MSELoss()           mean squared error
    multiclass  (one of k classes, as k logits)   nn.CrossEntropyLoss()  takes the logits
    binary      (yes/no, as one logit)            nn.BCEWithLogitsLoss() takes the logit

The last two take *logits*: nn.BCELoss wants probabilities in [0, 1], and feeding it
sigmoid(logit) loses precision for large logits (exercise 10 showed why).

Every training step is the same four lines, whatever the optimizer:

    loss = loss_fn(model(X), y)
    optimizer.zero_grad()        # backward() *adds* to .grad
    loss.backward()
    optimizer.step()

Write:

    loss_for(task)   -> a loss for "regression", "multiclass" or "binary" (an instance,
                        like nn.MSELoss(), called as loss_fn(prediction, target));
                        ValueError for any other task
    fit_linear_regression(model, X, y, optimizer="sgd", lr=0.1, steps=100)
                     -> trains `model` (an nn.Linear(d, 1)) on X (n × d) and y (n,) for
                        `steps` full-batch steps with the MSE loss and the named optimizer,
                        "sgd" (torch.optim.SGD) or "adam" (torch.optim.Adam), at learning
                        rate `lr`; ValueError for another name. Returns the loss of every
                        step, before that step's update, as Python floats.

Careful: model(X) has shape (n, 1) and y has shape (n,). (n, 1) - (n,) broadcasts to an
(n, n) matrix, and the "loss" of every prediction against every target trains nothing
useful: make the shapes equal first (MSELoss warns about it; a hand-written loss does not).

Save the file: the dojo checks it. Stuck? `torch-dojo hint 12`.
"""

import torch
from torch import nn  # noqa: F401


def loss_for(task):
    """The loss module for "regression", "multiclass" or "binary"."""
    # TODO
    raise NotImplementedError


def fit_linear_regression(model, X, y, optimizer="sgd", lr=0.1, steps=100):
    """Train `model` with MSE and the named optimizer; return every step's loss."""
    # TODO: the optimizer from its name, then `steps` times the four lines above.
    raise NotImplementedError
