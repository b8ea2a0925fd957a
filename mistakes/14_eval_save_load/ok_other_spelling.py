"""Right, written another way: try/finally for the mode, batch means weighted by batch size,
a checkpoint with other key names.

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


@torch.no_grad()
def evaluate(model, loader):
    mode = model.training
    model.eval()
    try:
        loss_sum, right, seen = 0.0, 0, 0
        for x, y in loader:
            out = model(x)
            loss_sum += F.cross_entropy(out, y).item() * len(y)
            right += int((out.argmax(1) == y).sum())
            seen += len(y)
        return loss_sum / seen, right / seen
    finally:
        model.train(mode)


def save_model(model, path):
    torch.save(model.state_dict(), str(path))


def load_model(path, num_inputs, num_outputs):
    model = NeuralNetwork(num_inputs, num_outputs)
    state = torch.load(path, map_location="cpu")
    model.load_state_dict(state, strict=True)
    return model.eval()


def save_checkpoint(model, optimizer, epoch, path):
    torch.save({"epoch": epoch, "model_state": model.state_dict(),
                "optimizer_state": optimizer.state_dict()}, path)


def load_checkpoint(path, model, optimizer):
    saved = torch.load(path)
    model.load_state_dict(saved["model_state"])
    optimizer.load_state_dict(saved["optimizer_state"])
    return saved["epoch"]
