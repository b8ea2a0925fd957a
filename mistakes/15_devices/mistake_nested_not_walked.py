"""Wrong on purpose: to_device moves the tensors a tuple, list or dict holds, but does not
go into a container inside the container: the dict inside a tuple stays on the CPU.

Must fail: "to_device moves every tensor".
Says: "batch[0]['a']" and "a container inside a container must be walked too".
"""
import torch


def model_device(model):
    return next(model.parameters()).device


def _move(value, device):
    return value.to(device) if isinstance(value, torch.Tensor) else value


def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {key: _move(value, device) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(_move(item, device) for item in batch)
    return batch


def run_model(model, x):
    return model(x.to(model_device(model)))
