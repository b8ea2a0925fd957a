"""Wrong on purpose: log_probabilities takes the log of the softmax, which is -inf where the
softmax rounds to 0.

Must fail: "log_probabilities stay finite".
Says: "log_softmax" and "for row 0, the logits [0.0, -200.0, 5.0], it gives [-5.0067, -inf,
-0.0067], expected [-5.0067, -205.0067, -0.0067]" (the row's own values, rounded).
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
