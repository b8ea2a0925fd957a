"""Hidden checks: 10 logits_softmax."""

import torch
import torch.nn.functional as F

from torch_dojo.testing import assert_tensors_match, describe, fail, hint


def _logits(n, k, seed, scale=3.0):
    return torch.randn(n, k, generator=torch.Generator().manual_seed(seed)) * scale


def _labels(n, k, seed):
    return torch.randint(0, k, (n,), generator=torch.Generator().manual_seed(seed + 100))


CASES = [(4, 3, 0), (5, 5, 1), (2, 7, 2), (1, 4, 3)]
FAR_APART = torch.tensor([[0.0, -200.0, 5.0], [300.0, 0.0, -10.0], [1.0, 2.0, 3.0]])


def _round(row):
    return [round(v, 4) for v in row.tolist()]


def _same(got, candidate):
    return isinstance(got, torch.Tensor) and got.shape == candidate.shape and \
        torch.allclose(got.float(), candidate.float(), atol=1e-5, rtol=1e-4, equal_nan=True)


@hint("A softmax over the classes, which are dimension 1, so that each row sums to 1: see "
      "`torch.softmax` and its `dim`.", then="return torch.softmax(logits, dim=1)")
def test_probabilities_are_a_softmax_over_classes(learner, reference):
    """probabilities is the softmax over the classes: each row sums to 1"""
    for n, k, seed in CASES:
        z = _logits(n, k, seed)
        what = f"probabilities of {n}×{k} logits"
        got = learner.probabilities(z)
        want = reference.probabilities(z)
        if not _same(got, want):
            if n > 1 and _same(got, torch.softmax(z, dim=0)):
                fail(f"{what}: the columns sum to 1, not the rows: the softmax ran over the batch",
                     hint="dim=1 is the class dimension; dim=0 mixes different examples.",
                     then="return torch.softmax(logits, dim=1)")
            if _same(got, torch.sigmoid(z)):
                fail(f"{what} are sigmoids of the logits: each is in (0, 1), but a row does not sum to 1",
                     hint="The sigmoid is for one yes/no output; several classes need the softmax.",
                     then="return torch.softmax(logits, dim=1)")
            if _same(got, torch.exp(z) / torch.exp(z).sum()):
                fail(f"{what}: all entries together sum to 1, not each row",
                     hint="Normalise each row on its own, not the whole tensor: the softmax takes a `dim`.",
                     then="return torch.softmax(logits, dim=1)")
        assert_tensors_match(got, want, what, atol=1e-6)


@hint("One index per row: `argmax` takes a dimension. Without one, argmax looks at the flattened "
      "tensor.", then="return logits.argmax(dim=1)")
def test_predict_classes_is_argmax_per_row(learner, reference):
    """predict_classes gives the index of the largest logit of each example"""
    for n, k, seed in CASES:
        z = _logits(n, k, seed)
        what = f"predict_classes of {n}×{k} logits"
        got = learner.predict_classes(z)
        want = reference.predict_classes(z)
        if isinstance(got, torch.Tensor) and got.ndim == 0 and n > 1:
            fail(f"{what} is the single number {got.item()}, expected one class per example ({n})",
                 hint="argmax() without dim gives one index into the flattened tensor: the classes "
                      "are dimension 1.", then="return logits.argmax(dim=1)")
        if n != k and isinstance(got, torch.Tensor) and got.shape == (k,):
            fail(f"{what} has shape ({k},): the argmax ran over the batch, one index per class",
                 hint="The classes are dimension 1; dimension 0 runs over the examples.",
                 then="return logits.argmax(dim=1)")
        if isinstance(got, torch.Tensor) and got.is_floating_point():
            fail(f"{what} has dtype {got.dtype}: class indices are int64", hint="argmax gives int64.")
        assert_tensors_match(got, want, what)


@hint("Use `log_softmax` over the classes: it never takes the log of a 0.",
      then="return torch.log_softmax(logits, dim=1)")
def test_log_probabilities_stay_finite(learner, reference):
    """log_probabilities stay finite even for logits far apart"""
    for what, z in [(f"{n}×{k} logits", _logits(n, k, seed)) for n, k, seed in CASES] + \
                   [("logits far apart, like [0, -200, 5]", FAR_APART)]:
        got = learner.log_probabilities(z)
        want = reference.log_probabilities(z)
        if isinstance(got, torch.Tensor) and got.shape == want.shape and bool(torch.isinf(got).any()):
            row = int(torch.isinf(got).reshape(len(got), -1).any(dim=1).nonzero()[0])
            fail(f"log_probabilities of {what}: for row {row}, the logits {_round(z[row])}, it gives "
                 f"{_round(got[row])}, expected {_round(want[row])}: log(softmax(z)) underflows, "
                 "because softmax rounds tiny probabilities to 0",
                 hint="`log_softmax` works from the logits (z minus the logsumexp of z) and never takes "
                      "the log of a 0.",
                 then="return torch.log_softmax(logits, dim=1)")
        if isinstance(got, torch.Tensor) and got.shape == want.shape and z.shape[0] > 1 and \
                _same(got, torch.log_softmax(z, dim=0)):
            fail(f"log_probabilities of {what} ran over the batch (dim=0), not over the classes",
                 hint="The classes are dimension 1: `log_softmax` takes a `dim`.",
                 then="return torch.log_softmax(logits, dim=1)")
        assert_tensors_match(got, want, f"log_probabilities of {what}", atol=1e-4)


@hint("`F.cross_entropy` takes the logits as they are: it applies log_softmax itself.",
      then="return F.cross_entropy(logits, labels)")
def test_cross_entropy_takes_logits(learner, reference):
    """cross_entropy is the mean negative log-probability of the labels, computed from the logits"""
    cases = [(f"{n}×{k} logits", _logits(n, k, seed), _labels(n, k, seed)) for n, k, seed in CASES]
    cases.append(("logits far apart, like [0, -200, 5]", FAR_APART, torch.tensor([1, 2, 0])))
    for what, z, y in cases:
        got = learner.cross_entropy(z, y)
        want = reference.cross_entropy(z, y)
        if isinstance(got, torch.Tensor) and got.numel() == 1 and not _same(got.reshape(()), want):
            got = got.reshape(())
            nll = -torch.log_softmax(z, dim=1)[torch.arange(len(y)), y]
            if _same(got, F.cross_entropy(torch.softmax(z, dim=1), y)):
                fail(f"cross_entropy on {what} is {got.item():.4f}, expected {want.item():.4f}: a softmax "
                     "was applied before F.cross_entropy, which applies one itself",
                     hint="Pass the logits straight to F.cross_entropy: a softmax before it squashes the "
                          "loss and its gradients.", then="return F.cross_entropy(logits, labels)")
            if _same(got, nll.sum()):
                fail(f"cross_entropy on {what} is the sum over the batch, {got.item():.4f}; expected the "
                     f"mean, {want.item():.4f}", hint="Average over the examples: .mean(), not .sum().",
                     then="return F.cross_entropy(logits, labels)  (its reduction is the mean)")
            if _same(got, F.nll_loss(z, y)):
                fail(f"cross_entropy on {what}: F.nll_loss expects log-probabilities, and it was given "
                     "the logits", hint="`F.nll_loss` wants log-probabilities: take `log_softmax` first, "
                                        "or let `F.cross_entropy` do both.",
                 then="F.nll_loss(torch.log_softmax(logits, dim=1), labels), or simply "
                      "F.cross_entropy(logits, labels).")
            if bool(torch.isinf(got)) or bool(torch.isnan(got)):
                fail(f"cross_entropy on {what} is {got.item()}: log(softmax(z)) underflowed to log(0)",
                     hint="Use log_softmax, or F.cross_entropy, which works from the logits.",
                     then="return F.cross_entropy(logits, labels)")
        if not isinstance(got, torch.Tensor):
            fail(f"cross_entropy on {what} returned {describe(got)}, expected a tensor (the loss, "
                 "for backward())")
        assert_tensors_match(got.reshape(()) if got.numel() == 1 else got, want, f"cross_entropy on {what}",
                             atol=1e-4)
