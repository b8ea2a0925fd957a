"""Wrong on purpose: count_nonzero_parameters counts model.parameters(), which after pruning
are weight_orig: the pruned entries are counted too.

Must fail: "sparsity and count_nonzero_parameters measure".
Says: "weight_orig".
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
    prune.global_unstructured([(layer, "weight") for layer in _linears(model)],
                              pruning_method=prune.L1Unstructured, amount=amount)
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
    return sum(int((p != 0).sum()) for p in model.parameters())
