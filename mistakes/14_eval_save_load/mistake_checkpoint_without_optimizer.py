"""Wrong on purpose: the checkpoint keeps the model and the epoch but not the optimizer, so
Adam's running averages start from zero again.

Must fail: "a checkpoint resumes training exactly".
Says: "optimizer has no state".
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
    total_loss, correct, examples = 0.0, 0, 0
    with torch.no_grad():
        for features, labels in loader:
            logits = model(features)
            total_loss += F.cross_entropy(logits, labels, reduction="sum").item()
            correct += (logits.argmax(dim=1) == labels).sum().item()
            examples += len(labels)
    model.train(was_training)
    return total_loss / examples, correct / examples


def save_model(model, path):
    torch.save(model.state_dict(), path)


def load_model(path, num_inputs, num_outputs):
    model = NeuralNetwork(num_inputs, num_outputs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    model.eval()
    return model


def save_checkpoint(model, optimizer, epoch, path):
    torch.save({"model": model.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(checkpoint["model"])
    return checkpoint["epoch"]
