"""Right, written another way: requires_grad_ on the whole model, then on the head; the
head's size read from the old one.

Must pass every check.
"""
import torch
import torch.nn.functional as F


def build_model(num_classes):
    import torchvision

    model = torchvision.models.resnet18(weights=None, num_classes=1000)
    old = model.fc
    model.fc = torch.nn.Linear(old.in_features, num_classes, bias=True)
    return model


def freeze_backbone(model):
    model.requires_grad_(False)
    model.fc.requires_grad_(True)
    return model


def count_trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def fine_tune_step(model, optimizer, images, labels):
    model.train()
    optimizer.zero_grad(set_to_none=True)
    logits = model(images)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    optimizer.step()
    return float(loss.detach())
