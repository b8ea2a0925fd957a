"""Right, written another way: resize and crop the PIL image before ToImage, Normalize as a
keyword call, the dataset built inline.

Must pass every check.
"""
import torch
from torch.utils.data import DataLoader

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _finish():
    from torchvision.transforms import v2

    return [v2.ToImage(), v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean=list(IMAGENET_MEAN), std=list(IMAGENET_STD))]


def eval_transform(size=224):
    from torchvision.transforms import v2

    return v2.Compose([v2.Resize(size), v2.CenterCrop(size), *_finish()])


def train_transform(size=224):
    from torchvision.transforms import v2

    return v2.Compose([v2.RandomHorizontalFlip(p=0.5), v2.RandomResizedCrop((size, size)), *_finish()])


def fake_loader(num_images, batch_size, transform, image_size=(3, 32, 32)):
    from torchvision import datasets

    return DataLoader(datasets.FakeData(num_images, image_size, 10, transform), batch_size)
