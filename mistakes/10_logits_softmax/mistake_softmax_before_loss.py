"""Wrong on purpose: cross_entropy passes softmax probabilities to F.cross_entropy.

Must fail: "cross_entropy is the mean negative log-probability".
Says: "applies one itself".
"""
import torch
import torch.nn.functional as F


def probabilities(logits):
    return torch.softmax(logits, dim=1)


def predict_classes(logits):
    return logits.argmax(dim=1)


def log_probabilities(logits):
    return torch.log_softmax(logits, dim=1)


def cross_entropy(logits, labels):
    return F.cross_entropy(torch.softmax(logits, dim=1), labels)
