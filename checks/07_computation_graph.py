"""Hidden checks: 07 computation_graph."""

import numpy as np
import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, hint_on, in_learner_process

NON_LEAF_HINT = ("Scale first, then ask for gradients (see `requires_grad_()`): a tensor that requires "
                 "grad, multiplied by 0.01, is the result of a multiplication, not a leaf, so "
                 "backward() leaves its .grad at None.")
PARAMS = ("w = (0.01 * torch.randn(num_features)).requires_grad_()\n"
          "b = torch.tensor([0.0], requires_grad=True)\nreturn w, b")
PREDICT = "with torch.no_grad():\n    return torch.sigmoid(x @ w + b)"
NUMPY = "return t.detach().cpu().numpy()"
WALK = ("names, todo = set(), [t.grad_fn] if t.grad_fn is not None else []\n"
        "while todo:\n    node = todo.pop()\n"
        "    if type(node).__name__ != \"AccumulateGrad\":\n        names.add(node.name())\n"
        "    todo.extend(child for child, _ in node.next_functions if child is not None)\n"
        "return names")


class _GraphRecorder(TorchFunctionMode):
    """Notes every operation that ran with grad enabled on an input that requires grad."""

    def __init__(self):
        super().__init__()
        self.recorded = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        tensors = [a for a in list(args) + list((kwargs or {}).values()) if isinstance(a, torch.Tensor)]
        if torch.is_grad_enabled() and any(t.requires_grad for t in tensors):
            self.recorded.append(getattr(func, "__name__", str(func)))
        return func(*args, **(kwargs or {}))


def _predict_recorded(learner, x, w, b):
    """Runs where the learner's code runs: predict, and the operations it recorded a graph for."""
    with _GraphRecorder() as recorder:
        got = learner.predict(x, w, b)
    return got, recorder.recorded


def _params(learner, n, seed):
    torch.manual_seed(seed)
    got = learner.make_parameters(n)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(f"make_parameters({n}) returned {describe(got)}, expected the pair (w, b)")
    return got


@hint(NON_LEAF_HINT, then=PARAMS)
def test_make_parameters_gives_leaves_that_require_grad(learner, reference):
    """make_parameters gives w and b as leaf tensors that require grad"""
    for n, seed in [(2, 0), (5, 1), (1, 2)]:
        w, b = _params(learner, n, seed)
        torch.manual_seed(seed)
        want_w, want_b = reference.make_parameters(n)
        for name, got, want in (("w", w, want_w), ("b", b, want_b)):
            what = f"{name} from make_parameters({n})"
            if not isinstance(got, torch.Tensor):
                fail(f"{what} is {describe(got)}, expected a tensor")
            if not got.requires_grad:
                fail(f"{what} does not require grad: no gradient will ever be computed for it",
                     hint="Ask for gradients when you make the tensor (its `requires_grad` argument), "
                          "or afterwards with `requires_grad_()`.", then=PARAMS)
            if not got.is_leaf:
                fail(f"{what} is not a leaf tensor: it has grad_fn {type(got.grad_fn).__name__}, so after "
                     "backward() its .grad stays None", hint=NON_LEAF_HINT, then=PARAMS)
            assert_tensors_match(got, want, what,
                                 hint="w holds 0.01 times one draw of `torch.randn`, from the current "
                                      "random state; b holds a single zero.", then=PARAMS)
        x = torch.randn(3, n)
        torch.sigmoid(x @ w + b).sum().backward()
        if w.grad is None or b.grad is None:
            fail("after a backward() through x @ w + b, w.grad or b.grad is None")


@hint("Compute the prediction where no graph is recorded: see `torch.no_grad`.", then=PREDICT)
def test_predict_records_no_graph(learner, reference):
    """predict computes the model's probabilities without recording a graph"""
    for n, d, seed in [(4, 2, 0), (6, 5, 1)]:
        torch.manual_seed(seed)
        w, b = reference.make_parameters(d)
        with torch.no_grad():
            w += torch.randn(d)
        x = torch.randn(n, d)
        what = f"predict(x of {n}×{d}, w, b)"
        got, recorded = in_learner_process(learner, _predict_recorded, x, w, b)
        want = reference.predict(x, w, b)
        if isinstance(got, torch.Tensor) and got.grad_fn is not None:
            fail(f"{what} has grad_fn {type(got.grad_fn).__name__}: a graph was recorded for a prediction",
                 hint="Compute inside a `torch.no_grad` block: nothing is recorded there, which saves "
                      "memory and time.", then=PREDICT)
        if recorded:
            fail(f"{what} recorded a graph ({', '.join(dict.fromkeys(recorded))}) and dropped it "
                 "afterwards: .detach() at the end throws the graph away, but it was built all the same",
                 hint="Compute inside a `torch.no_grad` block, so that no graph is built at all.",
                 then=PREDICT)
        assert_tensors_match(got, want, what, atol=1e-6,
                             hint="The probability is the sigmoid of the linear part: x times w, plus b.",
                             then=PREDICT)
        if w.grad is not None:
            fail(f"{what} left a gradient in w.grad: predictions must not call backward()")


@hint("A tensor that requires grad must leave the graph before it becomes NumPy: see `.detach()` "
      "(and `.cpu()` for tensors on a GPU).", then=NUMPY)
def test_to_numpy_also_when_t_requires_grad(learner):
    """to_numpy works for plain tensors and for tensors that require grad"""
    plain = torch.arange(6.0).reshape(2, 3)
    leaf = torch.randn(4, requires_grad=True)
    computed = leaf * 2
    for name, t in (("a plain tensor", plain), ("a tensor that requires grad", leaf),
                    ("a result computed from one", computed)):
        with hint_on("Can't call numpy\\(\\) on Tensor that requires grad",
                     "Leave the graph first: see `.detach()`.",
                     f"to_numpy({name}) called .numpy() on a tensor in a graph:", then=NUMPY):
            got = learner.to_numpy(t)
        if not isinstance(got, np.ndarray):
            fail(f"to_numpy({name}) returned {describe(got)}, expected a numpy.ndarray",
                 hint="`.numpy()` returns a NumPy array; `.tolist()` gives Python lists.", then=NUMPY)
        want = t.detach().numpy()
        if got.shape != want.shape or got.dtype != want.dtype or not np.allclose(got, want):
            fail(f"to_numpy({name}) gave {got!r}, expected {want!r} (dtype {want.dtype})")


def _graphs():
    x1, y = torch.tensor([1.1]), torch.tensor([1.0])
    w1 = torch.tensor([2.2], requires_grad=True)
    b = torch.tensor([0.0], requires_grad=True)
    a = torch.sigmoid(x1 * w1 + b)
    layer1, layer2 = torch.nn.Linear(3, 4), torch.nn.Linear(4, 2)
    v = torch.randn(3, requires_grad=True)
    return [
        ("a = sigmoid(x1 * w1 + b), the book's model", a),
        ("the book's loss, F.binary_cross_entropy(a, y)", F.binary_cross_entropy(a, y)),
        ("(v * 3).sum() + (v ** 2).mean(), a graph with two branches", (v * 3).sum() + (v ** 2).mean()),
        ("two Linear layers with a ReLU between them", layer2(torch.relu(layer1(torch.randn(5, 3))))),
    ]


def _graph_ops_of(learner, index):
    """Runs where the learner's code runs: graph_ops of graph number `index`, built there."""
    return learner.graph_ops(_graphs()[index][1])


def _as_set(got, what):
    if isinstance(got, (set, frozenset, list, tuple)) and all(isinstance(n, str) for n in got):
        return set(got)
    fail(f"graph_ops({what}) returned {describe(got)}, expected a set of names like {{'MulBackward0'}}",
         hint="Collect `node.name()` of each node into a set.", then=WALK)


@hint("Walk the graph from `t.grad_fn`: every node leads to the nodes of its inputs through "
      "`next_functions`. Visit them all, skipping None and the AccumulateGrad nodes.", then=WALK)
def test_graph_ops_walks_the_whole_graph(learner, reference):
    """graph_ops names every operation in the graph"""
    for index, (what, t) in enumerate(_graphs()):
        with hint_on(r"'NoneType' object has no attribute",
                     "Some entries of next_functions are (None, 0), for inputs that need no gradient: "
                     "skip them.", f"graph_ops({what}) met a None in next_functions:", then=WALK):
            got = _as_set(in_learner_process(learner, _graph_ops_of, index), what)
        want = reference.graph_ops(t)
        if got == want:
            continue
        extra = got - want
        if any("AccumulateGrad" in name for name in extra):
            named = " A leaf's node.name() is 'torch::autograd::AccumulateGrad', so comparing it with " \
                    "'AccumulateGrad' never matches." if "torch::autograd::AccumulateGrad" in extra else ""
            fail(f"graph_ops({what}) includes {sorted(n for n in extra if 'AccumulateGrad' in n)}: those nodes "
                 f"stand for leaf tensors, not operations.{named}",
                 hint="Leave out the nodes whose type is AccumulateGrad (they are where .grad is written): "
                      "the type's `__name__` says so, its `name()` says more.", then=WALK)
        if got == {t.grad_fn.name()}:
            fail(f"graph_ops({what}) gave only the last operation, {got}; expected {sorted(want)}",
                 hint="`t.grad_fn` is the last node only: follow `next_functions` to the nodes before it.",
                 then=WALK)
        fail(f"graph_ops({what}) gave {sorted(got)}, expected {sorted(want)}; missing {sorted(want - got)}"
             + (f", not expected {sorted(extra)}" if extra else ""),
             hint="Follow *every* entry of next_functions, not only the first: a node can have several inputs.",
             then=WALK)


@hint("A tensor with no grad_fn (a leaf, or made without requires_grad) has an empty graph: an "
      "empty set.", then="if t.grad_fn is None:\n    return set()")
def test_graph_ops_of_a_tensor_without_graph(learner):
    """graph_ops gives an empty set for a tensor with no grad_fn"""
    leaf = torch.randn(3, requires_grad=True)
    with torch.no_grad():
        unrecorded = leaf * 2
    for what, t in (("a leaf that requires grad", leaf), ("a plain tensor", torch.randn(3)),
                    ("a result computed under torch.no_grad()", unrecorded)):
        got = _as_set(learner.graph_ops(t), what)
        if got:
            fail(f"graph_ops({what}) gave {sorted(got)}, expected an empty set")
