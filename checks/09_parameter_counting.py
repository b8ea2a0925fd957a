"""Hidden checks: 09 parameter_counting."""

import numbers

import pytest
import torch

from torch_dojo.testing import assert_tensors_match, describe, fail, hint

# (num_inputs, num_outputs): the book's two networks and one the book never shows.
SIZES = [(50, 3), (2, 2), (7, 5)]
SIZE_IDS = ["50-3", "2-2", "7-5"]


class BookNetwork(torch.nn.Module):
    """The book's network (listing A.4), defined here: a model the checks hand to the learner's
    code is rebuilt there from its class, and graded code may read this file but not the
    reference solution (docs/packs.md, "Confinement")."""

    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Linear(num_inputs, 30), torch.nn.ReLU(), torch.nn.Linear(30, 20),
                                          torch.nn.ReLU(), torch.nn.Linear(20, num_outputs))

    def forward(self, x):
        return self.layers(x)


def _build(learner, num_inputs, num_outputs):
    model = learner.NeuralNetwork(num_inputs, num_outputs)
    if not isinstance(model, torch.nn.Module):
        fail(f"NeuralNetwork({num_inputs}, {num_outputs}) is {describe(model)}, not an nn.Module",
             hint="Subclass `torch.nn.Module`, and call its `__init__` first in yours.",
             then="class NeuralNetwork(torch.nn.Module): with super().__init__() as the first line of __init__.")
    return model


def _shapes(model):
    return sorted(tuple(p.shape) for p in model.parameters())


def _count(learner, model, what, want, **kwargs):
    got = learner.count_parameters(model, **kwargs)
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        fail(f"count_parameters({what}) returned {describe(got)}, expected the Python int {want}",
             hint="`numel()` already gives a Python int: add those up without making a tensor.",
             then="return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)")
    if isinstance(got, bool) or not isinstance(got, numbers.Integral):
        fail(f"count_parameters({what}) returned {describe(got)}, expected the Python int {want}")
    return int(got)


def _load_reference_weights(model, ref):
    """Copy ref's weights into model, parameter by parameter in order (or by shape)."""
    mine, theirs = list(model.parameters()), list(ref.parameters())
    if [p.shape for p in mine] != [p.shape for p in theirs]:
        by_shape = {p.shape: p for p in theirs}
        if len(by_shape) != len(theirs) or sorted(by_shape) != sorted(p.shape for p in mine):
            fail("the network's parameters do not line up with Listing A.4's",
                 hint="Three Linear layers: num_inputs -> 30 -> 20 -> num_outputs.")
        theirs = [by_shape[p.shape] for p in mine]
    with torch.no_grad():
        for p, q in zip(mine, theirs):
            p.copy_(q)


@pytest.mark.parametrize("sizes", SIZES, ids=SIZE_IDS)
@hint("Listing A.4: three Linear layers, with 30 and then 20 hidden units and a ReLU after each "
      "hidden layer; every Linear keeps its bias.",
      then="Linear(num_inputs, 30), ReLU, Linear(30, 20), ReLU, Linear(20, num_outputs), in a "
           "torch.nn.Sequential assigned to self.layers.")
def test_network_has_the_layers_of_listing_a4(learner, reference, sizes):
    """NeuralNetwork has the parameters of Listing A.4"""
    torch.manual_seed(0)
    model = _build(learner, *sizes)
    ref = reference.NeuralNetwork(*sizes)
    got, want = _shapes(model), _shapes(ref)
    if got == want:
        return
    total = sum(p.numel() for p in model.parameters())
    expected_total = sum(p.numel() for p in ref.parameters())
    advice = ""
    if not got:
        advice = " It has no parameters at all: assign the layers to attributes of self (self.layers = ...)."
    elif not any(len(s) == 1 for s in got):
        advice = " There are no bias vectors: leave Linear's bias=True (the default)."
    elif [s for s in got if len(s) == 2] != [s for s in want if len(s) == 2]:
        advice = " The weight matrices differ: the hidden layers have 30 and then 20 units."
    fail(f"NeuralNetwork{sizes} has parameters of shapes {got} ({total} numbers), expected "
         f"{want} ({expected_total} numbers). A Linear(a, b) holds a weight of shape (b, a) "
         f"and a bias of shape (b,).{advice}")


@pytest.mark.parametrize("sizes", SIZES, ids=SIZE_IDS)
@hint("forward returns the last layer's outputs as they are: the logits, one row per example and "
      "one column per class. No softmax (or other activation) after the last Linear.",
      then="def forward(self, x): return self.layers(x)")
def test_forward_returns_logits(learner, reference, sizes):
    """forward returns logits: the same outputs as the book's network with the same weights"""
    torch.manual_seed(1)
    model = _build(learner, *sizes)
    ref = reference.NeuralNetwork(*sizes)
    if _shapes(model) != _shapes(ref):
        fail(f"NeuralNetwork{sizes} does not have the layers of Listing A.4 yet (see that check), "
             "so its outputs cannot be compared",
             hint="Fix the layers first: the check on Listing A.4's parameters says what differs.",
             then="Linear(num_inputs, 30), ReLU, Linear(30, 20), ReLU, Linear(20, num_outputs).")
    _load_reference_weights(model, ref)
    x = torch.randn(6, sizes[0]) * 2
    with torch.no_grad():
        got, want = model(x), ref(x)
    what = f"NeuralNetwork{sizes}(x) for x of shape {tuple(x.shape)}"
    if isinstance(got, torch.Tensor) and got.shape == want.shape and not torch.allclose(got, want, atol=1e-5):
        if bool((got >= 0).all()) and torch.allclose(got.sum(dim=1), torch.ones(len(got)), atol=1e-4):
            fail(f"{what}: every row is non-negative and sums to 1, so these are probabilities, "
                 "not logits",
                 hint="No softmax at the end, return logits: the loss (cross_entropy) applies "
                      "the softmax itself, and argmax works on logits directly.")
        for name, fn in (("ReLU", torch.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)):
            if torch.allclose(got, fn(want), atol=1e-5):
                fail(f"{what} gives the outputs of the last Linear passed through {name}",
                     hint="No activation after the last layer: return the logits of the last "
                          "Linear as they are.")
    assert_tensors_match(got, want, f"{what} (with the book network's weights loaded)", atol=1e-5,
                         hint="A ReLU between the layers (`torch.nn.ReLU`), in the order Linear, "
                              "ReLU, Linear, ReLU, Linear, and nothing after the last Linear.",
                         then="torch.nn.Sequential(torch.nn.Linear(num_inputs, 30), torch.nn.ReLU(), "
                              "torch.nn.Linear(30, 20), torch.nn.ReLU(), torch.nn.Linear(20, num_outputs))")


@hint("Add up the number of entries (`numel()`) of every parameter of the model you are given "
      "(`parameters()`): every weight and every bias.", then="return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)")
def test_count_parameters_of_the_book_networks(learner, reference):
    """count_parameters gives 2213 for the book's network of 50 inputs and 3 outputs, and the right count for other sizes"""
    for sizes in [(50, 3), (2, 2), (7, 5), (100, 10), (1, 1)]:
        torch.manual_seed(0)
        model = BookNetwork(*sizes)
        want = reference.count_parameters(model)
        got = _count(learner, model, f"NeuralNetwork{sizes}", want)
        if got != want:
            weights = sum(p.numel() for p in model.parameters() if p.dim() > 1)
            advice = ""
            if got == weights:
                advice = " That is the weights alone: the biases are parameters too."
            elif sizes != (50, 3) and got == 2213:
                advice = " 2213 is the count for NeuralNetwork(50, 3) only: count the model you are given."
            fail(f"count_parameters(NeuralNetwork{sizes}) is {got}, expected {want}.{advice}")


@hint("Every weight and every bias counts, whatever its name: see `parameters()` and `numel()`.",
      then="return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)")
def test_count_includes_biases(learner, reference):
    """count_parameters counts biases too"""
    for layer in [torch.nn.Linear(10, 4), torch.nn.Conv2d(3, 8, kernel_size=3)]:
        want = reference.count_parameters(layer)
        got = _count(learner, layer, repr(layer), want)
        if got != want:
            weights = layer.weight.numel()
            advice = " That is the weight alone: add the bias." if got == weights else ""
            fail(f"count_parameters({layer!r}) is {got}, expected {want} "
                 f"(weight {tuple(layer.weight.shape)} + bias {tuple(layer.bias.shape)}).{advice}")


class _Scaled(torch.nn.Module):
    """A module with parameters that are neither `weight` nor `bias`, and a buffer."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(6, 4)
        self.scale = torch.nn.Parameter(torch.ones(4))
        self.temperature = torch.nn.Parameter(torch.tensor(1.0))
        self.norm = torch.nn.BatchNorm1d(4)  # weight and bias are parameters, running stats are not
        self.register_buffer("offset", torch.zeros(50))

    def forward(self, x):
        return self.norm(self.linear(x) * self.scale) / self.temperature


@hint("Use model.parameters(): it yields every nn.Parameter (a `scale`, a `temperature`, ...), "
      "not only the weight and bias of Linear layers, and no buffers.", then="return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)")
def test_count_every_nn_parameter_and_no_buffers(learner, reference):
    """count_parameters counts every nn.Parameter, and no buffers"""
    model = _Scaled()
    want = reference.count_parameters(model)
    got = _count(learner, model, "a module with a Linear(6, 4), a `scale` of 4, a `temperature` "
                 "and a BatchNorm1d(4)", want)
    if got == want:
        return
    buffers = sum(b.numel() for b in model.buffers())
    if got > want and got - want in (buffers, buffers - 1):  # num_batches_tracked holds 1 number
        fail(f"count_parameters gave {got}, expected {want}: it counted the {buffers} numbers of "
             "the buffers too (BatchNorm's running mean and variance, a registered buffer)",
             hint="state_dict() holds buffers as well as parameters; model.parameters() holds "
                  "only what the optimizer trains.", then="return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)")
    fail(f"count_parameters of a module with a Linear(6, 4) (28), an nn.Parameter `scale` (4), an "
         f"nn.Parameter `temperature` (1) and a BatchNorm1d(4) (8) gave {got}, expected {want}")


@hint("A frozen parameter has `requires_grad` off: leave those out, unless trainable_only is False; "
      "then count them all.", then="return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)")
def test_count_leaves_out_frozen_parameters(learner, reference):
    """count_parameters leaves out frozen parameters unless trainable_only=False"""
    torch.manual_seed(0)
    model = BookNetwork(50, 3)
    for p in model.layers[0].parameters():  # freeze the first layer: 50*30 + 30 numbers
        p.requires_grad_(False)
    total = reference.count_parameters(model, trainable_only=False)
    trainable = reference.count_parameters(model)
    got = _count(learner, model, "NeuralNetwork(50, 3) with its first layer frozen", trainable)
    if got != trainable:
        advice = " That counts the frozen layer too." if got == total else ""
        fail(f"count_parameters(model) of NeuralNetwork(50, 3) with its first layer frozen "
             f"(requires_grad=False) is {got}, expected {trainable}.{advice}")
    got = _count(learner, model, "NeuralNetwork(50, 3) with its first layer frozen", total,
                 trainable_only=False)
    if got != total:
        advice = " That leaves out the frozen layer although trainable_only=False." \
            if got == trainable else ""
        fail(f"count_parameters(model, trainable_only=False) of NeuralNetwork(50, 3) with its first "
             f"layer frozen is {got}, expected {total}.{advice}")


class _TiedLM(torch.nn.Module):
    """An embedding and an output layer that share one weight matrix (as GPT-2 does)."""

    def __init__(self, vocab=40, dim=8):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, dim)
        self.hidden = torch.nn.Linear(dim, dim)
        self.head = torch.nn.Linear(dim, vocab, bias=False)
        self.head.weight = self.embed.weight  # tied: one Parameter, two modules

    def forward(self, ids):
        return self.head(torch.relu(self.hidden(self.embed(ids))))


@hint("A shared (tied) parameter is one parameter: model.parameters() yields it once, while "
      "state_dict() or a loop over every module sees it twice.", then="return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)")
def test_count_tied_weights_once(learner, reference):
    """count_parameters counts a parameter shared by two modules once"""
    model = _TiedLM()
    want = reference.count_parameters(model)
    got = _count(learner, model, "a model whose embedding and output layer share a 40×8 weight", want)
    if got != want:
        shared = model.embed.weight.numel()
        advice = f" That counts the shared {shared} numbers twice." if got == want + shared else ""
        fail(f"count_parameters of a model whose embedding and output layer share one 40×8 weight "
             f"is {got}, expected {want} (40×8 shared + 8×8 + 8).{advice}")
