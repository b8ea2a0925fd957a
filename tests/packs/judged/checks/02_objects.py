"""What crosses between the judge and the learner's process, checked with the reference.

Each check passes for a learner file that does what the reference does, in the same
process (``torch-dojo check``) and judged (the learner's code in a process of its own).
"""

import copy
import random

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from torch_dojo.testing import in_learner_process


def test_training_changes_the_checks_model_in_place(learner, reference):
    """step trains the model it is given, and returns that model"""
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1)
    theirs = copy.deepcopy(model)
    x, y = torch.randn(4, 2), torch.randn(4, 1)
    got = learner.step(model, x, y)
    assert got is model, "step should return the model it was given"
    reference.step(theirs, x, y)
    for mine, want in zip(model.parameters(), theirs.parameters()):
        assert torch.allclose(mine, want), "the model was not trained in place"


def test_gradients_come_back(learner):
    """grads leaves the gradient in w.grad, and a second call adds to it"""
    w = torch.ones(3, requires_grad=True)
    g = learner.grads(w)
    assert torch.equal(w.grad, torch.full((3,), 3.0)), f"w.grad is {w.grad}"
    assert torch.equal(g, w.grad)
    learner.grads(w)
    assert torch.equal(w.grad, torch.full((3,), 6.0)), f"after a second call w.grad is {w.grad}"


def test_a_graph_stays_where_it_was_made(learner):
    """graph gives a tensor with a grad_fn, whose backward reaches w"""
    w = torch.ones(3, requires_grad=True)
    t = learner.graph(w)
    assert isinstance(t, torch.Tensor)
    assert not t.is_leaf and t.requires_grad
    assert type(t.grad_fn).__name__ == "MulBackward0", type(t.grad_fn).__name__
    assert torch.equal(t.detach(), torch.full((3,), 2.0))
    t.sum().backward()
    assert torch.equal(w.grad, torch.full((3,), 2.0)), f"w.grad is {w.grad}"


def test_a_list_appended_to_is_the_checks(learner):
    """note appends to the check's list"""
    items = [0]
    learner.note(items, 5)
    assert items == [0, 5], items


def test_a_view_shares_the_checks_storage(learner):
    """view returns a view of the check's tensor"""
    t = torch.arange(6.0)
    v = learner.view(t)
    assert v.untyped_storage().data_ptr() == t.untyped_storage().data_ptr()
    v[0, 0] = 100.0
    assert t[0].item() == 100.0


def test_the_learners_objects_stay_there(learner):
    """box gives an object of the learner's class, asked there"""
    b = learner.box(2)
    assert type(b).__name__ == "Box"
    assert b.value == 2 and b.doubled().value == 4
    assert len(b) == 3 and list(b) == [1, 2, 3]
    assert isinstance(learner.Box, type)


def test_a_loader_the_learner_made(learner):
    """loader gives a DataLoader over the check's tensor"""
    X = torch.arange(10.0).reshape(5, 2)
    loader = learner.loader(X, 2)
    assert isinstance(loader, DataLoader)
    assert len(loader) == 3
    assert torch.equal(torch.cat([batch[0] for batch in loader]), X)
    assert loader.dataset.tensors[0] is not None


def test_the_checks_writes_reach_the_learners_model(learner):
    """a check that writes into a learner's model's parameters changes that model"""
    net = learner.Net()
    assert isinstance(net, torch.nn.Module)
    with torch.no_grad():
        for p in net.parameters():
            p.fill_(0.5)
    assert torch.allclose(net(torch.ones(1, 2)), torch.tensor([[1.5]]))


def test_errors_keep_their_class(learner):
    """an error the learner's code raises is caught by its class"""
    with pytest.raises(ValueError, match="no good"):
        learner.fails()
    with pytest.raises(KeyError):
        learner.missing_key()


def _cuda_faked(learner):
    saved = torch.cuda.is_available
    torch.cuda.is_available = lambda: True
    try:
        return learner.cuda_now()
    finally:
        torch.cuda.is_available = saved


def test_in_learner_process_reaches_the_learners_torch(learner):
    """in_learner_process runs code beside the learner's"""
    assert in_learner_process(learner, _cuda_faked) is True


def test_random_numbers_go_on_from_the_checks_seed(learner):
    """draw draws from the generator the check seeded, and moves it on"""
    torch.manual_seed(0)
    want = [torch.rand(3) for _ in range(3)]
    torch.manual_seed(0)
    assert torch.equal(learner.draw(), want[0])
    assert torch.equal(learner.draw(), want[1])
    assert torch.equal(torch.rand(3), want[2])


def test_python_and_numpy_random_numbers_go_on_from_the_checks_seed(learner):
    """draw_python draws from Python's and NumPy's generators the check seeded, and moves them on"""
    random.seed(1)
    np.random.seed(1)
    want = [(random.random(), float(np.random.rand())) for _ in range(3)]
    random.seed(1)
    np.random.seed(1)
    assert learner.draw_python() == want[0]
    assert learner.draw_python() == want[1]
    assert (random.random(), float(np.random.rand())) == want[2]


def test_numpys_cached_normal_value_crosses_both_ways(learner):
    """draw_normal takes NumPy's normal values in turn with the check's: NumPy makes them two
    at a time and caches the second, and taking a cached one moves nothing else"""
    np.random.seed(2)
    want = [float(np.random.standard_normal()) for _ in range(6)]
    np.random.seed(2)
    assert learner.draw_normal() == want[0]  # makes two, caches the second there
    assert float(np.random.standard_normal()) == want[1]  # the cached one, here
    assert learner.draw_normal() == want[2]  # so none cached there
    assert learner.draw_normal() == want[3]  # the one it cached there
    assert float(np.random.standard_normal()) == want[4]
    assert learner.draw_normal() == want[5]


def test_a_string_subclass_comes_back_as_a_string(learner):
    """version gives torch.__version__ as a plain string"""
    assert learner.version() == torch.__version__
