"""Wrong on purpose: train_step_clipped returns the norm as the tensor clip_grad_norm_ gave.

Must fail: "train_step_clipped clips the total norm" and "train_step_clipped leaves gradients below max_norm alone".
Says: ".item()".
"""

import torch
import torch.nn.functional as F


def total_grad_norm(model):
    norms = [p.grad.norm() for p in model.parameters() if p.grad is not None]
    if not norms:
        return 0.0
    return torch.stack(norms).norm().item()


def train_step_clipped(model, optimizer, x, y, max_norm=1.0):
    optimizer.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item(), norm


def clip_by_value(model, clip_value):
    torch.nn.utils.clip_grad_value_(model.parameters(), clip_value)
