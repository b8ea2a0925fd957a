"""Wrong on purpose: the micro-batches after the last full group are dropped.

Must fail: "a last, smaller group gets its own step".
Passes: "full groups of micro-batches give the same update".
Says: "got no step".
"""

import torch
import torch.nn.functional as F


def train_accumulated(model, optimizer, batches, accum_steps):
    losses = []
    for start in range(0, len(batches) - accum_steps + 1, accum_steps):
        group = batches[start:start + accum_steps]
        optimizer.zero_grad()
        total = 0.0
        for x, y in group:
            loss = F.mse_loss(model(x), y) / len(group)
            loss.backward()
            total += loss.item()
        optimizer.step()
        losses.append(total)
    return losses
