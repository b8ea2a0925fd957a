"""Wrong on purpose: autocast_forward forgets autocast and computes in float32.

Must fail: "autocast_forward runs the model in bfloat16".
Says: "did not run under autocast".
"""
import torch
import torch.nn.functional as F


def autocast_forward(model, x, device_type="cpu", dtype=torch.bfloat16):
    return model(x)


def train_step_amp(model, optimizer, x, y, scaler=None, device_type="cpu", dtype=torch.bfloat16):
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = F.cross_entropy(model(x), y)
    if scaler is None:
        loss.backward()
        optimizer.step()
    else:
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    return loss.item()
