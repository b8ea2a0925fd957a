"""09 · A multilayer network and its parameters  (book: A.5, exercise A.3)

Listing A.4 of the book builds a multilayer perceptron with two hidden layers:

    Linear(num_inputs -> 30), ReLU, Linear(30 -> 20), ReLU, Linear(20 -> num_outputs)

Its forward pass returns the raw outputs of the last layer, the *logits*: no softmax
at the end (the loss function applies it). Write:

    NeuralNetwork(num_inputs, num_outputs)   -> that network, an nn.Module; name the layers
                                                as you like (the book keeps them in an
                                                nn.Sequential called `layers`)
    count_parameters(model)                  -> how many numbers the optimizer can change:
                                                NeuralNetwork(50, 3) has 2213, (2, 2) has 752
    count_parameters(model, trainable_only=False)
                                             -> every parameter, also the frozen ones
                                                (requires_grad=False)

count_parameters must work for any model, not only yours: a parameter that two modules
share (tied weights) is counted once, and every nn.Parameter counts, not only the
`weight` and `bias` of Linear layers. Buffers (like BatchNorm's running mean) are not
parameters.

    model = NeuralNetwork(50, 3)
    model(torch.rand(4, 50)).shape           -> torch.Size([4, 3])
    count_parameters(model)                  -> 2213

Save the file: the dojo checks it. Stuck? `torch-dojo hint 09`.
"""

import torch


class NeuralNetwork(torch.nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        # TODO: the three Linear layers with a ReLU after each of the first two.
        raise NotImplementedError

    def forward(self, x):
        # TODO: return the logits.
        raise NotImplementedError


def count_parameters(model, trainable_only=True):
    """The number of parameters of `model`; only those with requires_grad unless
    trainable_only is False."""
    # TODO: a parameter knows how many numbers it holds; the model knows its parameters.
    raise NotImplementedError
