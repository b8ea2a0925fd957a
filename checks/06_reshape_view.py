"""Hidden checks: 06 reshape_view."""

import torch

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, hint_on

VIEW_HINT = ("`view()` needs contiguous memory, and a transposed tensor is not contiguous: `reshape` "
             "works on any tensor (it copies only when it must).")
FLATTEN = "return t.reshape(-1)   (or t.flatten(), or t.contiguous().view(-1))"
MATMUL_HINT = ("`*` multiplies element by element (and needs equal shapes); the matrix product is `@`. "
               "The Gram matrix of the rows multiplies m with its transpose: shape (r, r) for an "
               "(r, c) matrix.")
GRAM = "return m @ m.T"
TO_MATRIX = "return t.view(rows, -1)"
TRANSPOSE = "return m.T   (or m.transpose(0, 1))"
SHARES = "return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()"


def _storage(t):
    return t.untyped_storage().data_ptr()


def _matrix(rows, cols, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(rows, cols, generator=generator)


@hint("`view` works out one size by itself when you give -1 for it: give the number of rows.",
      then=TO_MATRIX)
def test_to_matrix_values_and_shape(learner, reference):
    """to_matrix puts the elements of t into `rows` rows"""
    for n, rows in ((6, 2), (6, 3), (12, 4), (7, 7), (10, 1)):
        t = torch.arange(float(n))
        assert_tensors_match(learner.to_matrix(t, rows), reference.to_matrix(t, rows),
                             f"to_matrix(torch.arange({n}.), {rows})")


@hint("A `view` shares t's storage; `clone()`, `torch.tensor` and `torch.stack` make copies.",
      then=TO_MATRIX)
def test_to_matrix_shares_storage(learner):
    """to_matrix returns a view that shares t's storage"""
    for t, rows, what in ((torch.arange(12.), 3, "torch.arange(12.)"),
                          (torch.arange(20.)[4:16], 4, "torch.arange(20.)[4:16]")):
        before = t.clone()
        m = learner.to_matrix(t, rows)
        if not isinstance(m, torch.Tensor) or m.shape != (rows, t.numel() // rows):
            fail(f"to_matrix({what}, {rows}) should be a tensor of shape "
                 f"{(rows, t.numel() // rows)}, but it is {describe(m)}")
        if not torch.equal(t, before):
            fail(f"to_matrix({what}, {rows}) changed t: it must only read it")
        if _storage(m) != _storage(t):
            fail(f"to_matrix({what}, {rows}) returned a copy: its storage is not t's storage "
                 "(compared with untyped_storage().data_ptr()), so the exercise's 'no copy' "
                 "is not kept")
        m[0, 0] = 100.0
        if t[0].item() != 100.0:
            fail(f"to_matrix({what}, {rows}) returned a copy: writing 100 into result[0, 0] "
                 f"left t[0] at {t[0].item():g}")


@hint("Entry (i, j) of the transpose is entry (j, i) of m: see `.T` or `transpose`.", then=TRANSPOSE)
def test_transpose_swaps_rows_and_columns(learner, reference):
    """transpose swaps rows and columns"""
    cases = [(torch.arange(6.).reshape(2, 3), "torch.arange(6.).reshape(2, 3)"),
             (torch.arange(9.).reshape(3, 3), "torch.arange(9.).reshape(3, 3)"),
             (_matrix(4, 7, 0), "a random 4×7 matrix"),
             (_matrix(5, 2, 1), "a random 5×2 matrix")]
    for m, what in cases:
        got, want = learner.transpose(m), reference.transpose(m)
        rows, cols = m.shape
        if isinstance(got, torch.Tensor) and got.shape == want.shape and not torch.equal(got, want) \
                and torch.equal(got, m.reshape(cols, rows)):
            fail(f"transpose({what}) gave {got.tolist()}, expected {want.tolist()}: "
                 f"that is m.reshape({cols}, {rows}), which has the transpose's shape but not its values",
                 hint="`reshape` keeps the elements in the same row-major order and only cuts the "
                      "rows differently; a transpose moves entry (i, j) to (j, i).", then=TRANSPOSE)
        assert_tensors_match(got, want, f"transpose({what})",
                             hint="Entry (i, j) of the transpose is entry (j, i) of m: see `.T` or "
                                  "`transpose`.", then=TRANSPOSE)


@hint("`reshape` (or `flatten()`) works for any tensor; `view` only for contiguous ones.", then=FLATTEN)
def test_flatten_any_contiguous_and_not(learner, reference):
    """flatten_any flattens row by row, also a non-contiguous tensor"""
    m = torch.arange(6.).reshape(2, 3)
    cube = torch.arange(24.).reshape(2, 3, 4)
    cases = [(m, "torch.arange(6.).reshape(2, 3)"),
             (m.T, "a transposed matrix, torch.arange(6.).reshape(2, 3).T"),
             (_matrix(4, 5, 2).T, "a transposed random 4×5 matrix"),
             (torch.arange(12.).reshape(3, 4)[:, ::2], "every second column of a 3×4 matrix"),
             (cube.permute(2, 0, 1), "a 2×3×4 tensor permuted to 4×2×3")]
    for t, what in cases:
        with hint_on("view size is not compatible", VIEW_HINT,
                     message=f"flatten_any failed on {what}, which is not contiguous.", then=FLATTEN):
            got = learner.flatten_any(t)
        assert_tensors_match(got, reference.flatten_any(t), f"flatten_any of {what}",
                             hint="Row-major order is the order you read the printed tensor, row "
                                  "after row: `reshape` and `flatten()` keep it. The order of the "
                                  "storage is not that order once a tensor is transposed.",
                             then=FLATTEN)


@hint(MATMUL_HINT, then=GRAM)
def test_gram_matrix_is_m_times_m_transposed(learner, reference):
    """gram_matrix is the Gram matrix of the rows"""
    # A square matrix first: there m * m.T and m.T @ m have the right shape, wrong values.
    cases = [(torch.tensor([[1., 2.], [3., 4.]]), "torch.tensor([[1., 2.], [3., 4.]])"),
             (torch.arange(6.).reshape(2, 3), "torch.arange(6.).reshape(2, 3)"),
             (_matrix(3, 5, 3), "a random 3×5 matrix"),
             (_matrix(6, 2, 4), "a random 6×2 matrix"),
             (_matrix(4, 4, 5), "a random 4×4 matrix")]
    for m, what in cases:
        with hint_on("must match the size of tensor", MATMUL_HINT,
                     message=f"gram_matrix failed on {what}, of shape {tuple(m.shape)}.", then=GRAM):
            got = learner.gram_matrix(m)
        want = reference.gram_matrix(m)
        if isinstance(got, torch.Tensor) and got.shape == (m.shape[1], m.shape[1]) != want.shape:
            fail(f"gram_matrix({what}) has shape {tuple(got.shape)}, expected {tuple(want.shape)}: "
                 "that is the shape of m.T @ m",
                 hint="With the transpose on the left the result is (c, c); the Gram matrix of the "
                      "rows has m on the left, shape (r, r).", then=GRAM)
        if isinstance(got, torch.Tensor) and got.shape == want.shape \
                and not torch.allclose(got, want, atol=1e-5):
            if torch.allclose(got, m * m.T, atol=1e-5):
                fail(f"gram_matrix({what}) gave {got.tolist()}, the element-by-element product "
                     f"m * m.T; expected {want.tolist()}", hint=MATMUL_HINT, then=GRAM)
            if torch.allclose(got, m.T @ m, atol=1e-5):
                fail(f"gram_matrix({what}) gave m.T @ m, expected m @ m.T",
                     hint="The order matters: with m on the left, the rows of m are multiplied with "
                          "each other.", then=GRAM)
        assert_tensors_match(got, want, f"gram_matrix({what})", atol=1e-5, hint=MATMUL_HINT, then=GRAM)


@hint("Views of one tensor share its storage: compare where the storages start (see "
      "`untyped_storage()` and `data_ptr()`), not the tensors.", then=SHARES)
def test_shares_memory_sees_views_at_an_offset(learner):
    """shares_memory is True for views of the same storage, also at an offset"""
    t = torch.arange(12.)
    m = t.view(3, 4)
    cases = [(t, t, "t and t itself"),
             (t, t.view(3, 4), "t and t.view(3, 4)"),
             (m, m.T, "m and m.T"),
             (t, t[1:], "t and t[1:]"),
             (m, m[:, 2], "m and its third column m[:, 2]"),
             (t[:6], t[6:], "t[:6] and t[6:]")]
    for a, b, what in cases:
        got = learner.shares_memory(a, b)
        _is_bool(got, what)
        if not bool(got):
            offset = a.data_ptr() != b.data_ptr()
            fail(f"shares_memory({what}) returned {got!r}, expected True: both read the same storage",
                 hint="A view can start later in the storage, so its own `data_ptr()` differs from "
                      "its base's, yet both live in the same storage: compare where the storages "
                      "start, not the tensors." if offset else
                      "A view reads the same storage as its base: compare where the storages start "
                      "(see `untyped_storage()`).", then=SHARES)


@hint("Two tensors made separately, or a `clone()`, have storages of their own, even with equal "
      "values: compare where the storages start, not the values.", then=SHARES)
def test_shares_memory_false_for_separate_tensors(learner):
    """shares_memory is False for tensors with storages of their own"""
    t = torch.arange(12.)
    cases = [(torch.zeros(3), torch.zeros(3), "torch.zeros(3) and another torch.zeros(3)"),
             (t, t.clone(), "t and t.clone()"),
             (t[2:], t[2:].clone(), "t[2:] and t[2:].clone()"),
             (t.view(3, 4), torch.arange(12.).view(3, 4), "two equal matrices made separately")]
    for a, b, what in cases:
        got = learner.shares_memory(a, b)
        _is_bool(got, what)
        if bool(got):
            fail(f"shares_memory({what}) returned {got!r}, expected False: they have separate storages")


def _is_bool(got, what):
    if not isinstance(got, bool) and type(got).__name__ != "bool_":
        fail(f"shares_memory({what}) should return True or False, but it returned {describe(got)}",
             hint="Return a Python bool: the result of `==` between two `data_ptr()` numbers is one.",
             then=SHARES)
