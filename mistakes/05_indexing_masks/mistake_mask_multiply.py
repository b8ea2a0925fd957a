"""Wrong on purpose: positives multiplies by the mask, keeping zeros where it is False.

Must fail: "positives keeps the entries > 0".
Says: "keeps every position".
"""
import torch


def crop(img, top, left, height, width):
    return img[..., top:top + height, left:left + width]


def positives(x):
    return x * (x > 0)


def clip_negatives(x):
    return x.clamp(min=0)


def pick_per_row(scores, labels):
    return scores[torch.arange(len(labels)), labels]
