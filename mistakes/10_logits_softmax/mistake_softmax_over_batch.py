"""Wrong on purpose: probabilities takes the softmax over dim=0, the batch.

Must fail: "probabilities is the softmax over the classes".
Says: "dim=1".
"""
import torch
import torch.nn.functional as F


def probabilities(logits):
    return torch.softmax(logits, dim=0)


def predict_classes(logits):
    return logits.argmax(dim=1)


def log_probabilities(logits):
    return torch.log_softmax(logits, dim=1)


def cross_entropy(logits, labels):
    return F.cross_entropy(logits, labels)
