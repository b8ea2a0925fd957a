"""A tiny neural network as a torch.nn.Module.

Write the class TinyNet(num_inputs, num_hidden, num_outputs):

- __init__ calls super().__init__(), then sets two layers as attributes:
  self.hidden = torch.nn.Linear(num_inputs, num_hidden) and
  self.output = torch.nn.Linear(num_hidden, num_outputs).
  Attributes are how PyTorch finds a model's parameters.
- forward(x) returns the logits: self.output applied to the ReLU of self.hidden(x),
  with no softmax at the end (the loss function applies it).

Then write count_parameters(model): how many trainable numbers (not tensors) the model
holds. A frozen parameter (requires_grad False) does not count.

    >>> count_parameters(TinyNet(3, 5, 2))
    32
"""
import torch


class TinyNet(torch.nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        # TODO: self.hidden and self.output

    def forward(self, x):
        # TODO
        raise NotImplementedError


def count_parameters(model):
    # TODO
    raise NotImplementedError


if __name__ == "__main__":
    model = TinyNet(3, 5, 2)
    print(model)
    print(model(torch.randn(4, 3)))
    print(count_parameters(model))
