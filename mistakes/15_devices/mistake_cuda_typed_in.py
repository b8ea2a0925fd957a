"""Wrong on purpose: run_model types "cuda" in, which a machine without a GPU does not have.

Must fail: "run_model computes on the model's device".
Says: "do not type a device in".
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
    return model.to("cuda")(x.to("cuda"))
