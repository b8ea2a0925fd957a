"""Reference solution: 09 parameter_counting (book A.5, exercise A.3)."""

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
    # model.parameters() yields a parameter shared by two modules only once.
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
