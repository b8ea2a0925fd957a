"""Right, written another way: losses as functions from torch.nn.functional, and the
optimizer chosen with if/elif.

Must pass every check.
"""
import torch
import torch.nn.functional as F


def loss_for(task):
    if task == "regression":
        return F.mse_loss
    if task == "multiclass":
        return F.cross_entropy
    if task == "binary":
        return F.binary_cross_entropy_with_logits
    raise ValueError(task)


def fit_linear_regression(model, X, y, optimizer="sgd", lr=0.1, steps=100):
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr)
    elif optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr)
    else:
        raise ValueError(f"no optimizer called {optimizer}")
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(model(X).view(-1), y)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    return losses
