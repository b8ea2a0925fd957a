"""07 · The computation graph  (book: A.3 "Seeing models as computation graphs")

When a tensor *requires grad*, PyTorch records every operation done with it in a graph:
each result remembers the operation that made it in `.grad_fn`, and each grad_fn points
to the nodes of its inputs in `.next_functions`, down to the *leaf* tensors you created.

    w = torch.tensor([2.2], requires_grad=True)   # a leaf: w.is_leaf, w.grad_fn is None
    z = torch.tensor([1.1]) * w                   # z.grad_fn is <MulBackward0>
    a = torch.sigmoid(z)                          # a.grad_fn is <SigmoidBackward0>, whose
                                                  # next_functions lead to MulBackward0
    with torch.no_grad():                         # nothing is recorded in here: for
        p = torch.sigmoid(z)                      # predictions, where no gradient is needed

A tensor computed from a leaf is not a leaf itself: `torch.randn(3, requires_grad=True) * 0.01`
records the multiplication, and after backward() its .grad stays None. Write:

    make_parameters(num_features)
                     -> (w, b): w of shape (num_features,) holding 0.01 * torch.randn(num_features)
                        (one draw, from the current random state), b = tensor([0.]);
                        both float32 *leaf* tensors that require grad
    predict(x, w, b) -> sigmoid(x @ w + b) for x of shape (n, num_features), computed
                        without recording a graph: the result has no grad_fn
    to_numpy(t)      -> t's values as a NumPy array, also when t requires grad
    graph_ops(t)     -> the set of names (node.name()) of every node in t's graph: t.grad_fn
                        and all nodes reachable through next_functions, leaving out the
                        AccumulateGrad nodes that stand for leaves (their node.name() is
                        "torch::autograd::AccumulateGrad"; type(node).__name__ is
                        "AccumulateGrad"); an empty set when t has no grad_fn.
                        For a = sigmoid(x1 * w1 + b) that is
                        {"SigmoidBackward0", "AddBackward0", "MulBackward0"}.
                        Some entries of next_functions are (None, 0): inputs that need no grad.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 07`.
"""

import torch


def make_parameters(num_features):
    """(w, b): leaf tensors that require grad."""
    # TODO
    raise NotImplementedError


def predict(x, w, b):
    """sigmoid(x @ w + b), with no graph recorded."""
    # TODO
    raise NotImplementedError


def to_numpy(t):
    """t's values as a NumPy array."""
    # TODO
    raise NotImplementedError


def graph_ops(t):
    """Names of the nodes of t's graph, without the AccumulateGrad ones."""
    # TODO: start at t.grad_fn and follow next_functions until you run out of nodes.
    raise NotImplementedError
