"""Wrong on purpose: the micro-batch losses are not divided, so their gradients add up to
accum_steps times the big batch's.

Must fail: "full groups of micro-batches give the same update".
Passes: "with accum_steps=1 it trains like a plain loop".
Says: "too large".
"""

import torch
import torch.nn.functional as F


def train_accumulated(model, optimizer, batches, accum_steps):
    losses = []
    for start in range(0, len(batches), accum_steps):
        group = batches[start:start + accum_steps]
        optimizer.zero_grad()
        total = 0.0
        for x, y in group:
            loss = F.mse_loss(model(x), y)
            loss.backward()
            total += loss.item()
        optimizer.step()
        losses.append(total / len(group))
    return losses
