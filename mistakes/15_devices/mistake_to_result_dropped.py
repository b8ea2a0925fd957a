"""Wrong on purpose: to_device calls t.to(device) and keeps t, as if tensors moved in place.

Must fail: "to_device moves every tensor".
Says: "returns a new tensor" and "was not
assigned".
"""
import torch


def model_device(model):
    return next(model.parameters()).device


def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        batch.to(device)
        return batch
    if isinstance(batch, dict):
        return {key: to_device(value, device) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(item, device) for item in batch)
    return batch


def run_model(model, x):
    return model(x.to(model_device(model)))
