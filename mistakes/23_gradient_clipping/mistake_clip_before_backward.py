"""Wrong on purpose: clip_grad_norm_ runs before backward(), on gradients that zero_grad just
cleared, so the step is not clipped at all.

Must fail: "train_step_clipped clips the total norm".
Passes: "total_grad_norm is the norm of all gradients".
Says: "not clipped at all".
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
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    loss = F.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item(), norm.item()


def clip_by_value(model, clip_value):
    torch.nn.utils.clip_grad_value_(model.parameters(), clip_value)
