"""Wrong on purpose: to_device calls .to on every item of a container, whatever it is, so
a dict inside a tuple meets `.to`, which only tensors have.

Must fail: "to_device moves every tensor".
Says: "a container inside a container must be walked too".
"""
import torch


def model_device(model):
    return next(model.parameters()).device


def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {key: value.to(device) if not isinstance(value, str) else value
                for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(item.to(device) for item in batch)
    return batch


def run_model(model, x):
    return model(x.to(model_device(model)))
