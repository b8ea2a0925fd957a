"""Right, written another way: model.zero_grad() before the loop and after every step, the
groups taken with an iterator, and the scaled losses summed as a tensor.

Must pass every check.
"""

import itertools

import torch
import torch.nn.functional as F


def train_accumulated(model, optimizer, batches, accum_steps):
    it = iter(batches)
    losses = []
    model.zero_grad()
    while group := list(itertools.islice(it, accum_steps)):
        group_loss = torch.zeros(())
        for features, targets in group:
            scaled = F.mse_loss(model(features), targets) / len(group)
            scaled.backward()
            group_loss += scaled.detach()
        optimizer.step()
        model.zero_grad()
        losses.append(float(group_loss))
    return losses
