"""Wrong on purpose: count_parameters sums over every module's own parameters, so a weight
shared by two modules is counted twice.

Must fail: "count_parameters counts a parameter shared by two modules once".
"""

import torch


class NeuralNetwork(torch.nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(num_inputs, 30),
            torch.nn.ReLU(),
            torch.nn.Linear(30, 20),
            torch.nn.ReLU(),
            torch.nn.Linear(20, num_outputs),
        )

    def forward(self, x):
        return self.layers(x)


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for module in model.modules() for p in module.parameters(recurse=False)
               if p.requires_grad or not trainable_only)
