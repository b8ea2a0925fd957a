"""Hidden checks: 13 training_loop."""

import copy
import math

import pytest
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, RandomSampler, TensorDataset

from torch_dojo.testing import assert_tensors_match, describe, fail, hint, hint_on

# The book's toy data (Listings A.5 and A.6).
X_TRAIN = torch.tensor([[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]])
Y_TRAIN = torch.tensor([0, 0, 0, 1, 1])
X_TEST = torch.tensor([[-0.8, 2.8], [2.6, -1.6]])
Y_TEST = torch.tensor([0, 1])


class _Net(torch.nn.Module):
    """Listing A.4 (with optional dropout) that notes, at every forward, its mode and
    whether autograd is recording."""

    def __init__(self, num_inputs=2, num_outputs=2, dropout=0.0):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(num_inputs, 30), torch.nn.ReLU(), torch.nn.Dropout(dropout),
            torch.nn.Linear(30, 20), torch.nn.ReLU(), torch.nn.Dropout(dropout),
            torch.nn.Linear(20, num_outputs),
        )
        self.calls = []  # (training, grad enabled) at each forward

    def forward(self, x):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.layers(x)


class _ArgmaxOfFeatures(torch.nn.Module):
    """Logits = the features themselves (an identity Linear): predicts argmax(x)."""

    def __init__(self, dropout=0.0):
        super().__init__()
        self.linear = torch.nn.Linear(2, 2)
        self.dropout = torch.nn.Dropout(dropout)
        with torch.no_grad():
            self.linear.weight.copy_(torch.eye(2))
            self.linear.bias.zero_()
        self.calls = []

    def forward(self, x):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.dropout(self.linear(x))


def _net(seed, num_inputs=2, num_outputs=2, dropout=0.0):
    torch.manual_seed(seed)
    return _Net(num_inputs, num_outputs, dropout)


def _in_order(X, y, batch_size, drop_last):
    """A loader the check controls: no shuffling, so every run sees the same batches."""
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=False, drop_last=drop_last)


def _params(model):
    return [p.detach().clone() for p in model.parameters()]


def _same_params(a, b, atol=1e-5):
    return all(torch.allclose(p, q, atol=atol, rtol=1e-4) for p, q in zip(a, b))


def _same_losses(a, b):
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-4, abs_tol=1e-5) for x, y in zip(a, b))


def _losses(learner, model, loader, num_epochs, lr):
    """Run the learner's train and insist on one Python float per batch."""
    with hint_on("modified by an inplace operation",
                 "optimizer.step() changed the weights before loss.backward() could use them: in "
                 "every batch call optimizer.zero_grad(), then loss.backward(), then optimizer.step().",
                 "backward() found weights that step() had already changed:"):
        losses = learner.train(model, loader, num_epochs=num_epochs, lr=lr)
    batches = len(loader) * num_epochs
    what = f"train(model, loader of {len(loader)} batches, num_epochs={num_epochs}, lr={lr})"
    if not isinstance(losses, (list, tuple)):
        fail(f"{what} returned {describe(losses)}, expected a list of {batches} losses (one per batch)",
             hint="Start with losses = [], append every batch's loss, and return losses at the end.")
    if len(losses) != batches:
        fail(f"{what} returned {len(losses)} losses, expected {batches}: one per batch, "
             f"{len(loader)} batches × {num_epochs} epochs",
             hint="Append the loss inside the loop over batches, not once per epoch.")
    for i, loss in enumerate(losses):
        if isinstance(loss, torch.Tensor):
            fail(f"{what}: loss {i} is {describe(loss)}, expected a Python float",
                 hint="Append loss.item(): a tensor keeps its whole computation graph (and memory) "
                      "alive, and it is not a number you can print or plot.")
        if isinstance(loss, bool) or not isinstance(loss, float):
            fail(f"{what}: loss {i} is {describe(loss)}, expected a Python float",
                 hint="Append loss.item(), the loss as a Python float.")
    return list(losses)


def _train_with_mistake(model, loader, num_epochs, lr, mistake):
    """How the book's loop goes when it makes `mistake`, to name a learner's mistake."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    model.train()
    for _ in range(num_epochs):
        for features, labels in loader:
            logits = model(features)
            if mistake == "softmax":
                loss = F.cross_entropy(torch.softmax(logits, dim=1), labels)
            else:
                loss = F.cross_entropy(logits, labels)
            if mistake == "no zero_grad":
                loss.backward()
                optimizer.step()
            else:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            losses.append(loss.item())
    return losses, _params(model)


MISTAKES = {
    "no zero_grad": (
        "the gradients add up from batch to batch: they are never reset",
        "Call optimizer.zero_grad() in every batch, before loss.backward(): backward() adds to "
        ".grad, it does not replace it."),
    "softmax": (
        "the loss was computed on softmax probabilities, not on the logits",
        "F.cross_entropy applies log-softmax itself: pass it the logits (the model's raw outputs). "
        "A softmax before it squashes the loss and slows training."),
}


def _compare_training(learner, reference, X, y, *, batch_size, num_epochs, lr, seed, what):
    loader = _in_order(X, y, batch_size, drop_last=True)
    model = _net(seed, X.shape[1], int(y.max()) + 1)
    start = copy.deepcopy(model)
    theirs = copy.deepcopy(model)
    got = _losses(learner, model, loader, num_epochs, lr)
    want = reference.train(theirs, loader, num_epochs=num_epochs, lr=lr)
    got_params, want_params = _params(model), _params(theirs)
    if _same_losses(got, want) and _same_params(got_params, want_params):
        return got
    if _same_params(got_params, _params(start), atol=0):
        fail(f"{what}: the weights never changed (losses {_rounded(got)})",
             hint="In every batch: optimizer.zero_grad(), loss.backward(), then optimizer.step(); "
                  "build the optimizer from model.parameters(). A step() before backward() finds "
                  "no gradients and changes nothing.")
    for mistake, (message, advice) in MISTAKES.items():
        mistaken_losses, mistaken_params = _train_with_mistake(copy.deepcopy(start), loader, num_epochs,
                                                               lr, mistake)
        if _same_losses(got, mistaken_losses) and _same_params(got_params, mistaken_params):
            fail(f"{what}: {message}.\n  losses {_rounded(got)}\n  expected {_rounded(want)}", hint=advice)
    for other_lr in (0.5, 0.1, 0.05, 0.01, 0.001, 1.0):
        if other_lr == lr:
            continue
        as_if = reference.train(copy.deepcopy(start), loader, num_epochs=num_epochs, lr=other_lr)
        if _same_losses(got, as_if):
            fail(f"{what}: the model trained as if lr were {other_lr}, not {lr}",
                 hint="Pass the function's lr to the optimizer: torch.optim.SGD(model.parameters(), lr=lr).")
    if not _same_losses(got, want):
        index = next((i for i, (a, b) in enumerate(zip(got, want))
                      if not math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-5)), 0)
        fail(f"{what}: the losses differ from the book's loop from batch {index} on:\n"
             f"  got      {_rounded(got)}\n  expected {_rounded(want)}",
             hint="Plain SGD(model.parameters(), lr=lr) and F.cross_entropy(logits, labels); in every "
                  "batch zero_grad, backward, step, and nothing else that changes the weights.")
    fail(f"{what}: the losses are right but the weights after training differ from the book's loop",
         hint="Do not change the model after the last batch's optimizer.step().")


def _rounded(losses):
    return [round(x, 4) for x in losses]


# ToyDataset ---------------------------------------------------------------------------------

@hint("Keep X and y in __init__; __getitem__(i) returns (self.features[i], self.labels[i]); "
      "__len__ returns the number of rows.")
def test_toy_dataset_returns_each_example(learner):
    """ToyDataset(X, y) gives (X[i], y[i]) and its length"""
    torch.manual_seed(4)
    for X, y in [(X_TRAIN, Y_TRAIN), (X_TEST, Y_TEST), (torch.randn(7, 3), torch.randint(0, 3, (7,)))]:
        ds = learner.ToyDataset(X, y)
        if not isinstance(ds, Dataset):
            fail(f"ToyDataset(X, y) is {describe(ds)}, not a torch.utils.data.Dataset",
                 hint="Subclass it: class ToyDataset(Dataset):")
        if len(ds) != len(y):
            fail(f"len(ToyDataset(X, y)) for {len(y)} examples is {len(ds)}, expected {len(y)}",
                 hint="__len__ returns the number of examples: self.labels.shape[0].")
        for i in range(len(y)):
            item = ds[i]
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                fail(f"ToyDataset(X, y)[{i}] is {describe(item)}, expected the pair (X[{i}], y[{i}])")
            assert_tensors_match(item[0], X[i], f"the features of ToyDataset(X, y)[{i}]")
            assert_tensors_match(item[1], y[i], f"the label of ToyDataset(X, y)[{i}]")


# make_loaders -------------------------------------------------------------------------------

def _make(learner, n_train, n_test, batch_size):
    train_ds = TensorDataset(torch.randn(n_train, 2), torch.randint(0, 2, (n_train,)))
    test_ds = TensorDataset(torch.arange(n_test * 2.0).reshape(n_test, 2), torch.arange(n_test) % 2)
    loaders = learner.make_loaders(train_ds, test_ds, batch_size=batch_size)
    if not isinstance(loaders, (tuple, list)) or len(loaders) != 2:
        fail(f"make_loaders returned {describe(loaders)}, expected (train_loader, test_loader)")
    for name, loader in zip(("train_loader", "test_loader"), loaders):
        if not isinstance(loader, DataLoader):
            fail(f"{name} is {describe(loader)}, expected a torch.utils.data.DataLoader")
    return loaders, train_ds, test_ds


@pytest.mark.parametrize("batch_size", [2, 3])
@hint("DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True).")
def test_train_loader_shuffles_and_drops_the_last_batch(learner, batch_size):
    """the train loader shuffles and drops the last incomplete batch"""
    (train_loader, _), train_ds, _ = _make(learner, 7, 5, batch_size)
    if train_loader.dataset is not train_ds:
        fail("the train loader does not load train_ds", hint="Pass train_ds to the train DataLoader.")
    if train_loader.batch_size != batch_size:
        fail(f"make_loaders(..., batch_size={batch_size}) gave a train loader with batch_size "
             f"{train_loader.batch_size}", hint="Pass batch_size=batch_size to DataLoader.")
    if not isinstance(train_loader.sampler, RandomSampler):
        fail("the train loader does not shuffle: it gives the examples in the same order every epoch",
             hint="shuffle=True for the train loader, so that every epoch sees the examples in a "
                  "new order.")
    if not train_loader.drop_last:
        fail(f"the train loader keeps the last incomplete batch (7 examples in batches of {batch_size} "
             f"leave one of {7 % batch_size})",
             hint="drop_last=True for the train loader: a tiny last batch gives a noisy update.")
    batches = list(train_loader)
    if len(batches) != 7 // batch_size or any(len(labels) != batch_size for _, labels in batches):
        fail(f"the train loader gave batches of sizes {[len(labels) for _, labels in batches]}, "
             f"expected {7 // batch_size} batches of {batch_size}")


@pytest.mark.parametrize("batch_size", [2, 3])
@hint("DataLoader(test_ds, batch_size=batch_size, shuffle=False): no shuffling and no drop_last, "
      "so every test example is scored once, in order.")
def test_test_loader_keeps_every_example_in_order(learner, batch_size):
    """the test loader neither shuffles nor drops examples"""
    (_, test_loader), _, test_ds = _make(learner, 7, 5, batch_size)
    if test_loader.dataset is not test_ds:
        fail("the test loader does not load test_ds", hint="Pass test_ds to the test DataLoader.")
    if test_loader.batch_size != batch_size:
        fail(f"make_loaders(..., batch_size={batch_size}) gave a test loader with batch_size "
             f"{test_loader.batch_size}", hint="Pass batch_size=batch_size to DataLoader.")
    if isinstance(test_loader.sampler, RandomSampler):
        fail("the test loader shuffles the examples",
             hint="shuffle=False (the default) for the test loader: evaluation needs no shuffling, "
                  "and a fixed order makes results reproducible.")
    if test_loader.drop_last:
        fail(f"the test loader drops the last incomplete batch: 5 examples in batches of {batch_size} "
             f"lose {5 % batch_size} of them from the accuracy",
             hint="No drop_last for the test loader: every test example must be scored.")
    features = [x for x, _ in test_loader]
    got = torch.cat(features) if features else torch.empty(0, 2)
    assert_tensors_match(got, test_ds.tensors[0], "the test examples, one batch after the other",
                         hint="The test loader must give every example once, in the dataset's order.")


# train --------------------------------------------------------------------------------------

@hint("losses.append(loss.item()) for every batch, and return losses.")
def test_train_returns_a_python_float_per_batch(learner):
    """train returns the loss of every batch as a Python float"""
    loader = _in_order(X_TRAIN, Y_TRAIN, 2, drop_last=True)
    _losses(learner, _net(1), loader, num_epochs=3, lr=0.5)
    _losses(learner, _net(2), _in_order(X_TRAIN, Y_TRAIN, 1, drop_last=True), num_epochs=2, lr=0.1)


@pytest.mark.parametrize("case", ["book data", "other data"])
@hint("SGD(model.parameters(), lr=lr); for each batch: logits = model(features), "
      "loss = F.cross_entropy(logits, labels), optimizer.zero_grad(), loss.backward(), optimizer.step().")
def test_train_matches_the_book_loop(learner, reference, case):
    """train gives the same losses and weights as the book's loop"""
    if case == "book data":
        _compare_training(learner, reference, X_TRAIN, Y_TRAIN, batch_size=2, num_epochs=3, lr=0.5,
                          seed=123, what="train on the book's data (batches of 2, in order)")
    else:
        torch.manual_seed(7)
        X, y = torch.randn(12, 3), torch.randint(0, 3, (12,))
        _compare_training(learner, reference, X, y, batch_size=4, num_epochs=4, lr=0.2, seed=8,
                          what="train on 12 random examples with 3 features and 3 classes")


@pytest.mark.parametrize("lr", [0.05, 1.0])
@hint("Give the optimizer the lr argument: torch.optim.SGD(model.parameters(), lr=lr), not a number.")
def test_train_uses_the_learning_rate_it_is_given(learner, reference, lr):
    """train uses the lr it is given"""
    _compare_training(learner, reference, X_TRAIN, Y_TRAIN, batch_size=2, num_epochs=2, lr=lr,
                      seed=5, what=f"train(..., lr={lr})")


@hint("Call model.train() at the start of train (the book does it at the start of each epoch): "
      "compute_accuracy leaves the model in eval mode, where dropout is off.")
def test_train_puts_the_model_in_training_mode(learner):
    """train puts the model in training mode"""
    model = _net(3, dropout=0.5)
    model.eval()  # as compute_accuracy leaves it
    _losses(learner, model, _in_order(X_TRAIN, Y_TRAIN, 2, drop_last=True), num_epochs=2, lr=0.5)
    modes = [training for training, _ in model.calls]
    if not modes:
        fail("train never called the model", hint="Compute logits = model(features) for every batch.")
    if not all(modes):
        fail(f"train ran {modes.count(False)} of {len(modes)} forward passes with the model in eval "
             "mode (dropout off): a model handed over in eval mode stayed there")


# compute_accuracy ---------------------------------------------------------------------------

def _accuracy(learner, model, loader, what, want):
    got = learner.compute_accuracy(model, loader)
    if isinstance(got, torch.Tensor):
        fail(f"compute_accuracy({what}) returned {describe(got)}, expected the Python float {want!r}",
             hint="Return a Python float: count with .sum().item() and divide Python numbers, or call "
                  ".item() on the result.")
    if isinstance(got, bool) or not isinstance(got, float):
        fail(f"compute_accuracy({what}) returned {describe(got)}, expected the Python float {want!r}",
             hint="correct / total_examples with `/` (not `//`) gives a Python float.")
    return got


@hint("Add up the correct predictions and the examples over all batches, and divide once at the "
      "end: a mean of per-batch accuracies weighs a last batch of 1 example like a full one.")
def test_compute_accuracy_counts_examples_not_batches(learner, reference):
    """compute_accuracy is the fraction of examples right, not a mean over batches"""
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [1.0, 3.0], [0.5, 0.2]])
    y = torch.tensor([0, 1, 0, 0, 1])  # right, right | right, wrong | wrong: 3 of 5
    loader = _in_order(X, y, 2, drop_last=False)
    model = _ArgmaxOfFeatures()
    want = reference.compute_accuracy(model, loader)
    got = _accuracy(learner, model, loader, "5 examples in batches of 2, 3 right", want)
    if not math.isclose(got, want, abs_tol=1e-9):
        per_batch = (1.0 + 0.5 + 0.0) / 3
        advice = (f" {per_batch} is the mean of the batch accuracies 1.0, 0.5 and 0.0: the last "
                  "batch holds only one example.") if math.isclose(got, per_batch, abs_tol=1e-6) else ""
        fail(f"compute_accuracy on 5 examples in batches of 2, 3 of them predicted right, is {got}, "
             f"expected {want} (3 / 5).{advice}")
    torch.manual_seed(9)
    X, y = torch.randn(11, 2), torch.randint(0, 2, (11,))
    for batch_size in (3, 4, 11):
        loader = _in_order(X, y, batch_size, drop_last=False)
        want = reference.compute_accuracy(model, loader)
        got = _accuracy(learner, model, loader, f"11 examples in batches of {batch_size}", want)
        if not math.isclose(got, want, abs_tol=1e-9):
            fail(f"compute_accuracy on 11 examples in batches of {batch_size} is {got}, expected {want}")


@hint("Call model.eval() at the start of compute_accuracy: in training mode dropout switches off "
      "random units, so the predictions (and the accuracy) change from run to run.")
def test_compute_accuracy_uses_eval_mode(learner, reference):
    """compute_accuracy evaluates the model in eval mode (dropout off)"""
    torch.manual_seed(10)
    X = torch.rand(40, 2) + 0.5  # both features positive: dropping the larger one flips the answer
    y = X.argmax(dim=1)
    loader = _in_order(X, y, 8, drop_last=False)
    model = _ArgmaxOfFeatures(dropout=0.5)
    want = reference.compute_accuracy(copy.deepcopy(model), loader)  # 1.0 in eval mode
    model.train()  # as train leaves it
    model.calls.clear()
    torch.manual_seed(12)
    got = _accuracy(learner, model, loader, "a model with dropout", want)
    if any(training for training, _ in model.calls):
        changed = f"it gave {got} where eval mode gives {want}" if not math.isclose(got, want) \
            else "the answer could change from run to run"
        fail(f"compute_accuracy ran the model in training mode, with dropout active: {changed}")
    if not math.isclose(got, want, abs_tol=1e-9):
        fail(f"compute_accuracy of a model with dropout is {got}, expected {want}")


@hint("Wrap the loop in `with torch.no_grad():` — evaluation needs no gradients, and without it "
      "every forward pass builds a graph that costs memory and time.")
def test_compute_accuracy_builds_no_graph(learner, reference):
    """compute_accuracy runs the model without building a graph"""
    loader = _in_order(X_TEST, Y_TEST, 2, drop_last=False)
    model = _net(13)
    want = reference.compute_accuracy(copy.deepcopy(model), loader)
    _accuracy(learner, model, loader, "the book's test data", want)
    recording = [grad for _, grad in model.calls]
    if any(recording):
        fail(f"compute_accuracy ran {sum(recording)} of {len(recording)} forward passes with autograd "
             "recording a graph")


# The whole book example ---------------------------------------------------------------------

@hint("Follow Listings A.9 and A.10: torch.manual_seed(123), NeuralNetwork(2, 2), "
      "train(model, train_loader, num_epochs=3, lr=0.5); the other checks say which piece is off.")
def test_the_book_example_reaches_full_accuracy(learner, reference, record):
    """on the book's toy data the trained model gets every example right"""
    torch.manual_seed(123)
    train_loader, test_loader = learner.make_loaders(learner.ToyDataset(X_TRAIN, Y_TRAIN),
                                                     learner.ToyDataset(X_TEST, Y_TEST), batch_size=2)
    torch.manual_seed(123)
    model = _Net(2, 2)
    losses = _losses(learner, model, train_loader, num_epochs=3, lr=0.5)
    record("losses", losses)
    for name, loader in (("training", _in_order(X_TRAIN, Y_TRAIN, 5, drop_last=False)),
                         ("test", test_loader)):
        accuracy = reference.compute_accuracy(model, loader)
        if accuracy != 1.0:
            fail(f"after train(model, train_loader, num_epochs=3, lr=0.5) on the book's data the "
                 f"{name} accuracy is {accuracy}, expected 1.0 (losses {_rounded(losses)})")
    mine = _accuracy(learner, model, test_loader, "the trained model, on the book's test data", 1.0)
    if mine != 1.0:
        fail(f"compute_accuracy(model, test_loader) of the trained model is {mine}, but it gets "
             "both test examples right: expected 1.0")
