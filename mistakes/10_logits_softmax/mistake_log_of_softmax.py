"""Wrong on purpose: log_probabilities takes the log of the softmax, which is -inf where the
softmax rounds to 0.

Must fail: "log_probabilities stay finite".
Says: "log_softmax".
"""
import torch
import torch.nn.functional as F


def probabilities(logits):
    return torch.softmax(logits, dim=1)


def predict_classes(logits):
    return logits.argmax(dim=1)


def log_probabilities(logits):
    return torch.log(torch.softmax(logits, dim=1))


def cross_entropy(logits, labels):
    return F.cross_entropy(logits, labels)
