"""Wrong on purpose: predict_classes calls argmax() without dim, one index into the flattened
logits.

Must fail: "predict_classes gives the index".
Says: "flattened".
"""
import torch
import torch.nn.functional as F


def probabilities(logits):
    return torch.softmax(logits, dim=1)


def predict_classes(logits):
    return logits.argmax()


def log_probabilities(logits):
    return torch.log_softmax(logits, dim=1)


def cross_entropy(logits, labels):
    return F.cross_entropy(logits, labels)
