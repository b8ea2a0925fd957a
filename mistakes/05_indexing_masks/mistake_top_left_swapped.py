"""Wrong on purpose: crop uses `left` for the rows and `top` for the columns.

Must fail: "crop cuts the window".
Says: "swapped".
"""
import torch


def crop(img, top, left, height, width):
    return img[..., left:left + height, top:top + width]


def positives(x):
    return x[x > 0]


def clip_negatives(x):
    return x.clamp(min=0)


def pick_per_row(scores, labels):
    return scores[torch.arange(len(labels)), labels]
