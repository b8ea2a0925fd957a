"""Wrong on purpose: fit_linear_regression never zeroes the gradients.

Must fail: "fit_linear_regression trains like the four-line loop".
Says: "zero_grad".
"""
import torch
from torch import nn

LOSSES = {"regression": nn.MSELoss, "multiclass": nn.CrossEntropyLoss, "binary": nn.BCEWithLogitsLoss}
OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}


def loss_for(task):
    if task not in LOSSES:
        raise ValueError(f"unknown task {task!r}: one of {sorted(LOSSES)}")
    return LOSSES[task]()


def fit_linear_regression(model, X, y, optimizer="sgd", lr=0.1, steps=100):
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}: one of {sorted(OPTIMIZERS)}")
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    model.train()
    for _ in range(steps):
        loss = loss_fn(model(X).squeeze(1), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
