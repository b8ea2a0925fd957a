"""Right, written another way: the groups chosen by name and module type (biases and every
LayerNorm parameter undecayed), Adam with decoupled_weight_decay=True (which is AdamW), a
schedule written as a named function with math.cos.

Must pass every check.
"""

import math

import torch
import torch.nn.functional as F


def make_optimizer(model, lr=1e-3, weight_decay=0.1):
    norms = {id(p) for m in model.modules() if isinstance(m, torch.nn.LayerNorm) for p in m.parameters()}
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if name.endswith("bias") or id(p) in norms:
            no_decay.append(p)
        else:
            decay.append(p)
    return torch.optim.Adam([dict(params=decay, weight_decay=weight_decay),
                             dict(params=no_decay, weight_decay=0.0)],
                            lr=lr, decoupled_weight_decay=True)


def warmup_cosine(optimizer, warmup_steps, total_steps):
    decay_steps = total_steps - warmup_steps

    def lr_lambda(step):
        if step < warmup_steps:
            return float(step + 1) / float(warmup_steps)
        return 0.5 * (1.0 + math.cos(math.pi * float(step - warmup_steps) / float(decay_steps)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=lr_lambda)


def train(model, batches, lr=1e-2, weight_decay=0.1, warmup_steps=2):
    optimizer = make_optimizer(model, lr=lr, weight_decay=weight_decay)
    scheduler = warmup_cosine(optimizer, warmup_steps, len(batches))
    rates = []
    for features, targets in batches:
        model.zero_grad()
        rates.append(float(optimizer.param_groups[0]["lr"]))
        F.mse_loss(model(features), targets).backward()
        optimizer.step()
        scheduler.step()
    return rates
