"""Wrong on purpose: to_device turns every tuple into a list.

Must fail: "to_device moves every tensor".
Says: "structure".
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
        return [to_device(item, device) for item in batch]
    return batch


def run_model(model, x):
    return model(x.to(model_device(model)))
