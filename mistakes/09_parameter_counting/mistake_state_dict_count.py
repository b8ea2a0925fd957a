"""Wrong on purpose: count_parameters sums over state_dict(), which holds buffers too and
lists a tied weight under both names (and has no requires_grad to go by).

Must fail: "count_parameters counts every nn.Parameter, and no buffers", "... shared by two
modules once" and "... leaves out frozen parameters ...".
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
    return sum(t.numel() for t in model.state_dict().values())
