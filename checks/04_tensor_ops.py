"""Hidden checks: 04 tensor_ops."""

import ast
import contextlib

import torch
import torch.nn.functional as F

from torch_dojo.testing import assert_tensors_match, fail, hint, hint_on

BROADCAST = r"must match the size of tensor b|The size of tensor a"
MATMUL = "return a @ b   (or torch.matmul(a, b))"
LINEAR = "return x @ W.T + b"
CENTER = "return x - x.mean(dim=0)"
NORMALIZE = "return x / x.sum(dim=1, keepdim=True)"
DISTANCES = "return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)"


def _rand(*shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def _name_mistake(got, want, what, mistakes, hint_text="", then=""):
    """Fail naming the mistake whose result ``got`` equals; else say how it differs."""
    if isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype == want.dtype \
            and not torch.allclose(got, want, atol=1e-5, rtol=1e-4):
        for name, candidate, advice in mistakes:
            if candidate is not None and candidate.shape == got.shape \
                    and torch.allclose(got, candidate, atol=1e-5, rtol=1e-4):
                fail(f"{what} gave the values of {name}", hint=advice, then=then)
    assert_tensors_match(got, want, what, atol=1e-5, rtol=1e-4, hint=hint_text, then=then)


@contextlib.contextmanager
def _broadcast_hint(text, then):
    with hint_on(BROADCAST, text, "The shapes do not broadcast:", then=then):
        yield


@hint("`*` multiplies entry by entry; the matrix product has an operator of its own (see "
      "`torch.matmul`).", then=MATMUL)
def test_matmul_is_the_matrix_product(learner, reference):
    """matmul is the matrix product, not the elementwise one"""
    for n, k, m, seed in [(2, 3, 4, 0), (3, 3, 3, 1), (5, 2, 1, 2)]:
        a, b = _rand(n, k, seed=seed), _rand(k, m, seed=seed + 10)
        what = f"matmul of a {n}×{k} and a {k}×{m} matrix"
        with hint_on(r"must match the size of tensor b", "`*` multiplies entry by entry and needs "
                     "equal shapes; the matrix product is another operator.",
                     f"{what} tried an elementwise product:", then=MATMUL):
            got = learner.matmul(a, b)
        mistakes = [("a * b, the elementwise product", a * b if a.shape == b.shape else None,
                     "`*` multiplies entry by entry; the matrix product is `@`."),
                    ("b @ a, the factors swapped", b @ a if n == m == k else None,
                     "Order matters in a matrix product: the first argument is the left factor."),
                    ("a.T @ b", a.T @ b if n == k else None,
                     "No transpose here: multiply the matrices as they come.")]
        _name_mistake(got, reference.matmul(a, b), what, mistakes, then=MATMUL)


@hint("nn.Linear stores the weight as (out × in): turn it the right way before multiplying, and "
      "add the bias.", then=LINEAR)
def test_linear_layer_matches_nn_linear(learner, reference):
    """linear_layer computes what nn.Linear computes"""
    for n, d_in, d_out, seed in [(4, 3, 2, 0), (5, 3, 3, 1), (1, 6, 4, 2)]:
        x, W, b = _rand(n, d_in, seed=seed), _rand(d_out, d_in, seed=seed + 10), _rand(d_out, seed=seed + 20)
        what = f"linear_layer(x of {n}×{d_in}, W of {d_out}×{d_in}, b of {d_out})"
        with hint_on(r"cannot be multiplied", "W is stored as (out × in): multiply by its transpose "
                     "(see `.T`).", f"{what}: the shapes of the product do not fit (W is out × in).",
                     then=LINEAR):
            got = learner.linear_layer(x, W, b)
        want = reference.linear_layer(x, W, b)
        if not torch.allclose(want, F.linear(x, W, b), atol=1e-5):
            raise AssertionError("the reference disagrees with F.linear")
        mistakes = [("x @ W + b: W not transposed", x @ W + b if d_in == d_out else None,
                     "PyTorch stores the weight as (out × in): multiply by its transpose."),
                    ("x @ W.T without the bias", x @ W.T, "Add the bias.")]
        if isinstance(got, torch.Tensor) and got.shape == (d_out, n) and (d_out, n) != want.shape:
            fail(f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}: one row per example",
                 hint="With W as the left factor the examples end up in columns; x comes first to "
                      "keep one row per example.", then=LINEAR)
        _name_mistake(got, want, what, mistakes, then=LINEAR)


@hint("One mean per column: `mean` takes the dimension to run over, and dim 0 runs down the rows. "
      "Broadcasting subtracts the means from every row.", then=CENTER)
def test_center_columns_gives_columns_of_mean_zero(learner, reference):
    """center_columns subtracts each column's mean"""
    for n, d, seed in [(5, 3, 0), (4, 4, 1), (7, 2, 2)]:
        x = _rand(n, d, seed=seed) * 3 + torch.arange(float(d))
        what = f"center_columns of a {n}×{d} matrix"
        with _broadcast_hint("A mean over dim 1 is one mean per *row*, shape (n,): it does not "
                             "broadcast against the columns. The column means run over dim 0.", CENTER):
            got = learner.center_columns(x)
        mistakes = [("x minus the mean of all entries", x - x.mean(),
                     "One mean per column, not one for the whole matrix: `mean` takes a dimension."),
                    ("x minus each row's mean", x - x.mean(dim=1, keepdim=True),
                     "dim=1 averages along a row; the column means come from dim=0."),
                    ("x minus row means broadcast along the columns", x - x.mean(dim=1) if n == d else None,
                     "A mean over dim 1 has one entry per row; broadcast against (n × d) it lines "
                     "up with the columns. The column means run over dim 0.")]
        _name_mistake(got, reference.center_columns(x), what, mistakes, then=CENTER)


@hint("A row sum has shape (n,) and broadcasts along the last dimension, the columns: keep the "
      "summed dimension (see `keepdim`), shape (n, 1).", then=NORMALIZE)
def test_row_normalize_makes_rows_sum_to_one(learner, reference):
    """row_normalize makes every row sum to 1"""
    for n, d, seed in [(3, 3, 0), (2, 5, 1), (4, 4, 2)]:
        x = _rand(n, d, seed=seed).abs() + 0.1
        what = f"row_normalize of a {n}×{d} matrix"
        with _broadcast_hint("The row sums have shape (n,), which broadcasts against the columns: "
                             "keep the summed dimension with `keepdim`.", NORMALIZE):
            got = learner.row_normalize(x)
        mistakes = [("x / x.sum(dim=1) without keepdim: column j divided by row j's sum",
                     x / x.sum(dim=1) if n == d else None,
                     "Without `keepdim` the row sums have shape (n,) and line up with the columns."),
                    ("x divided by its column sums", x / x.sum(dim=0),
                     "dim=0 sums down the columns; a row sum is dim=1."),
                    ("x divided by the sum of all entries", x / x.sum(),
                     "One sum per row, not one for the whole matrix: `sum` takes a dimension "
                     "(and `keepdim`).")]
        _name_mistake(got, reference.row_normalize(x), what, mistakes, then=NORMALIZE)


@hint("Give a and b a size-1 dimension each, in different places, so that their difference "
      "broadcasts to (n, m, d); square it and sum over the last dimension.", then=DISTANCES)
def test_pairwise_sq_distances(learner, reference):
    """pairwise_sq_distances gives every squared distance between rows of a and rows of b"""
    for n, m, d, seed in [(3, 4, 2, 0), (5, 5, 3, 1), (1, 3, 4, 2)]:
        a, b = _rand(n, d, seed=seed), _rand(m, d, seed=seed + 10)
        what = f"pairwise_sq_distances of a {n}×{d} and a {m}×{d} matrix"
        with _broadcast_hint("a - b pairs row i of a with row i of b only (and needs as many rows in "
                             "both): add a size-1 dimension to each (see `None` in an index, or "
                             "`unsqueeze`).", DISTANCES):
            got = learner.pairwise_sq_distances(a, b)
        want = reference.pairwise_sq_distances(a, b)
        if isinstance(got, torch.Tensor) and got.shape != want.shape:
            fail(f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}: one entry per "
                 "pair (row of a, row of b)")
        mistakes = [("the distances, not their squares", want.clamp(min=0).sqrt(),
                     "Squared distances: no square root (torch.cdist gives plain distances; square them)."),
                    ("sums of differences without squaring", (a[:, None, :] - b[None, :, :]).sum(-1),
                     "Square the differences before summing them.")]
        _name_mistake(got, want, what, mistakes, "Every pair (row of a, row of b): broadcast the "
                      "difference to (n, m, d), square it, sum over the last dimension.", DISTANCES)


FUNCTIONS = ("matmul", "linear_layer", "center_columns", "row_normalize", "pairwise_sq_distances")
LOOPS = {ast.For: "a `for` loop", ast.AsyncFor: "a `for` loop", ast.While: "a `while` loop",
         ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
         ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression"}


def _loops_in(tree):
    """(function, line, what) for every loop in the exercise's functions and the helpers they call."""
    defs = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    todo, seen, found = [name for name in FUNCTIONS if name in defs], set(), []
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(defs[name]):
            if type(node) in LOOPS:
                found.append((name, node.lineno, LOOPS[type(node)]))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in defs:
                todo.append(node.func.id)
    return found


@hint("Whole-tensor operations do the work of the loop: the matrix product and broadcasting "
      "handle every row at once.",
      then="Replace the loop by one expression on whole tensors: `a @ b` for the product, "
           "`x - x.mean(dim=0)` for the centring, `x / x.sum(dim=1, keepdim=True)` for the rows, "
           "`((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)` for the distances.")
def test_no_python_loops_over_rows(learner, learner_path):
    """the functions work on whole tensors, without Python loops"""
    a, b = _rand(3, 2, seed=0).abs() + 0.1, _rand(2, 3, seed=1)
    calls = {"matmul": (a, b), "linear_layer": (a, b.T, _rand(3, seed=2)), "center_columns": (a,),
             "row_normalize": (a,), "pairwise_sq_distances": (a, a)}
    for name, args in calls.items():
        try:  # a function not written yet says so; what it returns is judged by the other checks
            getattr(learner, name)(*args)
        except NotImplementedError:
            raise
        except Exception as err:
            if type(err).__name__ == "LearnerLost":  # judged: the learner's process ended
                raise
    try:
        tree = ast.parse(learner_path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return  # the file did not load at all, and the other checks say why
    loops = _loops_in(tree)
    if loops:
        where = "; ".join(f"{what} in {name} (line {line})" for name, line, what in loops)
        fail(f"the exercise asks for no Python loops over rows, but the file has {where}. A loop "
             "runs one row at a time in Python, which is many times slower than one tensor "
             "operation on the whole matrix")
