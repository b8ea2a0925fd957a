"""Checks of exercise 01: standardize and pairwise_differences.

Each check compares the learner with the reference on the task's example and on random
inputs, and names the mistakes learners make (rows for columns, a flipped sign, changing
the input in place). @points says what a check is worth when grading; the unmarked one
is worth 1.
"""
import torch

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, points


def _by_rows(x):
    return (x - x.mean(dim=1, keepdim=True)) / x.std(dim=1, keepdim=True)


@points(2)
@hint("Column statistics come from the first dimension: `mean` and `std` take a `dim`, and a "
      "(rows, columns) tensor minus a (columns,) one broadcasts over the rows.",
      then="(x - x.mean(dim=0)) / x.std(dim=0): x.mean(dim=0) has one entry per column.")
def test_standardize_scales_each_column(learner, reference):
    """standardize scales each column to mean 0 and standard deviation 1"""
    torch.manual_seed(0)
    # A square input too: there, statistics of the rows broadcast without an error.
    for rows, columns in [(6, 3), (4, 4)]:
        x = torch.randn(rows, columns) * 3 + 1
        got = learner.standardize(x.clone())
        what = f"standardize of a {rows}x{columns} tensor"
        if not isinstance(got, torch.Tensor) or got.shape != x.shape:
            fail(f"{what} should be a tensor of shape {tuple(x.shape)}, but it is {describe(got)}")
        if torch.allclose(got, _by_rows(x), atol=1e-5):
            fail(f"{what} standardizes each row, not each column",
                 hint="The first dimension goes down the columns; the second goes along the rows.",
                 then="x.mean(dim=0), x.std(dim=0)")
        if torch.allclose(got, (x - x.mean(dim=0)) / x.std(dim=0, correction=0), atol=1e-5):
            fail(f"{what} divides by the population standard deviation (correction=0)",
                 hint="`std` divides by n - 1 by default (the sample standard deviation): use it as it is.",
                 then="x.std(dim=0), without correction=0 or unbiased=False")
        assert_tensors_match(got, reference.standardize(x), what, atol=1e-5)


@hint("Arithmetic that makes a new tensor leaves x alone; an in-place operation (`-=`, a method "
      "ending in `_`) changes the caller's x.",
      then="x - x.mean(dim=0) makes a new tensor; x -= ... or x.sub_(...) changes the caller's x.")
def test_standardize_leaves_its_input_alone(learner):
    """standardize leaves x unchanged"""
    x = torch.arange(12.0).reshape(4, 3)
    before = x.clone()
    learner.standardize(x)
    if not torch.equal(x, before):
        fail("standardize(x) changed x itself: the caller's tensor is not theirs any more")


@points(2)
@hint("Give a a new dimension of size 1 in two ways, a column and a row: their difference "
      "broadcasts to (n, n).",
      then="a[:, None] has shape (n, 1) and a[None, :] has shape (1, n): a[:, None] - a[None, :] is (n, n).")
def test_pairwise_differences_of_every_pair(learner, reference):
    """pairwise_differences gives every pair's difference, the row's entry minus the column's"""
    a = torch.tensor([1.0, 4.0, 9.0])
    got, want = learner.pairwise_differences(a), reference.pairwise_differences(a)
    if isinstance(got, torch.Tensor) and got.shape == want.shape and torch.equal(got, -want):
        fail("pairwise_differences([1., 4., 9.]) gives a[j] - a[i]: the sign is the other way round",
             hint="The row's entry comes first: swap the two sides of the subtraction.",
             then="a[:, None] - a[None, :]")
    assert_tensors_match(got, want, "pairwise_differences([1., 4., 9.])")
    b = torch.randn(5)
    assert_tensors_match(learner.pairwise_differences(b), reference.pairwise_differences(b),
                         "pairwise_differences of 5 random numbers")
