"""Wrong on purpose: scheduler.step() before optimizer.step(), so every step runs at the next
step's rate.

Must fail: "train steps the optimizer, then the scheduler".
Passes: "warmup_cosine gives every step" and "make_optimizer is AdamW".
Says: "scheduler.step() came before".
"""

import math

import torch
import torch.nn.functional as F


def make_optimizer(model, lr=1e-3, weight_decay=0.1):
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    return torch.optim.AdamW([
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ], lr=lr)


def warmup_cosine(optimizer, warmup_steps, total_steps):
    def factor(step):
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / (total_steps - warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * progress))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def train(model, batches, lr=1e-2, weight_decay=0.1, warmup_steps=2):
    optimizer = make_optimizer(model, lr=lr, weight_decay=weight_decay)
    scheduler = warmup_cosine(optimizer, warmup_steps, len(batches))
    lrs = []
    for x, y in batches:
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        scheduler.step()
        optimizer.step()
    return lrs
