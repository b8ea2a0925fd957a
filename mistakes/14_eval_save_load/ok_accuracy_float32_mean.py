"""Right, written another way: evaluate keeps every example's loss and hit as tensors and
takes float32 means at the end: the accuracy `(logits.argmax(1) == labels).float().mean().item()`
over all examples is 2/7 in float32 (0.2857142984867096), not the Python 2/7.

Must pass every check.
"""

import torch
import torch.nn.functional as F


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


def evaluate(model, loader):
    was_training = model.training
    model.eval()
    losses, hits = [], []
    with torch.no_grad():
        for features, labels in loader:
            logits = model(features)
            losses.append(F.cross_entropy(logits, labels, reduction="none"))
            hits.append(logits.argmax(1) == labels)
    model.train(was_training)
    loss = torch.cat(losses).mean().item()
    accuracy = torch.cat(hits).float().mean().item()
    return loss, accuracy


def save_model(model, path):
    torch.save(model.state_dict(), path)


def load_model(path, num_inputs, num_outputs):
    model = NeuralNetwork(num_inputs, num_outputs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    model.eval()
    return model


def save_checkpoint(model, optimizer, epoch, path):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
