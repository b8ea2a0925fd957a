"""Checks of exercise 02: TinyNet and count_parameters.

The learner's model gets the reference's weights (load_state_dict), so both compute the
same function when the learner's forward is right. The last check needs a GPU: on a
machine without one it is skipped, and says why.
"""
import torch

from torch_dojo.testing import assert_tensors_match, fail, hint, points, requires


def _models(learner, reference, seed=0):
    """The learner's TinyNet(3, 5, 2) and the reference's, with the same weights."""
    torch.manual_seed(seed)
    want = reference.TinyNet(3, 5, 2)
    got = learner.TinyNet(3, 5, 2)
    try:
        got.load_state_dict(want.state_dict())
    except RuntimeError as exc:
        fail(f"TinyNet(3, 5, 2) does not hold the layers the task asks for:\n  {str(exc).splitlines()[0]}",
             hint="Set exactly self.hidden and self.output, each a torch.nn.Linear, in __init__.",
             then="self.hidden = torch.nn.Linear(num_inputs, num_hidden); "
                  "self.output = torch.nn.Linear(num_hidden, num_outputs)")
    return got, want


@points(2)
@hint("Layers kept in a plain list or dict are invisible to PyTorch: set each one as an attribute "
      "of the module.", then="self.hidden = torch.nn.Linear(num_inputs, num_hidden) in __init__")
def test_layers_are_registered(learner):
    """TinyNet registers a hidden and an output Linear layer"""
    model = learner.TinyNet(3, 5, 2)
    if not isinstance(model, torch.nn.Module):
        fail(f"TinyNet(3, 5, 2) is a {type(model).__name__}, not a torch.nn.Module")
    found = {name: type(layer).__name__ for name, layer in model.named_children()}
    if not found:
        fail("TinyNet(3, 5, 2) has no layers PyTorch can see: model.parameters() is empty")
    for name, size in (("hidden", (3, 5)), ("output", (5, 2))):
        layer = getattr(model, name, None)
        if not isinstance(layer, torch.nn.Linear):
            fail(f"TinyNet(3, 5, 2).{name} should be a torch.nn.Linear; the layers are {found}")
        if (layer.in_features, layer.out_features) != size:
            fail(f"TinyNet(3, 5, 2).{name} is Linear({layer.in_features}, {layer.out_features}), "
                 f"expected Linear{size}")


@points(2)
@hint("forward runs the hidden layer, a ReLU, then the output layer, and nothing after.",
      then="return self.output(torch.relu(self.hidden(x)))")
def test_forward_gives_the_logits(learner, reference):
    """forward gives the logits: hidden, ReLU, output"""
    got_model, want_model = _models(learner, reference)
    x = torch.randn(8, 3)
    with torch.no_grad():
        got, want = got_model(x), want_model(x)
        if isinstance(got, torch.Tensor) and got.shape == want.shape:
            if torch.allclose(got, torch.softmax(want, dim=1), atol=1e-6):
                fail("forward ends with a softmax: it should return the logits",
                     hint="Leave the softmax out: cross_entropy applies it to the logits itself.")
            if torch.allclose(got, want_model.output(want_model.hidden(x)), atol=1e-6):
                fail("forward has no ReLU between the layers: two Linear layers in a row are one Linear layer",
                     hint="Put a ReLU between the two layers: see `torch.relu`.",
                     then="return self.output(torch.relu(self.hidden(x)))")
    assert_tensors_match(got, want, "TinyNet(3, 5, 2)(x) for a batch of 8", atol=1e-6)


@hint("Count numbers, not tensors (see `numel`), and only those of parameters that ask for gradients.",
      then="sum(p.numel() for p in model.parameters() if p.requires_grad)")
def test_count_parameters_counts_trainable_numbers(learner, reference):
    """count_parameters counts the trainable numbers"""
    model = reference.TinyNet(3, 5, 2)
    got = learner.count_parameters(model)
    if got == len(list(model.parameters())):
        fail(f"count_parameters(TinyNet(3, 5, 2)) is {got}: the number of parameter tensors, not of numbers "
             f"(expected {reference.count_parameters(model)})")
    if got != reference.count_parameters(model):
        fail(f"count_parameters(TinyNet(3, 5, 2)) is {got!r}, expected {reference.count_parameters(model)}")
    model.hidden.requires_grad_(False)
    got = learner.count_parameters(model)
    if got != reference.count_parameters(model):
        fail(f"with the hidden layer frozen, count_parameters is {got!r}, expected "
             f"{reference.count_parameters(model)}: frozen parameters do not count",
             hint="Keep only the parameters that ask for gradients: see `requires_grad`.",
             then="sum(p.numel() for p in model.parameters() if p.requires_grad)")


@requires("cuda")
@hint("Nothing in TinyNet should name a device: moving the model moves every registered layer.",
      then="No device= or .cuda() inside TinyNet: model.to('cuda') moves every registered layer.")
def test_runs_on_the_gpu(learner, reference):
    """TinyNet runs on the GPU once the model is moved there"""
    got_model, want_model = _models(learner, reference, seed=1)
    x = torch.randn(4, 3)
    with torch.no_grad():
        got = got_model.to("cuda")(x.to("cuda"))
    assert_tensors_match(got.cpu(), want_model(x), "TinyNet on the GPU, brought back to the CPU", atol=1e-5)
