"""Wrong on purpose: the binary loss is nn.BCELoss, which wants probabilities, given logits.

Must fail: "loss_for picks the right loss".
Says: "BCEWithLogitsLoss".
"""
import torch
from torch import nn

LOSSES = {"regression": nn.MSELoss, "multiclass": nn.CrossEntropyLoss, "binary": nn.BCELoss}
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
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
