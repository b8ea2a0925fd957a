"""Right, written another way: the layers found with named_modules, pruning by L1Unstructured's
apply and by global_unstructured with a tuple, the counts from torch.count_nonzero.

Must pass every check.
"""

import torch
from torch.nn.utils import prune


def prune_each_layer(model, amount):
    for _, module in model.named_modules():
        if isinstance(module, torch.nn.Linear):
            prune.L1Unstructured.apply(module, "weight", amount=amount)
    return model


def prune_globally(model, amount):
    params = tuple((m, "weight") for m in model.modules() if isinstance(m, torch.nn.Linear))
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=amount)
    return model


def make_permanent(model):
    for module in model.modules():
        if isinstance(module, torch.nn.Linear) and hasattr(module, "weight_orig"):
            prune.remove(module, "weight")
    return model


def sparsity(model):
    zeros = total = 0
    for m in model.modules():
        if isinstance(m, torch.nn.Linear):
            zeros += m.weight.numel() - torch.count_nonzero(m.weight).item()
            total += m.weight.numel()
    return float(zeros) / total


def count_nonzero_parameters(model):
    return sum(torch.count_nonzero(m.weight).item() + torch.count_nonzero(m.bias).item()
               for m in model.modules() if isinstance(m, torch.nn.Linear))
