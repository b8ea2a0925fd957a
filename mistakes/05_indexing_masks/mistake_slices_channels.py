"""Wrong on purpose: crop slices the first two dimensions, which are the channels (and the
batch), not the rows and columns.

Must fail: "crop cuts the window".
Says: "leading dimensions".
"""
import torch


def crop(img, top, left, height, width):
    return img[top:top + height, left:left + width]


def positives(x):
    return x[x > 0]


def clip_negatives(x):
    return x.clamp(min=0)


def pick_per_row(scores, labels):
    return scores[torch.arange(len(labels)), labels]
