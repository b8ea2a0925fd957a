"""Wrong on purpose: run_model moves the model to x's device instead of x to the model's.

Must fail: "run_model computes on the model's device".
Says: "move the data to the model".
"""
import torch


def model_device(model):
    return next(model.parameters()).device


def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {key: to_device(value, device) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(item, device) for item in batch)
    return batch


def run_model(model, x):
    return model.to(x.device)(x)
