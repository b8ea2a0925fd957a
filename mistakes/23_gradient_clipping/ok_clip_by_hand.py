"""Right, written another way: the norm over one flat vector of all gradients, and the clipping
done by hand: every gradient scaled by max_norm / (norm + 1e-6) when the norm is above max_norm.

Must pass every check.
"""

import torch
import torch.nn.functional as F


def total_grad_norm(model):
    grads = [p.grad.flatten() for p in model.parameters() if p.grad is not None]
    if not grads:
        return 0.0
    return float(torch.cat(grads).pow(2).sum().sqrt())


def train_step_clipped(model, optimizer, x, y, max_norm=1.0):
    optimizer.zero_grad(set_to_none=True)
    loss = F.mse_loss(model(x), y)
    loss.backward()
    norm = total_grad_norm(model)
    if norm > max_norm:
        factor = max_norm / (norm + 1e-6)
        for p in model.parameters():
            if p.grad is not None:
                p.grad.mul_(factor)
    optimizer.step()
    return float(loss), norm


def clip_by_value(model, clip_value):
    for p in model.parameters():
        if p.grad is not None:
            p.grad.clamp_(-clip_value, clip_value)
