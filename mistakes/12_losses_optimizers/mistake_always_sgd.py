"""Wrong on purpose: fit_linear_regression always trains with SGD, whatever the name.

Must fail: "fit_linear_regression trains like the four-line loop" and "fit_linear_regression raises ValueError".
Says: "not 'adam'".
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
    opt = torch.optim.SGD(model.parameters(), lr=lr)
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
