"""Wrong on purpose: never zeroes the gradients, so they add up from step to step.

Must fail: "one step moves the parameters as SGD should".
Says: "old gradients plus the new ones".
"""
import torch.nn.functional as F


def train_step(model, optimizer, features, labels):
    loss = F.cross_entropy(model(features), labels)
    loss.backward()
    optimizer.step()
    return loss.item()
