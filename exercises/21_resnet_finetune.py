"""21 · Fine-tuning a ResNet-18  (beyond the appendix: torchvision.models; counting
parameters as in exercise 09, training as in exercise 13)

torchvision.models has the classic image networks. resnet18(weights=None) builds
ResNet-18 with random weights (weights="DEFAULT" would download ImageNet weights: not
here, nothing is downloaded in this exercise). Its last layer, model.fc, is
nn.Linear(512, 1000): one logit for each of ImageNet's 1000 classes.

To fine-tune it for your own k classes:

  1. replace the head: model.fc = nn.Linear(model.fc.in_features, k). A new attribute
     with another name (model.classifier = ...) adds a layer that forward() never calls;
  2. freeze the backbone: requires_grad = False on every parameter except the new head's,
     so the optimizer leaves them alone (model.eval() freezes nothing: it only switches
     dropout and batch norm to inference). Batch norm layers have parameters too;
  3. train: only the head's weights change.

Import torchvision *inside* the functions, as the starter does: where torchvision is
missing this file still loads, and the dojo can say why the exercise is skipped. Write:

    build_model(num_classes)   -> resnet18(weights=None) with its head replaced by an
                                  nn.Linear(512, num_classes)
    freeze_backbone(model)     -> sets requires_grad=False on every parameter but those of
                                  model.fc (which stay trainable), and returns the model
    count_trainable(model)     -> how many numbers the optimizer can still change
                                  (for build_model(10) after freezing: 512 * 10 + 10 = 5130)
    fine_tune_step(model, optimizer, images, labels)
                               -> one training step on a batch (model.train(), zero_grad,
                                  F.cross_entropy of the logits, backward, step); returns the
                                  loss as a Python float

Save the file: the dojo checks it. Stuck? `torch-dojo hint 21`.
"""

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn  # noqa: F401


def build_model(num_classes):
    """ResNet-18, random weights, with a num_classes head."""
    from torchvision.models import resnet18  # noqa: F401

    # TODO
    raise NotImplementedError


def freeze_backbone(model):
    """Everything but model.fc frozen; returns the model."""
    # TODO
    raise NotImplementedError


def count_trainable(model):
    """The number of parameters with requires_grad."""
    # TODO
    raise NotImplementedError


def fine_tune_step(model, optimizer, images, labels):
    """One training step; the loss as a float."""
    # TODO
    raise NotImplementedError
