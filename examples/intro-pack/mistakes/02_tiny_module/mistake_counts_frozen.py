"""Wrong on purpose: counts frozen parameters too.

Must fail: "count_parameters counts the trainable numbers".
Says: "frozen parameters do not count".
"""
import torch


class TinyNet(torch.nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        self.hidden = torch.nn.Linear(num_inputs, num_hidden)
        self.output = torch.nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        return self.output(torch.relu(self.hidden(x)))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
