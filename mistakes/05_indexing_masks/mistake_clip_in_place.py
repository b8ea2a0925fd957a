"""Wrong on purpose: clip_negatives writes into x through a mask.

Must fail: "clip_negatives zeroes negative entries and leaves x as it was".
Says: "changed x".
"""
import torch


def crop(img, top, left, height, width):
    return img[..., top:top + height, left:left + width]


def positives(x):
    return x[x > 0]


def clip_negatives(x):
    x[x < 0] = 0
    return x


def pick_per_row(scores, labels):
    return scores[torch.arange(len(labels)), labels]
