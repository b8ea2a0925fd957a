"""Wrong on purpose: predict keeps the graph: its result has a grad_fn.

Must fail: "predict computes the model's probabilities without recording a graph".
Says: "has grad_fn".
"""
import torch


def make_parameters(num_features):
    w = (0.01 * torch.randn(num_features)).requires_grad_()
    b = torch.tensor([0.0], requires_grad=True)
    return w, b


def predict(x, w, b):
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
