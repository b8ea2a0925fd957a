"""Hidden checks: 26 pruning.

Everything that touches the pruned model (its masks, hooks, an optimizer step, its
state_dict) happens where the learner's code runs (in_learner_process) and comes back as
tensors and names. The second layer's weights are made larger than the others', so that
pruning each layer and pruning globally zero different entries.
"""

import math

import torch
import torch.nn.functional as F
from torch.nn.utils import prune

from torch_dojo.testing import assert_close, assert_tensors_match, describe, fail, hint, in_learner_process

LAYER_CODE = "for layer in linears: prune.l1_unstructured(layer, name=\"weight\", amount=amount)"
GLOBAL_CODE = ("prune.global_unstructured([(layer, \"weight\") for layer in linears], "
               "pruning_method=prune.L1Unstructured, amount=amount)")
REMOVE_CODE = "for layer in linears: if prune.is_pruned(layer): prune.remove(layer, \"weight\")"
COUNT_CODE = "sum(int((layer.weight != 0).sum()) + int((layer.bias != 0).sum()) for layer in linears)"


def _net(seed):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(12, 20), torch.nn.ReLU(), torch.nn.Linear(20, 16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 4))
    with torch.no_grad():
        model[2].weight.mul_(4.0)
    return model


def _linears(model):
    return [(name, m) for name, m in model.named_modules() if isinstance(m, torch.nn.Linear)]


def _weights(model):
    return {name: m.weight.detach().clone() for name, m in _linears(model)}


def _pruned(learner, how, seed, amount):
    """Runs where the learner's code runs: prune, then one SGD step; what the layers hold."""
    model = _net(seed)
    returned = getattr(learner, how)(model, amount)
    report = {"returned_model": returned is model, "weights": _weights(model),
              "masked": all(hasattr(m, "weight_mask") for _, m in _linears(model))}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    g = torch.Generator().manual_seed(seed)
    optimizer.zero_grad()
    F.mse_loss(model(torch.randn(8, 12, generator=g)), torch.randn(8, 4, generator=g)).backward()
    optimizer.step()
    with torch.no_grad():
        model(torch.zeros(1, 12))  # the pruning hook recomputes weight from weight_orig and the mask
    report["after_step"] = _weights(model)
    return report


def _as_if(seed, amount, how):
    model = _net(seed)
    if how == "prune_each_layer":
        for _, m in _linears(model):
            prune.l1_unstructured(m, "weight", amount)
    else:
        prune.global_unstructured([(m, "weight") for _, m in _linears(model)], pruning_method=prune.L1Unstructured,
                                  amount=amount)
    return _weights(model)


def _same(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


def _zeros(weights):
    return {name: int((w == 0).sum()) for name, w in weights.items()}


def _judge_pruning(learner, how, other, code):
    for seed, amount in ((0, 0.3), (1, 0.6)):
        got = in_learner_process(learner, _pruned, how, seed, amount)
        want = _as_if(seed, amount, how)
        what = f"{how}(model, {amount})"
        if not got["returned_model"]:
            fail(f"{what} did not return the model it pruned", hint="Prune the model in place and return it.")
        if not _same(got["weights"], want):
            if _same(got["weights"], _as_if(seed, amount, other)):
                fail(f"{what} zeroed {_zeros(got['weights'])} entries per layer, as {other} does; expected "
                     f"{_zeros(want)}", hint="Each layer on its own, or all layers together: which one does this "
                     "function ask for?", then=code)
            if _zeros(got["weights"]) == _zeros(want):
                fail(f"{what} zeroed the right number of entries per layer, but not the smallest ones",
                     hint="L1 pruning removes the entries smallest in absolute value: see the L1 methods of "
                          "`torch.nn.utils.prune`.", then=code)
            fail(f"{what} zeroed {_zeros(got['weights'])} entries per layer, expected {_zeros(want)}")
        if not got["masked"] or not all(torch.equal(got["after_step"][k] == 0, want[k] == 0) for k in want):
            fail(f"after {what} and an optimizer step the pruned weights are no longer 0: they were zeroed by "
                 "hand, without a mask",
                 hint="Set to 0 by hand, a weight gets a gradient and the next step revives it; the pruning "
                      "functions keep a mask that is applied before every forward pass.", then=code)


@hint("Every Linear layer is pruned on its own, by the L1 norm of its entries.", then=LAYER_CODE)
def test_prune_each_layer_zeroes_the_smallest_weights_of_every_layer(learner):
    """prune_each_layer zeroes the smallest weights of every layer, and they stay zero"""
    _judge_pruning(learner, "prune_each_layer", "prune_globally", LAYER_CODE)


@hint("All Linear weights compete together: the smallest of them all go, whatever layer they are in.",
      then=GLOBAL_CODE)
def test_prune_globally_zeroes_the_smallest_weights_overall(learner):
    """prune_globally zeroes the smallest weights of all layers together, and they stay zero"""
    _judge_pruning(learner, "prune_globally", "prune_each_layer", GLOBAL_CODE)


def _permanent(learner, seed, amount):
    """Runs where the learner's code runs: prune with the reference way, then make it permanent."""
    model = _net(seed)
    prune.global_unstructured([(m, "weight") for _, m in _linears(model)], pruning_method=prune.L1Unstructured,
                              amount=amount)
    before = _weights(model)
    returned = learner.make_permanent(model)
    return {"returned_model": returned is model, "before": before, "after": _weights(model),
            "keys": list(model.state_dict()),
            "plain": all(isinstance(m.weight, torch.nn.Parameter) and not prune.is_pruned(m)
                         for _, m in _linears(model))}


@hint("Each pruned weight has a reparametrisation to take away; the zeros must stay in the weight.",
      then=REMOVE_CODE)
def test_make_permanent_keeps_the_zeros_in_plain_weights(learner):
    """make_permanent leaves plain weights that keep the zeros"""
    got = in_learner_process(learner, _permanent, 2, 0.5)
    if not got["returned_model"]:
        fail("make_permanent did not return the model", hint="Return the model you were given.")
    leftovers = [k for k in got["keys"] if k.endswith("_orig") or k.endswith("_mask")]
    if leftovers or not got["plain"]:
        fail(f"after make_permanent the state_dict still holds {leftovers or 'pruning hooks'}: the pruning was "
             "not removed", hint="prune.remove takes the reparametrisation away, layer by layer.", then=REMOVE_CODE)
    for name, weight in got["before"].items():
        assert_tensors_match(got["after"][name], weight, f"layer {name}'s weight after make_permanent",
                             hint="Removing the pruning keeps the pruned weight: weight_orig times the mask.")


def _measure(learner, seed, amount, permanent):
    """Runs where the learner's code runs: sparsity and the count on a pruned model."""
    model = _net(seed)
    if amount:
        for _, m in _linears(model):
            prune.l1_unstructured(m, "weight", amount)
        if permanent:
            for _, m in _linears(model):
                prune.remove(m, "weight")
    return learner.sparsity(model), learner.count_nonzero_parameters(model)


@hint("Count the entries that are 0 in the weights the layers use, over all layers together.",
      then="zeros / total over `layer.weight` of every nn.Linear")
def test_sparsity_and_the_count_of_what_is_left(learner, reference):
    """sparsity and count_nonzero_parameters measure what pruning left"""
    for seed, amount, permanent in ((3, 0.0, False), (4, 0.4, False), (5, 0.7, True)):
        what = (f"on a model pruned by {amount}{' (made permanent)' if permanent else ''}" if amount
                else "on an unpruned model")
        got_sparsity, got_count = in_learner_process(learner, _measure, seed, amount, permanent)
        want_sparsity, want_count = _measure(reference, seed, amount, permanent)
        if isinstance(got_sparsity, (torch.Tensor, bool)) or not isinstance(got_sparsity, float):
            fail(f"sparsity {what} returned {describe(got_sparsity)}, expected a Python float")
        if isinstance(got_count, (torch.Tensor, bool)) or not isinstance(got_count, int):
            fail(f"count_nonzero_parameters {what} returned {describe(got_count)}, expected a Python int",
                 hint="Turn each count into a plain Python int: see `int` or `item`.")
        if amount and not permanent and got_count > want_count and math.isclose(got_sparsity, want_sparsity):
            fail(f"count_nonzero_parameters {what} is {got_count}, expected {want_count}: the pruned entries "
                 "were counted, from weight_orig, which keeps them",
                 hint="Count the weight the layer uses (`layer.weight`, the masked one), not the parameters: "
                      "after pruning they hold weight_orig.", then=COUNT_CODE)
        assert_close(got_sparsity, want_sparsity, f"sparsity {what}",
                     hint="Divide the zeros of all Linear weights by their number of entries; biases are not "
                          "counted.")
        if got_count != want_count:
            fail(f"count_nonzero_parameters {what} is {got_count}, expected {want_count}",
                 hint="Count the non-zero entries of each Linear's weight and of its bias.", then=COUNT_CODE)
