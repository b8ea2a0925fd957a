"""Wrong on purpose: build_model asks for the ImageNet weights, which would be downloaded.

Must fail: "build_model gives ResNet-18".
Says: "weights=None".
Caught only with: torchvision.
"""
import torch
import torch.nn.functional as F
from torch import nn


def build_model(num_classes):
    from torchvision.models import resnet18

    model = resnet18(weights="DEFAULT")
    model.fc = nn.Linear(model.fc.in_features, num_classes)
    return model


def freeze_backbone(model):
    for name, param in model.named_parameters():
        param.requires_grad = name.startswith("fc.")
    return model


def count_trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def fine_tune_step(model, optimizer, images, labels):
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()
