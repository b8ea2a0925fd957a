"""Right, written another way: the built-in schedulers, LinearLR for the warm-up and
CosineAnnealingLR for the decay, joined by SequentialLR; the rate read with get_last_lr().

Must pass every check.
"""

import torch
import torch.nn.functional as F
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR


def make_optimizer(model, lr=1e-3, weight_decay=0.1):
    groups = [
        {"params": [p for p in model.parameters() if p.dim() > 1], "weight_decay": weight_decay},
        {"params": [p for p in model.parameters() if p.dim() <= 1], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=lr)


def warmup_cosine(optimizer, warmup_steps, total_steps):
    warmup = LinearLR(optimizer, start_factor=1 / warmup_steps, end_factor=1.0, total_iters=warmup_steps - 1)
    decay = CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps, eta_min=0.0)
    return SequentialLR(optimizer, [warmup, decay], milestones=[warmup_steps])


def train(model, batches, lr=1e-2, weight_decay=0.1, warmup_steps=2):
    optimizer = make_optimizer(model, lr, weight_decay)
    scheduler = warmup_cosine(optimizer, warmup_steps, total_steps=len(batches))
    lrs = []
    for x, y in batches:
        lrs.append(scheduler.get_last_lr()[0])
        optimizer.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
    return lrs
