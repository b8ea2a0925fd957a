"""Wrong on purpose: sigmoid instead of ReLU between the layers (shapes are right).

Must fail: "forward returns logits: the same outputs as the book's network with the same weights".
"""

import torch


class NeuralNetwork(torch.nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(num_inputs, 30),
            torch.nn.Sigmoid(),
            torch.nn.Linear(30, 20),
            torch.nn.Sigmoid(),
            torch.nn.Linear(20, num_outputs),
        )

    def forward(self, x):
        return self.layers(x)


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)

