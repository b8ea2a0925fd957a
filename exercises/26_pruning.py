"""26 · Pruning  (beyond the appendix: making a trained model smaller)

Many weights of a trained network are close to 0 and can be set to exactly 0 with little
loss: that is **pruning**. `torch.nn.utils.prune` does it with a mask:

    prune.l1_unstructured(layer, name="weight", amount=0.3)

zeroes the 30 % of that layer's weights smallest in absolute value (L1). It renames the
parameter to `weight_orig`, adds a buffer `weight_mask` of 0s and 1s, and recomputes
`layer.weight = weight_orig * weight_mask` before every forward pass, so the pruned
entries stay 0 even when an optimizer keeps changing `weight_orig`.
`prune.global_unstructured([(layer, "weight"), ...], pruning_method=prune.L1Unstructured,
amount=0.3)` instead zeroes the smallest 30 % of all those weights together: layers with
smaller weights lose more. `prune.remove(layer, "weight")` makes the pruning permanent:
`weight` is a plain parameter again (holding the zeros), mask and hook are gone.

Zeros are still stored: counting what is really left means counting the non-zero
entries, of `layer.weight` (what the layer uses), not of `weight_orig`. Write, for models
whose layers with parameters are all nn.Linear:

    prune_each_layer(model, amount)   -> L1-prunes the weight of every nn.Linear of model,
                                         each layer on its own by `amount` (a fraction);
                                         returns model
    prune_globally(model, amount)     -> L1-prunes the weights of all nn.Linear layers
                                         together by `amount`; returns model
    make_permanent(model)             -> prune.remove on every pruned Linear weight; returns
                                         model (its state_dict then has plain weights)
    sparsity(model)                   -> the fraction of the Linear weights' entries that are
                                         0, all layers together (biases not counted), a float
    count_nonzero_parameters(model)   -> the number of non-zero entries of every Linear's
                                         weight and bias as the layer uses them, an int

Biases are never pruned here. Save the file: the dojo checks it. Stuck? `torch-dojo hint 26`.
"""

import torch
from torch.nn.utils import prune  # noqa: F401


def prune_each_layer(model, amount):
    """L1-prune every Linear weight by `amount`, layer by layer."""
    # TODO
    raise NotImplementedError


def prune_globally(model, amount):
    """L1-prune all Linear weights together by `amount`."""
    # TODO
    raise NotImplementedError


def make_permanent(model):
    """Remove the pruning reparametrisation, keeping the zeros."""
    # TODO
    raise NotImplementedError


def sparsity(model):
    """The fraction of Linear weight entries that are zero."""
    # TODO
    raise NotImplementedError


def count_nonzero_parameters(model):
    """Non-zero entries of every Linear's weight and bias, as the layers use them."""
    # TODO
    raise NotImplementedError


if __name__ == "__main__":
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(20, 30), torch.nn.ReLU(), torch.nn.Linear(30, 10))
    print("parameters:", count_nonzero_parameters(model))
    prune_globally(model, 0.5)
    print("sparsity:", round(sparsity(model), 3), "non-zero:", count_nonzero_parameters(model))
    print("state_dict, pruned:", list(model.state_dict()))
    make_permanent(model)
    print("state_dict, permanent:", list(model.state_dict()))
