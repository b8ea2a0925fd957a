"""Wrong on purpose: eval_transform crops at random, so one image gives different tensors.

Must fail: "eval_transform resizes".
Says: "deterministic".
Caught only with: torchvision.
"""
import torch
from torch.utils.data import DataLoader

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def eval_transform(size=224):
    from torchvision.transforms import v2

    return v2.Compose([
        v2.ToImage(),
        v2.RandomResizedCrop(size),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),
    ])


def train_transform(size=224):
    from torchvision.transforms import v2

    return v2.Compose([
        v2.ToImage(),
        v2.RandomResizedCrop(size),
        v2.RandomHorizontalFlip(),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),
    ])


def fake_loader(num_images, batch_size, transform, image_size=(3, 32, 32)):
    from torchvision.datasets import FakeData

    dataset = FakeData(size=num_images, image_size=image_size, num_classes=10, transform=transform)
    return DataLoader(dataset, batch_size=batch_size, shuffle=False)
