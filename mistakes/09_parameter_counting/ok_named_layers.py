"""Right, written another way: layers as separately named attributes, functional ReLU,
and a count over named_parameters() (which, like parameters(), yields a tied weight once).

Must pass every check.
"""

import torch
import torch.nn.functional as F


class NeuralNetwork(torch.nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        self.hidden1 = torch.nn.Linear(num_inputs, 30)
        self.hidden2 = torch.nn.Linear(30, 20)
        self.out = torch.nn.Linear(20, num_outputs)

    def forward(self, x):
        x = F.relu(self.hidden1(x))
        x = F.relu(self.hidden2(x))
        return self.out(x)


def count_parameters(model, trainable_only=True):
    total = 0
    for _, param in model.named_parameters():
        if trainable_only and not param.requires_grad:
            continue
        total += param.numel()
    return total
