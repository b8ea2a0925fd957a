"""Right, written another way: prune_each_layer gives l1_unstructured the number of entries
to prune (an int) instead of the fraction, and sparsity is the mean of one flat vector of
all the weights.

Must pass every check.
"""

import torch
from torch.nn.utils import prune


def _linears(model):
    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


def prune_each_layer(model, amount):
    for layer in _linears(model):
        prune.l1_unstructured(layer, "weight", amount=round(amount * layer.weight.numel()))
    return model


def prune_globally(model, amount):
    prune.global_unstructured([(layer, "weight") for layer in _linears(model)], prune.L1Unstructured, amount=amount)
    return model


def make_permanent(model):
    for layer in _linears(model):
        if prune.is_pruned(layer):
            prune.remove(layer, "weight")
    return model


def sparsity(model):
    everything = torch.cat([layer.weight.detach().flatten() for layer in _linears(model)])
    return (everything == 0).float().mean().item()


def count_nonzero_parameters(model):
    return int(sum((layer.weight != 0).sum() + (layer.bias != 0).sum() for layer in _linears(model)))
