"""Right, written another way: everything by hand from logsumexp.

Must pass every check.
"""
import torch


def log_probabilities(logits):
    return logits - torch.logsumexp(logits, dim=-1, keepdim=True)


def probabilities(logits):
    return log_probabilities(logits).exp()


def predict_classes(logits):
    return torch.max(logits, dim=1).indices


def cross_entropy(logits, labels):
    picked = log_probabilities(logits).gather(1, labels[:, None]).squeeze(1)
    return -picked.mean()
