"""Wrong on purpose: returns the loss tensor, not a float.

Must fail: "train_step returns the loss before the update, as a float".
Passes: "one step moves the parameters as SGD should".
Says: "expected a Python float".
"""
import torch.nn.functional as F


def train_step(model, optimizer, features, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(features), labels)
    loss.backward()
    optimizer.step()
    return loss
