"""Wrong on purpose: count_parameters ignores requires_grad and trainable_only.

Must fail: "count_parameters leaves out frozen parameters unless trainable_only=False".
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
    return sum(p.numel() for p in model.parameters())
