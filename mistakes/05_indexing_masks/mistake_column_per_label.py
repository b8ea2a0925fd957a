"""Wrong on purpose: pick_per_row takes every label's column for every row.

Must fail: "pick_per_row".
Says: "scores[:, labels]".
"""
import torch


def crop(img, top, left, height, width):
    return img[..., top:top + height, left:left + width]


def positives(x):
    return x[x > 0]


def clip_negatives(x):
    return x.clamp(min=0)


def pick_per_row(scores, labels):
    return scores[:, labels]
