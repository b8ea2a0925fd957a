"""Wrong on purpose: graph_ops leaves out the leaves' nodes by comparing node.name() with
"AccumulateGrad", which never matches: their name() is "torch::autograd::AccumulateGrad".

Must fail: "graph_ops names every operation".
Passes: "graph_ops gives an empty set".
Says: "torch::autograd::AccumulateGrad" and "never matches".
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
    names, todo = set(), [t.grad_fn] if t.grad_fn is not None else []
    while todo:
        node = todo.pop()
        if node.name() != "AccumulateGrad":
            names.add(node.name())
        todo.extend(child for child, _ in node.next_functions if child is not None)
    return names
