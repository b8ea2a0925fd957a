"""Wrong on purpose: count_parameters counts only the weights, leaving out the biases.

Must fail: "count_parameters counts biases too" and "count_parameters gives 2213 ...".
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
    return sum(p.numel() for name, p in model.named_parameters()
               if "weight" in name and (p.requires_grad or not trainable_only))
