"""Wrong on purpose: w asks for gradients before the multiplication, so w is the result of an
operation, not a leaf, and its .grad stays None.

Must fail: "make_parameters gives w and b as leaf tensors".
Says: "not a leaf".
"""
import torch


def make_parameters(num_features):
    w = torch.randn(num_features, requires_grad=True) * 0.01
    b = torch.tensor([0.0], requires_grad=True)
    return w, b


def predict(x, w, b):
    with torch.no_grad():
        return torch.sigmoid(x @ w + b)


def to_numpy(t):
    return t.detach().cpu().numpy()


def graph_ops(t):
    names, seen = set(), set()
    todo = [t.grad_fn] if t.grad_fn is not None else []
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if type(node).__name__ != "AccumulateGrad":
            names.add(node.name())
        todo.extend(child for child, _ in node.next_functions if child is not None)
    return names
