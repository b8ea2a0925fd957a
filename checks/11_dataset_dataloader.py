"""Hidden checks: 11 dataset_dataloader."""

import multiprocessing

import pytest
import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler, SequentialSampler, TensorDataset

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, hint_on

WINDOWS = [(7, 3, 2), (10, 4, 1), (12, 3, 3), (20, 5, 4), (9, 4, 5)]  # (tokens, length, stride)


def _tokens(n):
    return torch.arange(100, 100 + n)


def _dataset(learner, n, length, stride):
    with hint_on(r"missing 1 required positional argument|unexpected keyword argument",
                 "`stride` is optional: give it a default of 1.",
                 then="def __init__(self, tokens, length, stride=1):"):
        ds = learner.WindowDataset(_tokens(n), length, stride)
    if not isinstance(ds, Dataset):
        fail(f"WindowDataset(...) is {describe(ds)}, not a torch.utils.data.Dataset",
             hint="Subclass `torch.utils.data.Dataset`.", then="class WindowDataset(Dataset):")
    return ds


WINDOW_CODE = ("With the tokens, length and stride that __init__ was given: window i starts at "
               "s = i * stride; its input is tokens[s : s + length], its target tokens[s + 1 : s + length + 1]; "
               "the starts are range(0, len(tokens) - length, stride).")


@hint("The target is the input window moved one token to the right.", then=WINDOW_CODE)
def test_window_dataset_items(learner, reference):
    """WindowDataset gives (input, target) windows, the target one token ahead"""
    for n, length, stride in WINDOWS:
        mine = _dataset(learner, n, length, stride)
        theirs = reference.WindowDataset(_tokens(n), length, stride)
        for i in range(max(len(mine), len(theirs))):
            what = f"WindowDataset(tokens of {n}, length={length}, stride={stride})[{i}]"
            if i >= len(mine):
                break  # the length check says how many are missing
            item = mine[i]
            if i >= len(theirs):
                fail(f"{what} exists, but the tokens hold only {len(theirs)} windows with a full target "
                     f"of {length} tokens: there is no window {i}",
                     hint="Only windows whose target fits: a window needs length + 1 tokens from its "
                          "start. One too many windows leaves the last target a token short.",
                     then=WINDOW_CODE)
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                fail(f"{what} is {describe(item)}, expected the pair (input, target)")
            x, y = item
            want_x, want_y = theirs[i]
            if isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor) and torch.equal(x, y):
                fail(f"{what} has the same tokens as input and as target ({x.tolist()})",
                     hint="The target is the next token at every position: the window one to the right.",
                     then=WINDOW_CODE)
            if isinstance(x, torch.Tensor) and x.shape == want_x.shape and stride != 1 and i > 0 \
                    and torch.equal(x, _tokens(n)[i:i + length]):
                fail(f"{what} starts at token {i}, expected {i * stride}: the stride is ignored",
                     hint="Window i starts at i * stride.", then=WINDOW_CODE)
            if isinstance(y, torch.Tensor) and y.shape[0:1] != want_y.shape[0:1]:
                fail(f"{what} has a target of {y.shape[0] if y.ndim else 0} tokens, expected {length}: the "
                     "window runs past the end of the tokens",
                     hint="Only windows whose target fits: a window needs length + 1 tokens from its start.",
                     then=WINDOW_CODE)
            assert_tensors_match(x, want_x, f"the input of {what}")
            assert_tensors_match(y, want_y, f"the target of {what}")


@hint("Count the window starts, one every `stride` tokens: a window needs length + 1 tokens from its "
      "start.", then="__len__ returns len(range(0, len(tokens) - length, stride)), with the tokens, "
           "length and stride that __init__ was given (keep them on self).")
def test_window_dataset_length(learner, reference):
    """the length of WindowDataset counts the windows with a full target"""
    for n, length, stride in WINDOWS + [(4, 4, 1), (3, 5, 1)]:
        got = len(_dataset(learner, n, length, stride))
        want = len(reference.WindowDataset(_tokens(n), length, stride))
        if got == want:
            continue
        advice = ""
        if got == len(range(0, n - length, 1)) and stride != 1:
            advice = " That is the count for stride 1: windows start every `stride` tokens."
        elif got == want + 1:
            advice = " One too many: the last of those windows has no token left for its target."
        fail(f"len(WindowDataset(tokens of {n}, length={length}, stride={stride})) is {got}, expected {want}."
             + advice)


@pytest.mark.parametrize("drop_last", [False, True])
@hint("Without drop_last an incomplete last batch still counts (round up); with it, it is dropped "
      "(round down). Integer arithmetic: // .",
      then="n // batch_size with drop_last; (n + batch_size - 1) // batch_size without it.")
def test_num_batches(learner, reference, drop_last):
    """num_batches counts the batches of one pass, with and without drop_last"""
    for n, b in [(10, 3), (9, 3), (1, 4), (0, 2), (100, 7), (5, 5), (6, 1)]:
        got = learner.num_batches(n, b, drop_last)
        want = reference.num_batches(n, b, drop_last)
        if len(DataLoader(range(n), batch_size=b, drop_last=drop_last)) != want:
            raise AssertionError("reference and DataLoader disagree")
        what = f"num_batches({n}, batch_size={b}, drop_last={drop_last})"
        if isinstance(got, float):
            fail(f"{what} is {got}, a float; expected the int {want}",
                 hint="`/` gives a float; `//` rounds down and gives an int.",
                 then="n // batch_size with drop_last; (n + batch_size - 1) // batch_size without it.")
        if got != want:
            other = reference.num_batches(n, b, not drop_last)
            advice = (" That is the count with drop_last the other way round." if got == other else "")
            fail(f"{what} is {got!r}, expected {want}.{advice}")


LOADER_CODE = ("DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, "
               "num_workers=num_workers, generator=torch.Generator().manual_seed(seed))")


def _indices(loader):
    return [int(i) for batch in loader for i in (batch[0] if isinstance(batch, (list, tuple)) else batch)]


def _loader(learner, dataset, *args, **kwargs):
    loader = learner.make_loader(dataset, *args, **kwargs)
    if not isinstance(loader, DataLoader):
        fail(f"make_loader returned {describe(loader)}, expected a torch.utils.data.DataLoader")
    return loader


@hint("Pass every setting through to the `DataLoader`: the batch size, shuffling, drop_last and "
      "the number of workers.", then=LOADER_CODE)
def test_make_loader_passes_the_settings_on(learner):
    """make_loader uses the batch size, shuffling, drop_last and num_workers it is given"""
    ds = TensorDataset(torch.arange(10))
    for batch_size, shuffle, drop_last in [(3, False, False), (3, True, True), (4, True, False), (5, False, True)]:
        what = f"make_loader(10 examples, batch_size={batch_size}, shuffle={shuffle}, drop_last={drop_last})"
        loader = _loader(learner, ds, batch_size, shuffle, seed=1, drop_last=drop_last)
        if loader.batch_size != batch_size:
            fail(f"{what} has batch_size {loader.batch_size}")
        if loader.drop_last != drop_last:
            fail(f"{what} has drop_last={loader.drop_last}")
        wanted = RandomSampler if shuffle else SequentialSampler
        if not isinstance(loader.sampler, wanted):
            fail(f"{what} {'does not shuffle' if shuffle else 'shuffles'}",
                 hint="Pass the `shuffle` argument on; do not type True or False.", then=LOADER_CODE)
        sizes = [len(batch[0]) for batch in loader]
        want = [batch_size] * (10 // batch_size) + ([] if drop_last or 10 % batch_size == 0 else [10 % batch_size])
        if sizes != want:
            fail(f"{what} gave batches of sizes {sizes}, expected {want}")
        if not shuffle and _indices(loader) != list(range(sum(sizes))):
            fail(f"{what} does not give the examples in order")
    loader = _loader(learner, ds, 2, False, num_workers=2)
    if loader.num_workers != 2:
        fail(f"make_loader(..., num_workers=2) has num_workers={loader.num_workers}",
             hint="Pass the `num_workers` argument on to the `DataLoader`.", then=LOADER_CODE)


@hint("Give the loader a random generator of its own, seeded with `seed` (see `torch.Generator` and "
      "the loader's `generator`): the global generator is drawn from by other code before the "
      "loader shuffles.",
      then="DataLoader(..., generator=torch.Generator().manual_seed(seed)), not torch.manual_seed(seed).")
def test_make_loader_shuffles_by_the_seed_alone(learner):
    """with the same seed make_loader shuffles the same way, whatever else drew random numbers"""
    ds = TensorDataset(torch.arange(20))
    torch.manual_seed(0)
    first_loader = _loader(learner, ds, 4, True, seed=7)
    torch.rand(13)  # other code draws random numbers before the first epoch
    first = _indices(first_loader)
    second = _indices(_loader(learner, ds, 4, True, seed=7))
    if sorted(first) != list(range(20)):
        fail(f"a shuffled loader over 20 examples gave {first}, not each example once")
    if first == list(range(20)):
        fail("make_loader(..., shuffle=True) gave the examples in order")
    if first != second:
        fail(f"two loaders made with seed=7 gave different orders:\n  {first}\n  {second}")
    other = _indices(_loader(learner, ds, 4, True, seed=8))
    if other == first:
        fail("loaders made with seed=7 and seed=8 shuffle the same way: the seed is not used")
    again = _indices(first_loader)
    if again == first:
        fail("the same loader gave the same order in two epochs: it should reshuffle every epoch",
             hint="Make the generator once, in make_loader, and hand it to the DataLoader: it moves on "
                  "by itself from epoch to epoch.",
             then="generator = torch.Generator().manual_seed(seed) in make_loader, then "
                  "DataLoader(..., generator=generator).")


@hint("num_workers=2 starts two worker processes, each with its own copy of your dataset, that call "
      "its `__getitem__`: an item must depend on its index alone, and the dataset must work there too "
      "(keep only tensors and numbers in it).",
      then="__getitem__(self, index) computes window `index` from self.tokens and the index, and "
           "changes nothing on self.")
def test_make_loader_with_workers_gives_the_same_batches(learner, reference):
    """with num_workers=2 the loader gives the same batches"""
    # The learner's dataset where it can be batched at all, so that it is tried in the workers
    # too; whether its windows are right is for its own checks. This one only asks whether
    # two worker processes give what the same loader gives without them.
    try:
        ds = learner.WindowDataset(_tokens(15), 4, 2)
        if not isinstance(ds, Dataset) or not _batches(DataLoader(ds, batch_size=3)):
            ds = None
    except NotImplementedError:
        ds = None
    except Exception:  # noqa: BLE001 - its own checks say what is wrong with it
        ds = None
    ds = ds if ds is not None else reference.WindowDataset(_tokens(15), 4, 2)
    want = _batches(_loader(learner, ds, 3, False, num_workers=0))
    loader = _loader(learner, ds, 3, False, num_workers=2)
    if loader.num_workers != 2:
        fail(f"make_loader(..., num_workers=2) has num_workers={loader.num_workers}",
             hint="Pass the `num_workers` argument on to the `DataLoader`.", then=LOADER_CODE)
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("worker processes are tried only where they can be forked (not on Windows)")
    # Spawned workers (the macOS default) would re-import the file by a name only the checks know.
    loader.multiprocessing_context = "fork"
    got = _batches(loader)
    if len(got) != len(want):
        fail(f"with num_workers=2 the loader gave {len(got)} batches; the same loader with "
             f"num_workers=0 gives {len(want)}")
    for i, (batch, wanted) in enumerate(zip(got, want)):
        if len(batch) != len(wanted):
            fail(f"with num_workers=2 batch {i} holds {len(batch)} parts; with num_workers=0 it holds "
                 f"{len(wanted)}")
        for part, (x, wx) in zip(("inputs", "targets"), zip(batch, wanted)):
            assert_tensors_match(x, wx, f"the {part} of batch {i} with num_workers=2 (compared with "
                                 "the same loader at num_workers=0)")


def _batches(loader):
    """Every batch of one pass, as a tuple of tensors (copies)."""
    return [tuple(t.clone() if isinstance(t, torch.Tensor) else t for t in batch) for batch in loader]
