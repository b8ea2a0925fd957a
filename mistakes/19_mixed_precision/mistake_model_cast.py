"""Wrong on purpose: autocast_forward casts the model and the input to bfloat16 instead of
using autocast, so the weights themselves become 16-bit.

Must fail: "autocast_forward runs the model in bfloat16".
Says: "no longer float32".
"""
import torch
import torch.nn.functional as F


def autocast_forward(model, x, device_type="cpu", dtype=torch.bfloat16):
    model.to(dtype)
    return model(x.to(dtype))


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
