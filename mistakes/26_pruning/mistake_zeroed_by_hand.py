"""Wrong on purpose: prune_globally sets the smallest weights to 0 by hand, with no mask, so an
optimizer step revives them.

Must fail: "prune_globally zeroes the smallest weights".
Says: "without a mask".
"""

import torch
from torch.nn.utils import prune


def _linears(model):
    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


def prune_each_layer(model, amount):
    for layer in _linears(model):
        prune.l1_unstructured(layer, name="weight", amount=amount)
    return model


def prune_globally(model, amount):
    weights = [layer.weight for layer in _linears(model)]
    everything = torch.cat([w.detach().abs().flatten() for w in weights])
    k = round(amount * everything.numel())
    threshold = everything.kthvalue(k).values
    with torch.no_grad():
        for w in weights:
            w[w.abs() <= threshold] = 0.0
    return model


def make_permanent(model):
    for layer in _linears(model):
        if prune.is_pruned(layer):
            prune.remove(layer, "weight")
    return model


def sparsity(model):
    weights = [layer.weight for layer in _linears(model)]
    zeros = sum(int((w == 0).sum()) for w in weights)
    return zeros / sum(w.numel() for w in weights)


def count_nonzero_parameters(model):
    total = 0
    for layer in _linears(model):
        total += int((layer.weight != 0).sum())
        if layer.bias is not None:
            total += int((layer.bias != 0).sum())
    return total
