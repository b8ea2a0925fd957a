"""Wrong on purpose: forward ends with a softmax.

Must fail: "forward gives the logits".
Passes: "TinyNet registers a hidden and an output Linear layer".
Says: "ends with a softmax".
"""
import torch


class TinyNet(torch.nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        self.hidden = torch.nn.Linear(num_inputs, num_hidden)
        self.output = torch.nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        return torch.softmax(self.output(torch.relu(self.hidden(x))), dim=1)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
