"""Hidden checks: 05 indexing_masks."""

import torch

from torch_dojo.testing import assert_tensors_match, describe, fail, hint

CROP = "return img[..., top:top + height, left:left + width]"
POSITIVES = "return x[x > 0]"
CLIP = "return x.clamp(min=0)   (or torch.where(x < 0, 0.0, x))"
PICK = ("rows = torch.arange(scores.shape[0])   # 0, 1, ..., n-1: one row number per label\n"
        "return scores[rows, labels]")


def _rand(*shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


@hint("Slice the last two dimensions (an `...` in an index stands for all the ones before). The "
      "row comes first, the column second, and the end of a slice is left out.", then=CROP)
def test_crop_cuts_the_window(learner, reference):
    """crop cuts the window at (top, left), on every channel and every image"""
    cases = [((3, 10, 12), (2, 4, 5, 3)), ((3, 8, 8), (0, 0, 8, 8)), ((1, 7, 9), (4, 1, 2, 6)),
             ((2, 3, 16, 12), (5, 3, 4, 7))]
    for shape, (top, left, height, width) in cases:
        img = torch.arange(float(torch.Size(shape).numel())).reshape(shape)
        what = f"crop(img of shape {shape}, top={top}, left={left}, height={height}, width={width})"
        got = learner.crop(img, top, left, height, width)
        want = reference.crop(img, top, left, height, width)
        if isinstance(got, torch.Tensor) and got.shape != want.shape:
            advice = ""
            if got.shape[:-2] != want.shape[:-2]:
                advice = (" The leading dimensions changed: the slices went to the channel (or batch) "
                          "dimension. Slice the last two with img[..., rows, cols].")
            elif got.shape[-2:] == (width, height) and height != width:
                advice = " Height and width are swapped: rows (height) come before columns (width)."
            elif got.shape[-2] == height + 1 or got.shape[-1] == width + 1:
                advice = " One too many: a slice a:b leaves b out, so top:top + height has height rows."
            fail(f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}.{advice}", then=CROP)
        swapped = img[..., left:left + height, top:top + width]
        if isinstance(got, torch.Tensor) and swapped.shape == got.shape and torch.equal(got, swapped) \
                and not torch.equal(got, want):
            fail(f"{what} starts at row {left}, column {top}: top and left are swapped",
                 hint="top is a row index (the second-to-last dimension), left a column index (the last).",
                 then=CROP)
        assert_tensors_match(got, want, what, then=CROP)


@hint("A comparison gives a boolean mask; indexing with the mask keeps the entries where it is "
      "True, as a 1-D tensor.", then=POSITIVES)
def test_positives_selects_with_a_mask(learner, reference):
    """positives keeps the entries > 0, as a 1-D tensor"""
    cases = [torch.tensor([1.5, -2.0, 0.0, 3.0, -0.5]), torch.tensor([[0.0, 2.0], [-1.0, 4.0]]),
             _rand(4, 5, seed=3), torch.tensor([-1.0, -2.0])]
    for x in cases:
        what = f"positives(x) for x of shape {tuple(x.shape)}"
        got = learner.positives(x)
        want = reference.positives(x)
        if isinstance(got, torch.Tensor) and got.shape == x.shape and x.shape != want.shape:
            fail(f"{what} kept the shape {tuple(x.shape)}, expected the {want.numel()} positive entries "
                 f"alone, shape {tuple(want.shape)}",
                 hint="Multiplying by the mask, or `torch.where`, keeps every position (with zeros); "
                      "indexing with the mask keeps only the selected entries.", then=POSITIVES)
        if isinstance(got, torch.Tensor) and got.numel() > want.numel() and bool((got == 0).any()):
            fail(f"{what} gave {got.tolist()}, expected {want.tolist()}: 0 is not positive",
                 hint="Greater than 0, not greater or equal.", then=POSITIVES)
        assert_tensors_match(got, want, what, then=POSITIVES)


@hint("`clamp` (or `torch.where`) makes a new tensor; assigning into x through a mask, or "
      "`clamp_`, changes x itself.", then=CLIP)
def test_clip_negatives_leaves_x_alone(learner, reference):
    """clip_negatives zeroes negative entries and leaves x as it was"""
    for x in [torch.tensor([1.5, -2.0, 0.0, 3.0]), _rand(3, 4, seed=1), _rand(2, 2, 3, seed=2)]:
        before = x.clone()
        what = f"clip_negatives(x) for x of shape {tuple(x.shape)}"
        got = learner.clip_negatives(x)
        if not torch.equal(x, before):
            fail(f"{what} changed x: its negative entries became {x[before < 0].tolist()}",
                 hint="Assigning through a mask, and the methods whose name ends in `_`, write into x "
                      "itself; the caller's tensor must stay as it was. `clamp` returns a new tensor.",
                 then=CLIP)
        want = reference.clip_negatives(before)
        if isinstance(got, torch.Tensor) and got.shape != want.shape:
            fail(f"{what} has shape {tuple(got.shape)}, expected {tuple(x.shape)}: every entry stays, "
                 "the negative ones become 0",
                 hint="Indexing with a mask drops entries; clipping keeps the shape: see `clamp`.",
                 then=CLIP)
        assert_tensors_match(got, want, what, then=CLIP)


@hint("Index rows and columns together, with two index tensors of the same length: the row "
      "numbers, and the labels as the columns, so that each row is paired with its own label.",
      then=PICK)
def test_pick_per_row(learner, reference):
    """pick_per_row takes each row's score for its own label"""
    for n, k, seed in [(4, 3, 0), (5, 5, 1), (1, 7, 2), (6, 2, 3)]:
        scores = _rand(n, k, seed=seed)
        labels = torch.randint(0, k, (n,), generator=torch.Generator().manual_seed(seed + 50))
        what = f"pick_per_row(scores of {n}×{k}, labels {labels.tolist()})"
        got = learner.pick_per_row(scores, labels)
        want = reference.pick_per_row(scores, labels)
        if isinstance(got, torch.Tensor) and got.shape == (n, n) and n > 1:
            fail(f"{what} has shape ({n}, {n}), expected ({n},): scores[:, labels] takes every label's "
                 "column for every row",
                 hint="Pair each row with its own label: a second index tensor, of row numbers, "
                      "goes beside the labels.", then=PICK)
        if isinstance(got, torch.Tensor) and got.dim() == 2 and got.shape[0] == n and got.shape != want.shape:
            fail(f"{what} has shape {tuple(got.shape)}, expected ({n},): scores[labels] picks whole rows",
                 hint="Two index tensors, one for the rows and one for the columns: the labels "
                      "alone pick rows.", then=PICK)
        if not isinstance(got, torch.Tensor):
            fail(f"{what} is {describe(got)}, expected a tensor", then=PICK)
        assert_tensors_match(got, want, what, then=PICK)
