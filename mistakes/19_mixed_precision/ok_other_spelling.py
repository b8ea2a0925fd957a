"""Right, written another way: torch.amp.autocast with positional arguments, set_to_none,
the scaler chosen up front.

Must pass every check.
"""
import torch
import torch.nn.functional as F


def autocast_forward(model, x, device_type="cpu", dtype=torch.bfloat16):
    with torch.amp.autocast(device_type, dtype=dtype):
        logits = model(x)
    return logits


def train_step_amp(model, optimizer, x, y, scaler=None, device_type="cpu", dtype=torch.bfloat16):
    optimizer.zero_grad(set_to_none=True)
    with torch.amp.autocast(device_type, dtype=dtype):
        logits = model(x)
        loss = F.cross_entropy(logits, y)
    if scaler is not None:
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        return float(loss)
    loss.backward()
    optimizer.step()
    return float(loss)
