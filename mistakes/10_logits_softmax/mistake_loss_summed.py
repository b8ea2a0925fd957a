"""Wrong on purpose: cross_entropy sums over the batch instead of averaging.

Must fail: "cross_entropy is the mean negative log-probability".
Says: ".mean()".
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
    return F.cross_entropy(logits, labels, reduction="sum")
