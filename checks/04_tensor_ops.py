"""Hidden checks: 04 tensor_ops."""

import contextlib

import torch
import torch.nn.functional as F

from torch_dojo.testing import assert_tensors_match, fail, hint, hint_on

BROADCAST = r"must match the size of tensor b|The size of tensor a"


def _rand(*shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def _name_mistake(got, want, what, mistakes, hint_text=""):
    """Fail naming the mistake whose result ``got`` equals; else say how it differs."""
    if isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype == want.dtype \
            and not torch.allclose(got, want, atol=1e-5, rtol=1e-4):
        for name, candidate, advice in mistakes:
            if candidate is not None and candidate.shape == got.shape \
                    and torch.allclose(got, candidate, atol=1e-5, rtol=1e-4):
                fail(f"{what} gave the values of {name}", hint=advice)
    assert_tensors_match(got, want, what, atol=1e-5, rtol=1e-4, hint=hint_text)


@contextlib.contextmanager
def _broadcast_hint(text):
    with hint_on(BROADCAST, text, "The shapes do not broadcast:"):
        yield


@hint("`a @ b` (or torch.matmul) is the matrix product; `a * b` multiplies entry by entry.")
def test_matmul_is_the_matrix_product(learner, reference):
    """matmul is the matrix product, not the elementwise one"""
    for n, k, m, seed in [(2, 3, 4, 0), (3, 3, 3, 1), (5, 2, 1, 2)]:
        a, b = _rand(n, k, seed=seed), _rand(k, m, seed=seed + 10)
        what = f"matmul of a {n}×{k} and a {k}×{m} matrix"
        with hint_on(r"must match the size of tensor b", "a * b needs equal shapes: for the matrix "
                     "product use a @ b.", f"{what} tried an elementwise product:"):
            got = learner.matmul(a, b)
        mistakes = [("a * b, the elementwise product", a * b if a.shape == b.shape else None,
                     "Use @: a * b multiplies entry by entry."),
                    ("b @ a, the factors swapped", b @ a if n == m == k else None,
                     "Order matters: a @ b, not b @ a."),
                    ("a.T @ b", a.T @ b if n == k else None, "No transpose here: a @ b.")]
        _name_mistake(got, reference.matmul(a, b), what, mistakes)


@hint("nn.Linear stores W as (out × in): the layer computes x @ W.T + b.")
def test_linear_layer_matches_nn_linear(learner, reference):
    """linear_layer computes what nn.Linear computes: x @ W.T + b"""
    for n, d_in, d_out, seed in [(4, 3, 2, 0), (5, 3, 3, 1), (1, 6, 4, 2)]:
        x, W, b = _rand(n, d_in, seed=seed), _rand(d_out, d_in, seed=seed + 10), _rand(d_out, seed=seed + 20)
        what = f"linear_layer(x of {n}×{d_in}, W of {d_out}×{d_in}, b of {d_out})"
        with hint_on(r"cannot be multiplied", "W is stored as (out × in): multiply by its transpose, "
                     "x @ W.T.", f"{what}: the shapes of the product do not fit."):
            got = learner.linear_layer(x, W, b)
        want = reference.linear_layer(x, W, b)
        if not torch.allclose(want, F.linear(x, W, b), atol=1e-5):
            raise AssertionError("the reference disagrees with F.linear")
        mistakes = [("x @ W + b: W not transposed", x @ W + b if d_in == d_out else None,
                     "PyTorch stores the weight as (out × in): use x @ W.T + b."),
                    ("x @ W.T without the bias", x @ W.T, "Add the bias: x @ W.T + b.")]
        if isinstance(got, torch.Tensor) and got.shape == (d_out, n) and (d_out, n) != want.shape:
            fail(f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}: one row per example",
                 hint="W @ x.T puts the examples in columns; x @ W.T + b keeps one row per example.")
        _name_mistake(got, want, what, mistakes)


@hint("x.mean(dim=0) is one mean per column (it runs down the rows); x - x.mean(dim=0) "
      "broadcasts it over every row.")
def test_center_columns_gives_columns_of_mean_zero(learner, reference):
    """center_columns subtracts each column's mean"""
    for n, d, seed in [(5, 3, 0), (4, 4, 1), (7, 2, 2)]:
        x = _rand(n, d, seed=seed) * 3 + torch.arange(float(d))
        what = f"center_columns of a {n}×{d} matrix"
        with _broadcast_hint("x.mean(dim=1) is one mean per *row* (shape (n,)): it does not broadcast "
                             "against the columns. Use x.mean(dim=0)."):
            got = learner.center_columns(x)
        mistakes = [("x minus the mean of all entries", x - x.mean(),
                     "One mean per column: x.mean(dim=0), not x.mean()."),
                    ("x minus each row's mean", x - x.mean(dim=1, keepdim=True),
                     "dim=1 averages along a row; the column means come from dim=0."),
                    ("x minus row means broadcast along the columns", x - x.mean(dim=1) if n == d else None,
                     "x.mean(dim=1) has one entry per row; broadcast against (n × d) it lines up "
                     "with the columns. Use x.mean(dim=0).")]
        _name_mistake(got, reference.center_columns(x), what, mistakes)


@hint("x.sum(dim=1) has shape (n,) and broadcasts along the last dimension, the columns: keep "
      "the summed dimension with keepdim=True, shape (n, 1).")
def test_row_normalize_makes_rows_sum_to_one(learner, reference):
    """row_normalize makes every row sum to 1"""
    for n, d, seed in [(3, 3, 0), (2, 5, 1), (4, 4, 2)]:
        x = _rand(n, d, seed=seed).abs() + 0.1
        what = f"row_normalize of a {n}×{d} matrix"
        with _broadcast_hint("x.sum(dim=1) has shape (n,), which broadcasts against the columns: "
                             "x / x.sum(dim=1, keepdim=True)."):
            got = learner.row_normalize(x)
        mistakes = [("x / x.sum(dim=1) without keepdim: column j divided by row j's sum",
                     x / x.sum(dim=1) if n == d else None,
                     "Without keepdim the row sums have shape (n,) and line up with the columns: "
                     "x / x.sum(dim=1, keepdim=True)."),
                    ("x divided by its column sums", x / x.sum(dim=0),
                     "dim=0 sums down the columns; a row sum is dim=1."),
                    ("x divided by the sum of all entries", x / x.sum(),
                     "One sum per row: x.sum(dim=1, keepdim=True).")]
        _name_mistake(got, reference.row_normalize(x), what, mistakes)


@hint("a[:, None, :] has shape (n, 1, d) and b[None, :, :] shape (1, m, d): their difference is "
      "(n, m, d); square it and sum over the last dimension.")
def test_pairwise_sq_distances(learner, reference):
    """pairwise_sq_distances gives every squared distance between rows of a and rows of b"""
    for n, m, d, seed in [(3, 4, 2, 0), (5, 5, 3, 1), (1, 3, 4, 2)]:
        a, b = _rand(n, d, seed=seed), _rand(m, d, seed=seed + 10)
        what = f"pairwise_sq_distances of a {n}×{d} and a {m}×{d} matrix"
        with _broadcast_hint("a - b pairs row i of a with row i of b only (and needs n = m): add a "
                             "size-1 dimension to each, a[:, None, :] - b[None, :, :]."):
            got = learner.pairwise_sq_distances(a, b)
        want = reference.pairwise_sq_distances(a, b)
        if isinstance(got, torch.Tensor) and got.shape != want.shape:
            fail(f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}: one entry per "
                 "pair (row of a, row of b)")
        mistakes = [("the distances, not their squares", want.clamp(min=0).sqrt(),
                     "Squared distances: no square root (torch.cdist gives plain distances; square them)."),
                    ("sums of differences without squaring", (a[:, None, :] - b[None, :, :]).sum(-1),
                     "Square the differences before summing: ((a[:, None] - b[None]) ** 2).sum(-1).")]
        _name_mistake(got, want, what, mistakes, "((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)")
