"""Wrong on purpose: computes gradients but never applies them.

Must fail: "one step moves the parameters as SGD should" and "twenty steps bring the loss down".
Says: "parameters are unchanged".
"""
import torch.nn.functional as F


def train_step(model, optimizer, features, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(features), labels)
    loss.backward()
    return loss.item()
