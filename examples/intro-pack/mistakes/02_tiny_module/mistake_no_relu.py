"""Wrong on purpose: no ReLU between the layers.

Must fail: "forward gives the logits".
Says: "no ReLU".
"""
import torch


class TinyNet(torch.nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        self.hidden = torch.nn.Linear(num_inputs, num_hidden)
        self.output = torch.nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        return self.output(self.hidden(x))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
