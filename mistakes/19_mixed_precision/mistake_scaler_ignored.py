"""Wrong on purpose: train_step_amp ignores the scaler, so a step with NaN gradients is taken.

Must fail: "with a GradScaler, train_step_amp scales".
Says: "NaN".
"""
import torch
import torch.nn.functional as F


def autocast_forward(model, x, device_type="cpu", dtype=torch.bfloat16):
    with torch.autocast(device_type=device_type, dtype=dtype):
        return model(x)


def train_step_amp(model, optimizer, x, y, scaler=None, device_type="cpu", dtype=torch.bfloat16):
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = F.cross_entropy(model(x), y)
    if True:
        loss.backward()
        optimizer.step()
    else:
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    return loss.item()
