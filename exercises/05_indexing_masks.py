"""05 · Indexing, slicing and masks  (book: A.2.3 "Common PyTorch tensor operations")

Tensors are indexed like NumPy arrays, one index per dimension:

    img[0]                 the first channel of a (C, H, W) image: shape (H, W)
    img[:, 2:5, 1:4]       every channel, rows 2..4, columns 1..3 (the end is left out)
    img[..., 2:5, 1:4]     the same on the last two dimensions, whatever comes before
    x[x > 0]               a *boolean mask*: the entries where the mask is True, as 1-D
    x[rows, cols]          two index tensors of the same length pick x[rows[k], cols[k]]

Slicing gives a view of the same memory; a mask or index tensor gives a copy; assigning
through either (x[mask] = 0) changes x itself. Write:

    crop(img, top, left, height, width)
                     -> the height × width window whose top-left pixel is at row `top`,
                        column `left`, of an image (C, H, W) or a batch (N, C, H, W):
                        every channel (and every image) kept
    positives(x)     -> the entries of x that are > 0, in order, as a 1-D tensor
                        (zero is not positive)
    clip_negatives(x)
                     -> a tensor like x with every negative entry replaced by 0;
                        x itself must not change
    pick_per_row(scores, labels)
                     -> for scores (n × k) and labels (n,) of class indices, the 1-D
                        tensor [scores[0, labels[0]], scores[1, labels[1]], ...]: each
                        row's score for its own label (what cross-entropy looks up)

Save the file: the dojo checks it. Stuck? `torch-dojo hint 05`.
"""

import torch


def crop(img, top, left, height, width):
    """img[..., rows top .. top+height-1, columns left .. left+width-1]"""
    # TODO: one slice for the rows, one for the columns, everything before them kept.
    raise NotImplementedError


def positives(x):
    """The entries of x greater than 0, as a 1-D tensor."""
    # TODO
    raise NotImplementedError


def clip_negatives(x):
    """x with negative entries set to 0, without changing x."""
    # TODO
    raise NotImplementedError


def pick_per_row(scores, labels):
    """scores[i, labels[i]] for every row i."""
    # TODO: one index tensor for the rows, one for the columns.
    raise NotImplementedError
