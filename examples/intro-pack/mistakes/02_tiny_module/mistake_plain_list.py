"""Wrong on purpose: layers kept in a plain list, which PyTorch does not look into.

Must fail: "TinyNet registers a hidden and an output Linear layer" and "forward gives the logits".
Says: "no layers PyTorch can see".
"""
import torch


class TinyNet(torch.nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        self.layers = [torch.nn.Linear(num_inputs, num_hidden), torch.nn.Linear(num_hidden, num_outputs)]

    def forward(self, x):
        return self.layers[1](torch.relu(self.layers[0](x)))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
