"""Hidden checks: 14 eval_save_load."""

import copy
import math
import pickle

import pytest
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from torch_dojo.testing import describe, fail, hint, hint_on


class _Net(torch.nn.Module):
    """Listing A.4 with dropout, noting at every forward its mode and whether a graph is recorded."""

    def __init__(self, num_inputs=2, num_outputs=3, dropout=0.0):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(num_inputs, 30), torch.nn.ReLU(), torch.nn.Dropout(dropout),
            torch.nn.Linear(30, 20), torch.nn.ReLU(), torch.nn.Linear(20, num_outputs))
        self.calls = []

    def forward(self, x):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.layers(x)


def _loader(n, batch_size, seed, num_inputs=2, num_classes=3):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, num_inputs, generator=g) * 2
    y = torch.randint(0, num_classes, (n,), generator=g)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size)


def _same_accuracy(got, want):
    """Equal as float32 arithmetic allows: `(logits.argmax(1) == labels).float().mean().item()`
    gives 4/7 as 0.5714285969. A wrong count or a mean of batch means misses by 1/n or so."""
    return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-7)


def _evaluate(learner, model, loader, what):
    got = learner.evaluate(model, loader)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(f"evaluate({what}) returned {describe(got)}, expected the pair (loss, accuracy)")
    for name, value in zip(("loss", "accuracy"), got):
        if isinstance(value, torch.Tensor) or isinstance(value, bool) or not isinstance(value, float):
            fail(f"the {name} from evaluate({what}) is {describe(value)}, expected a Python float",
                 hint="Return Python floats, not tensors: see `.item()`.",
                 then="total_loss += F.cross_entropy(logits, labels, reduction='sum').item() and "
                      "correct += (logits.argmax(dim=1) == labels).sum().item(); divide both by the "
                      "number of examples at the end.")
    return got


@hint("Add up the loss of every example (see the `reduction` of cross-entropy, or weigh each batch "
      "mean by its size) and the number of examples, and divide once at the end.",
      then="total_loss += F.cross_entropy(logits, labels, reduction='sum').item(); "
           "correct += (logits.argmax(dim=1) == labels).sum().item(); examples += len(labels); "
           "return total_loss / examples, correct / examples")
def test_evaluate_averages_over_examples(learner, reference):
    """evaluate gives the mean loss and the accuracy over examples, not over batches"""
    for n, batch_size, seed in [(7, 3, 0), (10, 4, 1), (5, 5, 2)]:
        torch.manual_seed(seed)
        model = _Net()
        loader = _loader(n, batch_size, seed)
        what = f"a model, {n} examples in batches of {batch_size}"
        loss, accuracy = _evaluate(learner, model, loader, what)
        want_loss, want_accuracy = reference.evaluate(copy.deepcopy(model), loader)
        batch_losses = [F.cross_entropy(model(x), y).item() for x, y in loader]
        batch_accuracies = [(model(x).argmax(1) == y).float().mean().item() for x, y in loader]
        if not math.isclose(loss, want_loss, rel_tol=1e-4):
            advice = ""
            if math.isclose(loss, sum(batch_losses) / len(batch_losses), rel_tol=1e-4):
                advice = " That is the mean of the batch means: the last, smaller batch weighs as much as a full one."
            elif math.isclose(loss, sum(batch_losses), rel_tol=1e-4):
                advice = " That is the sum of the batch means: divide by the number of examples."
            fail(f"evaluate({what}) gave loss {loss:.4f}, expected {want_loss:.4f}.{advice}")
        if not _same_accuracy(accuracy, want_accuracy):
            advice = ""
            if math.isclose(accuracy, sum(batch_accuracies) / len(batch_accuracies), abs_tol=1e-6):
                advice = " That is the mean of the batch accuracies: count correct examples over all batches."
            fail(f"evaluate({what}) gave accuracy {accuracy}, expected {want_accuracy}.{advice}")


@pytest.mark.parametrize("mode", ["train", "eval"])
@hint("Evaluate in eval mode and without a graph (`model.eval()`, `torch.no_grad`), and leave the "
      "model in the mode it came in: `model.training` says which.",
      then="was_training = model.training; model.eval(); the loop inside `with torch.no_grad():`; "
           "then model.train(was_training) before returning.")
def test_evaluate_uses_eval_mode_and_restores_the_mode(learner, reference, mode):
    """evaluate runs in eval mode without a graph and puts the mode back"""
    torch.manual_seed(3)
    model = _Net(dropout=0.5)
    model.train(mode == "train")
    loader = _loader(12, 4, 3)
    want = reference.evaluate(copy.deepcopy(model), loader)
    model.calls.clear()
    got = _evaluate(learner, model, loader, f"a model with dropout, handed over in {mode} mode")
    if not model.calls:
        fail("evaluate never called the model")
    if any(training for training, _ in model.calls):
        fail("evaluate ran the model in training mode: dropout was active, so the loss and accuracy "
             "change from run to run", hint="Switch dropout off for evaluation: see `model.eval()`.",
             then="model.eval() before the loop (and model.train(was_training) after it).")
    if any(grad for _, grad in model.calls):
        fail("evaluate recorded a graph for every batch",
             hint="Evaluation needs no gradients: see `torch.no_grad`.",
             then="Put the loop inside `with torch.no_grad():`.")
    if model.training != (mode == "train"):
        fail(f"the model came to evaluate in {mode} mode and left it in "
             f"{'train' if model.training else 'eval'} mode",
             hint="Remember the mode the model came in (`model.training`) and put it back at the end: "
                  "a training loop that evaluates every epoch would otherwise go on without dropout.",
             then="was_training = model.training at the start; model.train(was_training) at the end.")
    if not (math.isclose(got[0], want[0], rel_tol=1e-4) and _same_accuracy(got[1], want[1])):
        fail(f"evaluate gave {got}, expected {want}")


def _ref_model(seed, num_inputs=2, num_outputs=3):
    torch.manual_seed(seed)
    return _Net(num_inputs, num_outputs)


@hint("Save the weights alone, as a dict of tensors (see `state_dict`): saving the model itself "
      "pickles the whole object, which needs your class (and trust) to load.",
      then="torch.save(model.state_dict(), path)")
def test_save_model_writes_the_state_dict(learner, tmp_path):
    """save_model writes the state_dict, loadable with weights_only=True"""
    model = _ref_model(4)
    for path in (tmp_path / "model.pth", str(tmp_path / "as_str.pth")):
        learner.save_model(model, path)
        try:
            saved = torch.load(path, weights_only=True)
        except FileNotFoundError:
            fail(f"save_model(model, {str(path)!r}) wrote no file there",
                 hint="Write to the path you are given: see `torch.save`.",
                 then="torch.save(model.state_dict(), path)")
        except pickle.UnpicklingError:
            fail("the file save_model wrote is not a state_dict: torch.load(path, weights_only=True) "
                 "refuses it, so it holds a pickled object (the whole model?)")
        want = model.state_dict()
        if not isinstance(saved, dict) or set(saved) != set(want):
            fail(f"the file save_model wrote holds {describe(saved)}; expected the state_dict with keys "
                 f"{sorted(want)}")
        for key, tensor in want.items():
            if not isinstance(saved[key], torch.Tensor) or not torch.equal(saved[key], tensor):
                fail(f"the saved {key} differs from the model's")


@hint("Build a fresh network, load the saved weights into it (`torch.load`, `load_state_dict`), "
      "switch it to eval mode and return the network: `load_state_dict` returns a report of keys, "
      "not the model.",
      then="model = NeuralNetwork(num_inputs, num_outputs); "
           "model.load_state_dict(torch.load(path, weights_only=True)); model.eval(); return model")
def test_load_model_restores_the_weights_in_eval_mode(learner, reference, tmp_path):
    """load_model gives a network with the saved weights, in eval mode"""
    for num_inputs, num_outputs, seed in [(2, 2, 0), (5, 3, 1)]:
        saved = reference.NeuralNetwork(num_inputs, num_outputs)
        torch.manual_seed(seed + 10)
        with torch.no_grad():
            for p in saved.parameters():
                p.add_(torch.randn_like(p))
        path = tmp_path / f"model_{seed}.pth"
        torch.save(saved.state_dict(), path)
        what = f"load_model(path, {num_inputs}, {num_outputs})"
        model = learner.load_model(path, num_inputs, num_outputs)
        if not isinstance(model, torch.nn.Module):
            advice = (" That is what load_state_dict returns: the keys it missed, not the model."
                      if type(model).__name__ == "_IncompatibleKeys" else "")
            fail(f"{what} returned {describe(model)}, expected the model.{advice}")
        if model.training:
            fail(f"{what} returned a model in training mode", hint="Switch it to eval mode before "
                 "returning it (`model.eval()`): it is loaded for predictions, and dropout or batch norm "
                 "behave differently in training.", then="model.eval(); return model")
        x = torch.randn(6, num_inputs)
        with torch.no_grad():
            got, want = model(x), saved(x)
        if not torch.allclose(got, want, atol=1e-6):
            fail(f"{what} predicts other values than the saved model: the weights were not loaded",
                 hint="Load the saved weights into the network you return: see `load_state_dict`.",
                 then="model.load_state_dict(torch.load(path, weights_only=True))")


@hint("Keep load_state_dict strict (the default): strict=False skips every key that does not fit, "
      "and the model keeps its random weights without a word.")
def test_load_model_refuses_a_file_that_does_not_fit(learner, reference, tmp_path):
    """load_model raises for a file saved from another architecture"""
    state = reference.NeuralNetwork(2, 2).state_dict()
    path = tmp_path / "renamed.pth"
    torch.save({f"net.{key}": value for key, value in state.items()}, path)
    try:
        learner.load_model(path, 2, 2)
    except NotImplementedError:
        raise
    except Exception:  # noqa: BLE001 - any error will do: the mismatch was noticed
        return
    fail("load_model loaded a file whose keys (net.layers.0.weight, ...) match none of the model's, "
         "without an error: the model kept its random weights")


def _train_steps(model, optimizer, steps, seed):
    g = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        x, y = torch.randn(8, 2, generator=g), torch.randint(0, 3, (8,), generator=g)
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()


@hint("Save one dict with the model's and the optimizer's state dicts and the epoch; when loading, "
      "restore both with `load_state_dict` and return the epoch.",
      then="torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(), "
           "'epoch': epoch}, path); then checkpoint = torch.load(path, weights_only=True), "
           "load_state_dict on both, return checkpoint['epoch'].")
def test_checkpoint_resumes_training_exactly(learner, tmp_path):
    """a checkpoint resumes training exactly: model, optimizer and epoch"""
    model = _ref_model(7)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    _train_steps(model, optimizer, 3, seed=1)
    path = tmp_path / "checkpoint.pth"
    learner.save_checkpoint(model, optimizer, 3, path)
    _train_steps(model, optimizer, 3, seed=2)
    uninterrupted = [p.detach().clone() for p in model.parameters()]

    fresh = _ref_model(8)
    fresh_optimizer = torch.optim.Adam(fresh.parameters(), lr=0.01)
    with hint_on(r"Weights only load failed|weights_only", "Save plain data (state dicts, numbers): "
                 "torch.load refuses pickled objects by default.",
                 then="Save model.state_dict() and optimizer.state_dict(), not the model or the "
                      "optimizer themselves."):
        epoch = learner.load_checkpoint(path, fresh, fresh_optimizer)
    if epoch != 3 or isinstance(epoch, bool):
        fail(f"load_checkpoint returned {describe(epoch)}, expected the saved epoch 3")
    if not fresh_optimizer.state:
        fail("after load_checkpoint the optimizer has no state: Adam's running averages were not "
             "restored, so training resumes differently",
             hint="The optimizer has state of its own: save it in the checkpoint and restore it when "
                  "loading (see `state_dict`).",
             then="'optimizer': optimizer.state_dict() in the saved dict, and "
                  "optimizer.load_state_dict(checkpoint['optimizer']) when loading.")
    _train_steps(fresh, fresh_optimizer, 3, seed=2)
    resumed = [p.detach() for p in fresh.parameters()]
    if not all(torch.allclose(a, b, atol=1e-6) for a, b in zip(resumed, uninterrupted)):
        fail("training resumed from the checkpoint ends with other weights than training without a break")
