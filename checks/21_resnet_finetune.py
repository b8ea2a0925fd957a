"""Hidden checks: 21 resnet_finetune.

torchvision is imported inside the checks: where it does not load, the whole exercise is
skipped (requires = ["torchvision"]) and this file must still be collected. Nothing may
be downloaded: the checks switch downloads off and say so when the learner's code tries.
"""

import copy
import math

import pytest
import torch

from torch_dojo.testing import describe, fail, hint, hint_on

NO_DOWNLOAD = "pretrained weights are not downloaded in this exercise"
BACKBONE = 11176512  # ResNet-18 without its fc layer


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch):
    """A learner who asks for pretrained weights gets a clear failure, not a network wait."""
    def refuse(*args, **kwargs):
        raise RuntimeError(f"{NO_DOWNLOAD} (asked for {args[0] if args else 'a file'})")
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", refuse)
    try:
        import torchvision.models._api as api
        monkeypatch.setattr(api, "load_state_dict_from_url", refuse)
    except (ImportError, AttributeError):
        pass


BUILD_CODE = "model = resnet18(weights=None); model.fc = nn.Linear(model.fc.in_features, num_classes)"
FREEZE_CODE = "for name, p in model.named_parameters(): p.requires_grad = name.startswith('fc.')"
STEP_CODE = ("model.train(); optimizer.zero_grad(); loss = F.cross_entropy(model(images), labels); "
             "loss.backward(); optimizer.step(); return loss.item()")


def _build(learner, num_classes):
    with hint_on(NO_DOWNLOAD, "Build it without pretrained weights: random weights, nothing to download.",
                 "build_model asked for pretrained weights; this exercise builds with weights=None.",
                 then=BUILD_CODE):
        model = learner.build_model(num_classes)
    if not isinstance(model, torch.nn.Module):
        fail(f"build_model({num_classes}) returned {describe(model)}, expected the network")
    return model


def _images(n, seed, size=64):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, size, size, generator=g), torch.randint(0, 5, (n,), generator=g)


def _total(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("num_classes", [5, 2])
@hint("Build ResNet-18 without pretrained weights and put a new head, sized for `num_classes`, in "
      "place of its last layer `fc`.", then=BUILD_CODE)
def test_build_model_replaces_the_head(learner, num_classes):
    """build_model gives ResNet-18 with a num_classes head in place of fc"""
    torch.manual_seed(0)
    model = _build(learner, num_classes)
    model.eval()
    images, _ = _images(2, 0)
    with torch.no_grad():
        out = model(images)
    want_total = BACKBONE + 512 * num_classes + num_classes
    if not isinstance(out, torch.Tensor):
        fail(f"build_model({num_classes})(images) returned {describe(out)}, expected logits")
    if out.shape == (2, 1000):
        added = [name for name, m in model.named_children() if name not in
                 ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc")]
        extra = f" The model has a new part {added} that forward() never calls." if added else ""
        fail(f"build_model({num_classes}) still gives 1000 logits per image: the ImageNet head is in place.{extra}",
             hint="Replace the layer forward() uses, `fc`, rather than adding one beside it.", then=BUILD_CODE)
    if tuple(out.shape) != (2, num_classes):
        fail(f"build_model({num_classes}) gives logits of shape {tuple(out.shape)} for 2 images, expected (2, {num_classes})")
    fc = getattr(model, "fc", None)
    if not isinstance(fc, torch.nn.Linear) or fc.out_features != num_classes:
        fail(f"model.fc of build_model({num_classes}) is {fc!r}, expected Linear(512, {num_classes})",
             hint="Replace model.fc itself, rather than adding a layer after the 1000 ImageNet logits.",
             then=BUILD_CODE)
    if _total(model) != want_total:
        fail(f"build_model({num_classes}) has {_total(model)} parameters, expected {want_total} (ResNet-18's "
             f"{BACKBONE} without its head, plus 512 × {num_classes} + {num_classes})",
             hint="ResNet-18 as torchvision builds it, with only its `fc` replaced.", then=BUILD_CODE)


@hint("Every parameter outside the head stops asking for gradients (see `requires_grad`); "
      "batch norm weights and biases are parameters too.", then=FREEZE_CODE)
def test_freeze_backbone_leaves_only_the_head_trainable(learner, reference):
    """freeze_backbone freezes every parameter but the head's"""
    model = reference.build_model(4)
    returned = learner.freeze_backbone(model)
    if returned is not model:
        fail(f"freeze_backbone(model) returned {describe(returned)}, expected the same model",
             hint="Change the model in place and `return model`.", then=FREEZE_CODE + "; return model")
    trainable = sorted(name for name, p in model.named_parameters() if p.requires_grad)
    if trainable == ["fc.bias", "fc.weight"]:
        return
    if not trainable:
        fail("freeze_backbone froze every parameter, the new head's too: nothing is left to train",
             hint="Keep model.fc trainable: only the backbone is frozen.", then=FREEZE_CODE)
    if len(trainable) == len(list(model.parameters())):
        fail("after freeze_backbone every parameter still has requires_grad=True",
             hint="model.eval() or torch.no_grad() freeze nothing: each backbone parameter's `requires_grad` "
                  "has to be switched off.", then=FREEZE_CODE)
    bn = [n for n in trainable if ".bn" in n or n.startswith("bn1") or ".downsample.1" in n]
    if bn and all(n in bn or n.startswith("fc.") for n in trainable):
        fail(f"after freeze_backbone the batch norm parameters ({bn[:3]} ...) still train",
             hint="Freeze every parameter of the backbone, not only the convolution weights: loop over "
                  "model.parameters() (or named_parameters()).", then=FREEZE_CODE)
    fail(f"after freeze_backbone these parameters are trainable: {trainable[:6]}{' ...' if len(trainable) > 6 else ''}; "
         "expected only fc.weight and fc.bias")


@hint("Count numbers, not tensors (see `numel`), and only those of parameters that ask for gradients.",
      then="sum(p.numel() for p in model.parameters() if p.requires_grad): 5130 for build_model(10) frozen.")
def test_count_trainable(learner, reference):
    """count_trainable counts what the optimizer can change"""
    model = reference.build_model(10)
    cases = [("build_model(10)", BACKBONE + 5130)]
    got = learner.count_trainable(model)
    if got != cases[0][1]:
        fail(f"count_trainable(build_model(10)) is {describe(got)}, expected {cases[0][1]}")
    reference.freeze_backbone(model)
    got = learner.count_trainable(model)
    if got != 5130:
        advice = " That counts the frozen parameters too." if got == BACKBONE + 5130 else ""
        fail(f"count_trainable of build_model(10) with its backbone frozen is {describe(got)}, expected 5130 "
             f"(512 × 10 + 10).{advice}")
    for p in model.layer4.parameters():
        p.requires_grad_(True)
    want = reference.count_trainable(model)
    got = learner.count_trainable(model)
    if got != want:
        fail(f"count_trainable with layer4 and fc trainable is {describe(got)}, expected {want}")


@hint("One training step as in exercise 13, in training mode, returning the loss as a Python number.",
      then=STEP_CODE)
def test_fine_tune_step_trains_only_the_head(learner, reference):
    """fine_tune_step trains the head and leaves the frozen backbone as it was"""
    torch.manual_seed(1)
    model = reference.freeze_backbone(reference.build_model(5))
    theirs = copy.deepcopy(model)
    images, labels = _images(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model.fc.weight.grad = torch.ones_like(model.fc.weight)  # left by an earlier step
    model.fc.bias.grad = torch.ones_like(model.fc.bias)
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not n.startswith("fc.")}
    head = model.fc.weight.detach().clone()
    loss = learner.fine_tune_step(model, optimizer, images, labels)
    if isinstance(loss, torch.Tensor) or isinstance(loss, bool) or not isinstance(loss, float):
        fail(f"fine_tune_step returned {describe(loss)}, expected the loss as a Python float",
             hint="Return a plain Python number: see `.item()`.", then="return loss.item()")
    want = reference.fine_tune_step(theirs, torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9),
                                    images, labels)
    if not math.isclose(loss, want, rel_tol=1e-4, abs_tol=1e-5):
        fail(f"fine_tune_step returned the loss {loss:.4f}, expected {want:.4f}",
             hint="The cross-entropy of the logits and the labels, with the model in training mode.", then=STEP_CODE)
    changed = [n for n, p in model.named_parameters() if n in frozen and not torch.equal(p, frozen[n])]
    if changed:
        fail(f"fine_tune_step changed frozen parameters: {changed[:3]}")
    if torch.equal(model.fc.weight, head):
        fail("fine_tune_step did not change the head's weights",
             hint="Gradients change nothing by themselves: after the backward pass the optimizer has to step.",
             then=STEP_CODE)
    if not torch.allclose(model.fc.weight, theirs.fc.weight, atol=1e-5):
        fail("after fine_tune_step the head's weights differ from one SGD step on this batch: the gradients "
             "an earlier step left in .grad were added in",
             hint="backward() adds to `.grad`: clear the old gradients at the start of every step (see `zero_grad`).",
             then=STEP_CODE)
