"""Right, written another way: narrow, masked_select, torch.where and gather.

Must pass every check.
"""
import torch


def crop(img, top, left, height, width):
    return img.narrow(-2, top, height).narrow(-1, left, width)


def positives(x):
    return torch.masked_select(x, x > 0)


def clip_negatives(x):
    return torch.where(x < 0, torch.zeros_like(x), x)


def pick_per_row(scores, labels):
    return scores.gather(1, labels.unsqueeze(1)).squeeze(1)
