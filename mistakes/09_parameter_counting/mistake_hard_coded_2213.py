"""Wrong on purpose: count_parameters returns the book's number whatever the model.

Must fail: "count_parameters gives 2213 for the book's network of 50 inputs and 3 outputs, and
the right count for other sizes" (and every other counting check).
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
    return 2213
