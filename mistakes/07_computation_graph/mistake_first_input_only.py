"""Wrong on purpose: graph_ops follows only the first entry of next_functions, so a node's
other inputs (the other branch of a sum, a ReLU before a Linear) are never visited.

Must fail: "graph_ops names every operation".
Says: "every".
"""
import torch


def make_parameters(num_features):
    w = (0.01 * torch.randn(num_features)).requires_grad_()
    b = torch.tensor([0.0], requires_grad=True)
    return w, b


def predict(x, w, b):
    with torch.no_grad():
        return torch.sigmoid(x @ w + b)


def to_numpy(t):
    return t.detach().cpu().numpy()


def graph_ops(t):
    names = set()
    node = t.grad_fn
    while node is not None and type(node).__name__ != "AccumulateGrad":
        names.add(node.name())
        node = node.next_functions[0][0] if node.next_functions else None
    return names
