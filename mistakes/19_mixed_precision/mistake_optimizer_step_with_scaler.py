"""Wrong on purpose: with a scaler, the loss is scaled but the optimizer steps directly, on
gradients still multiplied by the scale.

Must fail: "with a GradScaler, train_step_amp scales".
Passes: "train_step_amp trains one step in bfloat16".
Says: "scaler.step(optimizer)".
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
    if scaler is None:
        loss.backward()
        optimizer.step()
    else:
        scaler.scale(loss).backward()
        optimizer.step()
        scaler.update()
    return loss.item()
