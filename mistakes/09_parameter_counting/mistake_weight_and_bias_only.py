"""Wrong on purpose: count_parameters looks only at the weight and bias of each module,
so an nn.Parameter with another name (a scale, a temperature) is missed.

Must fail: "count_parameters counts every nn.Parameter, and no buffers".
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
    total = 0
    seen = set()
    for module in model.modules():
        for p in (getattr(module, "weight", None), getattr(module, "bias", None)):
            if isinstance(p, torch.nn.Parameter) and id(p) not in seen:
                seen.add(id(p))
                if p.requires_grad or not trainable_only:
                    total += p.numel()
    return total
