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
                 "`step()` changed the weights before `backward()` could use them: mind the order "
                 "of the three calls in every batch.",
                 "backward() found weights that step() had already changed:",
                 then="In every batch call optimizer.zero_grad(), then loss.backward(), then "
                      "optimizer.step(), in that order and each once."):
        losses = learner.train(model, loader, num_epochs=num_epochs, lr=lr)
    batches = len(loader) * num_epochs
    what = f"train(model, loader of {len(loader)} batches, num_epochs={num_epochs}, lr={lr})"
    if not isinstance(losses, (list, tuple)):
        fail(f"{what} returned {describe(losses)}, expected a list of {batches} losses (one per batch)",
             hint="Collect every batch's loss in a list, and return that list at the end.",
             then="losses = [] before the loops, losses.append(loss.item()) in the loop over batches, "
                  "return losses after the loops.")
    if len(losses) != batches:
        fail(f"{what} returned {len(losses)} losses, expected {batches}: one per batch, "
             f"{len(loader)} batches × {num_epochs} epochs",
             hint="Append the loss inside the loop over batches, not once per epoch.",
             then="losses.append(loss.item()) belongs in the inner loop, "
                  "`for features, labels in train_loader:`, after optimizer.step().")
    for i, loss in enumerate(losses):
        if isinstance(loss, torch.Tensor):
            fail(f"{what}: loss {i} is {describe(loss)}, expected a Python float",
                 hint="Each loss must be a plain Python number, not a tensor: see `.item()`. A tensor "
                      "keeps its whole computation graph (and memory) alive.",
                 then="losses.append(loss.item())")
        if isinstance(loss, bool) or not isinstance(loss, float):
            fail(f"{what}: loss {i} is {describe(loss)}, expected a Python float",
                 hint="Each loss must be a Python float: see `.item()`.",
                 then="losses.append(loss.item())")
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
        "`backward()` adds to `.grad`, it does not replace it: reset the gradients in every "
        "batch (see `zero_grad`).",
        "optimizer.zero_grad() in every batch, before loss.backward()."),
    "softmax": (
        "the loss was computed on softmax probabilities, not on the logits",
        "F.cross_entropy applies log-softmax itself: pass it the logits (the model's raw outputs). "
        "A softmax before it squashes the loss and slows training.",
        "logits = model(features); loss = F.cross_entropy(logits, labels), with no torch.softmax "
        "in between."),
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
             hint="The optimizer never moved the weights: it must hold this model's parameters, "
                  "and `step()` must come after `backward()`, which fills the gradients.",
             then="optimizer = torch.optim.SGD(model.parameters(), lr=lr); in every batch: "
                  "optimizer.zero_grad(), loss.backward(), then optimizer.step().")
    for mistake, (message, advice, code) in MISTAKES.items():
        mistaken_losses, mistaken_params = _train_with_mistake(copy.deepcopy(start), loader, num_epochs,
                                                               lr, mistake)
        if _same_losses(got, mistaken_losses) and _same_params(got_params, mistaken_params):
            fail(f"{what}: {message}.\n  losses {_rounded(got)}\n  expected {_rounded(want)}", hint=advice,
                 then=code)
    for other_lr in (0.5, 0.1, 0.05, 0.01, 0.001, 1.0):
        if other_lr == lr:
            continue
        as_if = reference.train(copy.deepcopy(start), loader, num_epochs=num_epochs, lr=other_lr)
        if _same_losses(got, as_if):
            fail(f"{what}: the model trained as if lr were {other_lr}, not {lr}",
                 hint="Give the optimizer the function's `lr` argument, not a number of your own.",
                 then="torch.optim.SGD(model.parameters(), lr=lr)")
    if not _same_losses(got, want):
        index = next((i for i, (a, b) in enumerate(zip(got, want))
                      if not math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-5)), 0)
        fail(f"{what}: the losses differ from the book's loop from batch {index} on:\n"
             f"  got      {_rounded(got)}\n  expected {_rounded(want)}",
             hint="Plain SGD over the model's parameters, cross-entropy on the logits, and in every "
                  "batch `zero_grad`, `backward`, `step`, and nothing else that changes the weights.",
             then=BOOK_LOOP)
    fail(f"{what}: the losses are right but the weights after training differ from the book's loop",
         hint="Do not change the model after the last batch's optimizer.step().")


BOOK_LOOP = ("optimizer = torch.optim.SGD(model.parameters(), lr=lr); model.train(); for each batch: "
             "logits = model(features); loss = F.cross_entropy(logits, labels); optimizer.zero_grad(); "
             "loss.backward(); optimizer.step(); losses.append(loss.item()).")


def _rounded(losses):
    return [round(x, 4) for x in losses]


# ToyDataset ---------------------------------------------------------------------------------

@hint("Keep the features and the labels in `__init__`; `__getitem__` returns one example's pair "
      "(features, label); `__len__` returns the number of examples.",
      then="In __init__: self.features, self.labels = X, y; __getitem__(self, index) returns "
           "(self.features[index], self.labels[index]); __len__ returns self.labels.shape[0].")
def test_toy_dataset_returns_each_example(learner):
    """ToyDataset gives each example, as a pair of features and label, and its length"""
    torch.manual_seed(4)
    for X, y in [(X_TRAIN, Y_TRAIN), (X_TEST, Y_TEST), (torch.randn(7, 3), torch.randint(0, 3, (7,)))]:
        ds = learner.ToyDataset(X, y)
        if not isinstance(ds, Dataset):
            fail(f"ToyDataset(X, y) is {describe(ds)}, not a torch.utils.data.Dataset",
                 hint="Subclass `torch.utils.data.Dataset`.", then="class ToyDataset(Dataset):")
        if len(ds) != len(y):
            fail(f"len(ToyDataset(X, y)) for {len(y)} examples is {len(ds)}, expected {len(y)}",
                 hint="`__len__` returns the number of examples.", then="return self.labels.shape[0]")
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
@hint("The train loader shuffles and drops its last incomplete batch: see the `shuffle` and "
      "`drop_last` settings of `DataLoader`.",
      then="DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True)")
def test_train_loader_shuffles_and_drops_the_last_batch(learner, batch_size):
    """the train loader shuffles and drops the last incomplete batch"""
    (train_loader, _), train_ds, _ = _make(learner, 7, 5, batch_size)
    if train_loader.dataset is not train_ds:
        fail("the train loader does not load train_ds", hint="Pass train_ds to the train DataLoader.",
             then="DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True)")
    if train_loader.batch_size != batch_size:
        fail(f"make_loaders(..., batch_size={batch_size}) gave a train loader with batch_size "
             f"{train_loader.batch_size}", hint="Pass the `batch_size` argument on to the DataLoader.",
             then="DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True)")
    if not isinstance(train_loader.sampler, RandomSampler):
        fail("the train loader does not shuffle: it gives the examples in the same order every epoch",
             hint="The train loader must shuffle, so that every epoch sees the examples in a new "
                  "order: see `shuffle`.", then="DataLoader(train_ds, ..., shuffle=True, drop_last=True)")
    if not train_loader.drop_last:
        fail(f"the train loader keeps the last incomplete batch (7 examples in batches of {batch_size} "
             f"leave one of {7 % batch_size})",
             hint="The train loader drops its last incomplete batch: a tiny last batch gives a noisy "
                  "update. See `drop_last`.", then="DataLoader(train_ds, ..., shuffle=True, drop_last=True)")
    batches = list(train_loader)
    if len(batches) != 7 // batch_size or any(len(labels) != batch_size for _, labels in batches):
        fail(f"the train loader gave batches of sizes {[len(labels) for _, labels in batches]}, "
             f"expected {7 // batch_size} batches of {batch_size}")


@pytest.mark.parametrize("batch_size", [2, 3])
@hint("No shuffling and no dropping for the test loader, so that every test example is scored "
      "once, in order.", then="DataLoader(test_ds, batch_size=batch_size, shuffle=False)")
def test_test_loader_keeps_every_example_in_order(learner, batch_size):
    """the test loader neither shuffles nor drops examples"""
    (_, test_loader), _, test_ds = _make(learner, 7, 5, batch_size)
    if test_loader.dataset is not test_ds:
        fail("the test loader does not load test_ds", hint="Pass test_ds to the test DataLoader.",
             then="DataLoader(test_ds, batch_size=batch_size, shuffle=False)")
    if test_loader.batch_size != batch_size:
        fail(f"make_loaders(..., batch_size={batch_size}) gave a test loader with batch_size "
             f"{test_loader.batch_size}", hint="Pass the `batch_size` argument on to the DataLoader.",
             then="DataLoader(test_ds, batch_size=batch_size, shuffle=False)")
    if isinstance(test_loader.sampler, RandomSampler):
        fail("the test loader shuffles the examples",
             hint="The test loader must not shuffle: evaluation needs no shuffling, and a fixed "
                  "order makes results reproducible.",
             then="DataLoader(test_ds, batch_size=batch_size): shuffle=False is the default.")
    if test_loader.drop_last:
        fail(f"the test loader drops the last incomplete batch: 5 examples in batches of {batch_size} "
             f"lose {5 % batch_size} of them from the accuracy",
             hint="No drop_last for the test loader: every test example must be scored.",
             then="DataLoader(test_ds, batch_size=batch_size): drop_last=False is the default.")
    features = [x for x, _ in test_loader]
    got = torch.cat(features) if features else torch.empty(0, 2)
    assert_tensors_match(got, test_ds.tensors[0], "the test examples, one batch after the other",
                         hint="The test loader must give every example once, in the dataset's order.")


# train --------------------------------------------------------------------------------------

@hint("Return a list with every batch's loss as a Python float: see `.item()`.",
      then="losses.append(loss.item()) for every batch, and return losses.")
def test_train_returns_a_python_float_per_batch(learner):
    """train returns the loss of every batch as a Python float"""
    loader = _in_order(X_TRAIN, Y_TRAIN, 2, drop_last=True)
    _losses(learner, _net(1), loader, num_epochs=3, lr=0.5)
    _losses(learner, _net(2), _in_order(X_TRAIN, Y_TRAIN, 1, drop_last=True), num_epochs=2, lr=0.1)


@pytest.mark.parametrize("case", ["book data", "other data"])
@hint("Follow the book's loop: plain SGD over the model's parameters, cross-entropy on the logits, "
      "and in every batch reset the gradients, backpropagate, and step.", then=BOOK_LOOP)
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
@hint("Give the optimizer the function's `lr` argument, not a number of your own.",
      then="torch.optim.SGD(model.parameters(), lr=lr)")
def test_train_uses_the_learning_rate_it_is_given(learner, reference, lr):
    """train uses the lr it is given"""
    _compare_training(learner, reference, X_TRAIN, Y_TRAIN, batch_size=2, num_epochs=2, lr=lr,
                      seed=5, what=f"train(..., lr={lr})")


@hint("Put the model in training mode at the start of train: compute_accuracy leaves it in eval "
      "mode, where dropout is off. See `model.train()`.",
      then="model.train() at the start of train (the book does it at the start of each epoch).")
def test_train_puts_the_model_in_training_mode(learner):
    """train puts the model in training mode"""
    model = _net(3, dropout=0.5)
    model.eval()  # as compute_accuracy leaves it
    _losses(learner, model, _in_order(X_TRAIN, Y_TRAIN, 2, drop_last=True), num_epochs=2, lr=0.5)
    modes = [training for training, _ in model.calls]
    if not modes:
        fail("train never called the model", hint="Call the model on the features of every batch.",
             then="logits = model(features) in the loop over batches.")
    if not all(modes):
        fail(f"train ran {modes.count(False)} of {len(modes)} forward passes with the model in eval "
             "mode (dropout off): a model handed over in eval mode stayed there")


# compute_accuracy ---------------------------------------------------------------------------

def _same_accuracy(got, want):
    """Equal as float32 arithmetic allows: the book counts in a float32 tensor, and its 3/5 is
    0.6000000238. A wrong count or a mean of batch means misses by far more (1/n or so)."""
    return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-7)


def _accuracy(learner, model, loader, what, want):
    got = learner.compute_accuracy(model, loader)
    if isinstance(got, torch.Tensor):
        fail(f"compute_accuracy({what}) returned {describe(got)}, expected the Python float {want!r}",
             hint="Return a Python float, not a tensor: see `.item()`.",
             then="Count with correct += (predictions == labels).sum().item() and divide Python "
                  "numbers, or call .item() on the result.")
    if isinstance(got, bool) or not isinstance(got, float):
        fail(f"compute_accuracy({what}) returned {describe(got)}, expected the Python float {want!r}",
             hint="Divide with `/`, not `//`: true division of two counts gives a Python float.",
             then="return correct / total_examples")
    return got


@hint("Add up the correct predictions and the examples over all batches, and divide once at the "
      "end: a mean of per-batch accuracies weighs a last batch of 1 example like a full one.",
      then="correct += (predictions == labels).sum().item() and total_examples += len(labels) in "
           "the loop; return correct / total_examples after it.")
def test_compute_accuracy_counts_examples_not_batches(learner, reference):
    """compute_accuracy is the fraction of examples right, not a mean over batches"""
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [1.0, 3.0], [0.5, 0.2]])
    y = torch.tensor([0, 1, 0, 0, 1])  # right, right | right, wrong | wrong: 3 of 5
    loader = _in_order(X, y, 2, drop_last=False)
    model = _ArgmaxOfFeatures()
    want = reference.compute_accuracy(model, loader)
    got = _accuracy(learner, model, loader, "5 examples in batches of 2, 3 right", want)
    if not _same_accuracy(got, want):
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
        if not _same_accuracy(got, want):
            fail(f"compute_accuracy on 11 examples in batches of {batch_size} is {got}, expected {want}")


@hint("Evaluate in eval mode: in training mode dropout switches off random units, so the "
      "predictions (and the accuracy) change from run to run. See `model.eval()`.",
      then="model.eval() at the start of compute_accuracy.")
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
        changed = f"it gave {got} where eval mode gives {want}" if not _same_accuracy(got, want) \
            else "the answer could change from run to run"
        fail(f"compute_accuracy ran the model in training mode, with dropout active: {changed}")
    if not _same_accuracy(got, want):
        fail(f"compute_accuracy of a model with dropout is {got}, expected {want}")


@hint("Evaluation needs no gradients: see `torch.no_grad`. Without it every forward pass builds a "
      "graph that costs memory and time.",
      then="with torch.no_grad(): around the loop over the batches.")
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

@hint("Follow Listings A.9 and A.10; the other checks say which piece is off.",
      then="torch.manual_seed(123); model = NeuralNetwork(2, 2); "
           "train(model, train_loader, num_epochs=3, lr=0.5).")
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
        if not _same_accuracy(accuracy, 1.0):
            fail(f"after train(model, train_loader, num_epochs=3, lr=0.5) on the book's data the "
                 f"{name} accuracy is {accuracy}, expected 1.0 (losses {_rounded(losses)})")
    mine = _accuracy(learner, model, test_loader, "the trained model, on the book's test data", 1.0)
    if not _same_accuracy(mine, 1.0):
        fail(f"compute_accuracy(model, test_loader) of the trained model is {mine}, but it gets "
             "both test examples right: expected 1.0")
