"""13 · Datasets, data loaders and a training loop  (book: A.6–A.8)

Train the network of Listing A.4 on the book's toy data: five training examples with two
features each, two classes. Write the four pieces below.

    ToyDataset(X, y)                 -> a torch.utils.data.Dataset: ds[i] is (X[i], y[i]),
                                        len(ds) is the number of examples
    make_loaders(train_ds, test_ds, batch_size=2)
                                     -> (train_loader, test_loader), two DataLoaders:
                                        train shuffled, dropping the last incomplete batch
                                        (drop_last=True); test in order, keeping every example
    train(model, train_loader, num_epochs=3, lr=0.5)
                                     -> trains `model` with SGD at learning rate `lr` and
                                        F.cross_entropy on the logits; for every batch:
                                        zero_grad, backward, step. Put the model in training
                                        mode (model.train()). Returns the loss of every batch,
                                        in order, as Python floats: [0.7487, 0.645, ...]
    compute_accuracy(model, dataloader)
                                     -> Listing A.10: the fraction of *examples* predicted
                                        right (3 right of 5 is 0.6), as a Python float;
                                        evaluate in eval mode (model.eval()) and without
                                        building a graph (torch.no_grad())

On the book's data (run this file: `python 13_training_loop.py`) the trained model gets
every training and test example right: accuracy 1.0.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 13`.
"""

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


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


class ToyDataset(Dataset):
    def __init__(self, X, y):
        # TODO: keep the features and the labels.
        raise NotImplementedError

    def __getitem__(self, index):
        # TODO: one example: (features, label).
        raise NotImplementedError

    def __len__(self):
        # TODO: how many examples.
        raise NotImplementedError


def make_loaders(train_ds, test_ds, batch_size=2):
    """(train_loader, test_loader): train shuffled with drop_last=True, test in order."""
    # TODO: DataLoader(dataset, batch_size=..., shuffle=..., drop_last=...)
    raise NotImplementedError


def train(model, train_loader, num_epochs=3, lr=0.5):
    """Train with SGD; return the loss of every batch as a Python float."""
    # TODO: an optimizer, then for each epoch and each batch: logits, loss,
    # zero the gradients, backpropagate, update.
    raise NotImplementedError


def compute_accuracy(model, dataloader):
    """The fraction of examples in `dataloader` that `model` classifies right."""
    # TODO: eval mode, no graph, count correct predictions and examples.
    raise NotImplementedError


if __name__ == "__main__":
    X_train = torch.tensor([[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]])
    y_train = torch.tensor([0, 0, 0, 1, 1])
    X_test = torch.tensor([[-0.8, 2.8], [2.6, -1.6]])
    y_test = torch.tensor([0, 1])

    torch.manual_seed(123)
    train_loader, test_loader = make_loaders(ToyDataset(X_train, y_train), ToyDataset(X_test, y_test))
    torch.manual_seed(123)
    model = NeuralNetwork(2, 2)
    losses = train(model, train_loader, num_epochs=3, lr=0.5)
    print("losses:", [round(loss, 4) for loss in losses])
    print("train accuracy:", compute_accuracy(model, train_loader))
    print("test accuracy:", compute_accuracy(model, test_loader))
