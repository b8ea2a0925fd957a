"""Right, written another way: a recursive walk, a no_grad decorator, and w scaled in place
under no_grad.

Must pass every check.
"""
import torch


def make_parameters(num_features):
    w = torch.randn(num_features, requires_grad=True)
    with torch.no_grad():
        w.mul_(0.01)
    return w, torch.zeros(1, requires_grad=True)


@torch.no_grad()
def predict(x, w, b):
    return (x @ w + b).sigmoid()


def to_numpy(t):
    return t.detach().numpy()


def graph_ops(t):
    def walk(node, names):
        if node is None or type(node).__name__ == "AccumulateGrad":
            return names
        names.add(node.name())
        for child, _ in node.next_functions:
            walk(child, names)
        return names
    return walk(t.grad_fn, set())
