"""Right, written another way: match statements, a device read from any parameter,
torch.device objects throughout.

Must pass every check.
"""
import torch


def model_device(model):
    for p in model.parameters():
        return p.device
    return torch.device("cpu")


def to_device(batch, device):
    match batch:
        case torch.Tensor():
            return batch.to(device=torch.device(device))
        case dict():
            return {k: to_device(v, device) for k, v in batch.items()}
        case tuple():
            return tuple(to_device(v, device) for v in batch)
        case list():
            return [to_device(v, device) for v in batch]
        case _:
            return batch


def run_model(model, x):
    device = model_device(model)
    x = x.to(device)
    return model(x)
