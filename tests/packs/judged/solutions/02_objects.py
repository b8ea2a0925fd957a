"""What the judged-mode checks call: each crosses between the judge and the learner's process."""

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class Box:
    def __init__(self, value):
        self.value = value

    def doubled(self):
        return Box(self.value * 2)

    def __len__(self):
        return 3

    def __iter__(self):
        return iter([1, 2, 3])


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, x):
        return self.linear(x)


def step(model, x, y, lr=0.1):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss = F.mse_loss(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return model


def grads(w):
    (w * 3).sum().backward()
    return w.grad


def graph(w):
    return w * 2


def note(items, value):
    items.append(value)


def view(t):
    return t.view(2, -1)


def loader(X, batch_size):
    return DataLoader(TensorDataset(X), batch_size=batch_size)


def box(value):
    return Box(value)


def fails():
    raise ValueError("no good")


def missing_key():
    return {}["nothing"]


def cuda_now():
    return torch.cuda.is_available()


def draw():
    return torch.rand(3)


def draw_python():
    import random

    import numpy

    return random.random(), float(numpy.random.rand())


def draw_normal():
    import numpy

    return float(numpy.random.standard_normal())


def version():
    return torch.__version__
