"""Wrong on purpose: the gradients are cleared before every micro-batch, so only the last
one of each group counts.

Must fail: "full groups of micro-batches give the same update".
Says: "only the last micro-batch".
"""

import torch
import torch.nn.functional as F


def train_accumulated(model, optimizer, batches, accum_steps):
    losses = []
    for start in range(0, len(batches), accum_steps):
        group = batches[start:start + accum_steps]
        total = 0.0
        for x, y in group:
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y) / len(group)
            loss.backward()
            total += loss.item()
        optimizer.step()
        losses.append(total)
    return losses
