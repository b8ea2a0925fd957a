"""Hidden checks: 02 creating_tensors."""

import numpy as np
import pytest
import torch

from torch_dojo.testing import assert_tensors_match, describe, fail, hint

BOOK_TENSORS = ("tensor0d = torch.tensor(1)\ntensor1d = torch.tensor([1, 2, 3])\n"
                "tensor2d = torch.tensor([[1, 2], [3, 4]])\n"
                "tensor3d = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])\n"
                "return tensor0d, tensor1d, tensor2d, tensor3d")
SEEDED = "torch.manual_seed(seed)\nreturn torch.rand(rows, cols)"


@hint("A scalar is a number with no brackets at all (shape ()); each level of brackets adds a "
      "dimension. Nest the lists as Listing A.1 does.", then=BOOK_TENSORS)
def test_book_tensors_have_0_to_3_dimensions(learner, reference):
    """book_tensors gives the four tensors of Listing A.1, with 0, 1, 2 and 3 dimensions"""
    got = learner.book_tensors()
    want = reference.book_tensors()
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        fail(f"book_tensors() returned {describe(got)}, expected a tuple of four tensors",
             hint="Return the four tensors together, from the 0-D one to the 3-D one.",
             then=BOOK_TENSORS)
    for ndim, (mine, theirs) in enumerate(zip(got, want)):
        what = f"the {ndim}-D tensor (item {ndim} of book_tensors())"
        if isinstance(mine, torch.Tensor) and mine.ndim != ndim:
            advice = " torch.tensor(1) has shape (): no brackets around the 1." if ndim == 0 else ""
            fail(f"{what} has {mine.ndim} dimensions (shape {tuple(mine.shape)}), expected {ndim} "
                 f"(shape {tuple(theirs.shape)}).{advice}")
        assert_tensors_match(mine, theirs, what,
                             hint="Python ints give int64 tensors: write 1, not 1.0.", then=BOOK_TENSORS)


@pytest.mark.parametrize("rows, cols", [(2, 3), (4, 1), (3, 5)])
@hint("`torch.arange` counts 0, 1, ...; `reshape` lays the numbers out row by row.",
      then="return torch.arange(rows * cols).reshape(rows, cols)")
def test_grid_counts_row_by_row(learner, reference, rows, cols):
    """grid counts 0, 1, 2, ... row by row, as int64"""
    got = learner.grid(rows, cols)
    want = reference.grid(rows, cols)
    if isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype == want.dtype \
            and not torch.equal(got, want):
        if torch.equal(got, want + 1):
            fail(f"grid({rows}, {cols}) starts at 1, expected 0:\n{got}",
                 hint="`torch.arange` with a single argument already starts at 0, as the grid must.",
                 then="torch.arange(rows * cols), not torch.arange(1, rows * cols + 1)")
        if torch.equal(got, torch.arange(rows * cols).reshape(cols, rows).T):
            fail(f"grid({rows}, {cols}) counts column by column:\n{got}\nexpected row by row:\n{want}",
                 hint="`reshape` fills the rows first; a transpose afterwards fills columns instead.",
                 then="return torch.arange(rows * cols).reshape(rows, cols), with no .T after it")
    if isinstance(got, torch.Tensor) and got.is_floating_point():
        fail(f"grid({rows}, {cols}) has dtype {got.dtype}, expected int64",
             hint="`torch.arange` of an int gives int64 already; a float argument or a float "
                  "`dtype` makes floats.",
             then="torch.arange(rows * cols), with an int and no dtype")
    assert_tensors_match(got, want, f"grid({rows}, {cols})")


@pytest.mark.parametrize("start, end, steps", [(0, 1, 5), (-2.0, 3.0, 11), (5, 6, 2)])
@hint("`torch.linspace` includes both ends; `torch.arange` stops before the end.",
      then="return torch.linspace(start, end, steps)")
def test_evenly_spaced_includes_both_ends(learner, reference, start, end, steps):
    """evenly_spaced includes both ends, in float32"""
    got = learner.evenly_spaced(start, end, steps)
    want = reference.evenly_spaced(start, end, steps)
    if isinstance(got, torch.Tensor) and got.ndim == 1 and got.numel() == steps - 1:
        fail(f"evenly_spaced({start}, {end}, {steps}) gave {got.numel()} numbers {got.tolist()}, expected "
             f"{steps}: the end {end} is missing",
             hint="`torch.arange` stops before `end`; `torch.linspace` gives exactly `steps` "
                  "numbers with both ends.",
             then="return torch.linspace(start, end, steps)")
    assert_tensors_match(got, want, f"evenly_spaced({start}, {end}, {steps})", atol=1e-6,
                         hint="Evenly spaced, both ends included, float32: `torch.linspace` does all three.",
                         then="return torch.linspace(start, end, steps, dtype=torch.float32)")


@hint("Seed, then draw: `torch.manual_seed` followed by `torch.rand`, or a `torch.Generator` "
      "seeded for this call.",
      then=SEEDED + "\n(or torch.rand(rows, cols, generator=torch.Generator().manual_seed(seed)))")
def test_seeded_rand_repeats_for_a_seed(learner, reference):
    """seeded_rand gives torch.rand's numbers for the seed, the same every time"""
    for rows, cols, seed in [(2, 3, 123), (4, 4, 0), (1, 6, 7)]:
        what = f"seeded_rand({rows}, {cols}, seed={seed})"
        torch.manual_seed(999)  # whatever state the global generator was in
        first = learner.seeded_rand(rows, cols, seed)
        second = learner.seeded_rand(rows, cols, seed)
        want = reference.seeded_rand(rows, cols, seed)
        if isinstance(first, torch.Tensor) and first.shape == want.shape and first.is_floating_point():
            if bool((first < 0).any()) or bool((first >= 1).any()):
                fail(f"{what} has values outside [0, 1): {first.flatten()[:4].tolist()} ...",
                     hint="`torch.randn` draws from a normal distribution (negative values too); "
                          "`torch.rand` draws uniformly from [0, 1).", then=SEEDED)
            if not torch.equal(first, second):
                fail(f"{what} gave different numbers on a second call with the same seed",
                     hint="Seed inside the function, right before drawing: see `torch.manual_seed`.",
                     then=SEEDED)
        assert_tensors_match(first, want, what,
                             hint="Use the seed you are given, then draw with `torch.rand`.",
                             then=SEEDED)
    a = learner.seeded_rand(3, 3, 1)
    b = learner.seeded_rand(3, 3, 2)
    if isinstance(a, torch.Tensor) and torch.equal(a, b):
        fail("seeded_rand gave the same numbers for seeds 1 and 2: the seed is ignored")


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64], ids=["float64", "float32", "int64"])
@hint("`torch.from_numpy` shares the array's memory (and keeps its dtype); `torch.tensor` copies.",
      then="return torch.from_numpy(array)")
def test_numpy_view_shares_memory(learner, dtype):
    """numpy_view shares memory with the array"""
    array = np.arange(6, dtype=dtype).reshape(2, 3)
    got = learner.numpy_view(array)
    assert_tensors_match(got, torch.from_numpy(array.copy()), "numpy_view(array)")
    array[0, 0] = 42
    if got[0, 0].item() != 42:
        fail("after array[0, 0] = 42, numpy_view(array)[0, 0] is still "
             f"{got[0, 0].item()}: the tensor is a copy, not a view of the array's memory")


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64], ids=["float64", "float32", "int64"])
@hint("`torch.tensor` copies the values and keeps the dtype (float64 stays float64); "
      "`torch.from_numpy` shares memory instead.",
      then="return torch.tensor(array)")
def test_numpy_copy_has_its_own_memory(learner, reference, dtype):
    """numpy_copy keeps values and dtype in memory of its own"""
    array = np.arange(6, dtype=dtype).reshape(2, 3)
    got = learner.numpy_copy(array)
    assert_tensors_match(got, reference.numpy_copy(array.copy()), "numpy_copy(array)",
                         hint="Keep the array's dtype: no `dtype` argument, no `.float()`.",
                         then="return torch.tensor(array)")
    array[0, 0] = 42
    if got[0, 0].item() == 42:
        fail("after array[0, 0] = 42, numpy_copy(array)[0, 0] changed to 42 too: the tensor shares "
             "the array's memory instead of holding a copy")
