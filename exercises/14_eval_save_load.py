"""14 · Evaluating, saving and loading a model  (book: A.7, A.8 "Saving and loading models")

Evaluation asks how good the model is without changing it: model.eval() switches dropout
(and batch norm) to their inference behaviour, torch.no_grad() skips the graph, and the
numbers are averaged over *examples*. A good evaluation also leaves the model in the mode
it found it in, so that training can carry on.

A model is saved as its state_dict (a dict of tensors, one per parameter and buffer) and
loaded into a freshly built model of the same architecture:

    torch.save(model.state_dict(), "model.pth")
    model = NeuralNetwork(2, 2)
    model.load_state_dict(torch.load("model.pth", weights_only=True))   # returns a report
                                                                         # of keys, not the model
To go on training later, save a checkpoint: the model *and* the optimizer's state (Adam
keeps running averages of every gradient) and the epoch you reached.

Write:

    evaluate(model, loader)       -> (loss, accuracy) as two Python floats: the mean
                                     cross-entropy per *example* and the fraction of examples
                                     classified right, computed in eval mode without a
                                     graph; the model is back in the mode it was in before
    save_model(model, path)       -> writes the model's state_dict to `path`
    load_model(path, num_inputs, num_outputs)
                                  -> a NeuralNetwork(num_inputs, num_outputs) with the weights
                                     from `path`, ready for predictions (eval mode); a file
                                     that does not fit the architecture is an error, never
                                     silently ignored
    save_checkpoint(model, optimizer, epoch, path)
                                  -> writes what load_checkpoint needs to resume exactly
    load_checkpoint(path, model, optimizer)
                                  -> restores the model's and the optimizer's state in place
                                     and returns the saved epoch

Save the file: the dojo checks it. Stuck? `torch-dojo hint 14`.
"""

import torch
import torch.nn.functional as F  # noqa: F401


class NeuralNetwork(torch.nn.Module):
    """Listing A.4, as in exercise 09 (given: nothing to write here)."""

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


def evaluate(model, loader):
    """(mean cross-entropy per example, accuracy), in eval mode; the mode is restored."""
    # TODO: remember model.training, switch to eval, add up over the batches without a
    # graph, switch back.
    raise NotImplementedError


def save_model(model, path):
    """Write the model's state_dict to path."""
    # TODO
    raise NotImplementedError


def load_model(path, num_inputs, num_outputs):
    """A NeuralNetwork with the weights saved at path, in eval mode."""
    # TODO
    raise NotImplementedError


def save_checkpoint(model, optimizer, epoch, path):
    """Everything needed to resume training."""
    # TODO: one dict, one torch.save.
    raise NotImplementedError


def load_checkpoint(path, model, optimizer):
    """Restore model and optimizer in place; return the epoch."""
    # TODO
    raise NotImplementedError
