"""Wrong on purpose: the returned norm of clip_grad_norm_ is ignored, and the norm is measured
again after clipping, so it is never above max_norm.

Must fail: "train_step_clipped clips the total norm".
Says: "before clipping".
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
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item(), total_grad_norm(model)


def clip_by_value(model, clip_value):
    torch.nn.utils.clip_grad_value_(model.parameters(), clip_value)
