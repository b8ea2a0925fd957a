"""Right, written another way: F.relu, and numel summed over a filtered list.

Must pass every check.
"""
import torch
import torch.nn.functional as F


class TinyNet(torch.nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        self.hidden = torch.nn.Linear(num_inputs, num_hidden)
        self.output = torch.nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        hidden = F.relu(self.hidden(x))
        return self.output(hidden)


def count_parameters(model):
    trainable = [p for p in model.parameters() if p.requires_grad]
    return sum(p.numel() for p in trainable)
