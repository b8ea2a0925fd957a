"""Wrong on purpose: graph_ops gives t.grad_fn alone, not the nodes before it.

Must fail: "graph_ops names every operation".
Passes: "graph_ops gives an empty set".
Says: "only the last operation".
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
    return {t.grad_fn.name()} if t.grad_fn is not None else set()
