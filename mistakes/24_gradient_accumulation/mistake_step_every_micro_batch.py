"""Wrong on purpose: the optimizer steps after every micro-batch.

Must fail: "full groups of micro-batches give the same update".
Says: "after every micro-batch".
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
            loss = F.mse_loss(model(x), y) / len(group)
            loss.backward()
            total += loss.item()
            optimizer.step()
            optimizer.zero_grad()
        losses.append(total)
    return losses
