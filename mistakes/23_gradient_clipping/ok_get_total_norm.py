"""Right, written another way: torch.nn.utils.get_total_norm for the norm, the clipping
through clip_grad_norm_ with error_if_nonfinite, model.zero_grad().

Must pass every check.
"""

import torch
import torch.nn.functional as F
from torch.nn.utils import clip_grad_norm_, clip_grad_value_, get_total_norm


def total_grad_norm(model):
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    return get_total_norm(grads).item() if grads else 0.0


def train_step_clipped(model, optimizer, x, y, max_norm=1.0):
    model.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    total = clip_grad_norm_(model.parameters(), max_norm=max_norm, error_if_nonfinite=True)
    optimizer.step()
    return loss.item(), total.item()


def clip_by_value(model, clip_value):
    clip_grad_value_(model.parameters(), clip_value=clip_value)
