"""Wrong on purpose: the gradients are cleared after each step instead of before each group,
so what an earlier step left in .grad is added into the first one.

Must fail: "full groups of micro-batches give the same update".
Says: "left in .grad".
"""

import torch
import torch.nn.functional as F


def train_accumulated(model, optimizer, batches, accum_steps):
    losses = []
    for start in range(0, len(batches), accum_steps):
        group = batches[start:start + accum_steps]
        total = 0.0
        for x, y in group:
            loss = F.mse_loss(model(x), y) / len(group)
            loss.backward()
            total += loss.item()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(total)
    return losses
