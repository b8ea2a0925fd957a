"""20 · Image transforms with torchvision  (beyond the appendix: torchvision, the image
library of PyTorch, which A.1 mentions next to torch itself)

Images come as PIL images or uint8 tensors (C, H, W) with values 0..255; a network wants
float32 tensors of one fixed size, normalised with the mean and standard deviation of its
training data (for ImageNet models: IMAGENET_MEAN and IMAGENET_STD below). torchvision's
transforms (torchvision.transforms.v2) do each step and v2.Compose chains them:

    v2.ToImage()                          PIL image (or tensor) -> image tensor, still uint8
    v2.ToDtype(torch.float32, scale=True) 0..255 -> 0.0..1.0 (without scale=True: 0.0..255.0)
    v2.Normalize(mean, std)               (x - mean) / std for each channel; needs floats
    v2.Resize(size)                       the *shorter* side to `size`, keeping the aspect ratio
    v2.CenterCrop(size)                   the size × size square in the middle
    v2.RandomResizedCrop(size)            a random part of the image, resized to size × size
    v2.RandomHorizontalFlip()             a mirror image, half of the time

Training uses random transforms (augmentation: every epoch sees slightly different
images); evaluation must be deterministic, the same image giving the same tensor every
time. Nothing is downloaded here: torchvision.datasets.FakeData makes random PIL images
with labels, `size` of them, each (C, H, W) = image_size.

Import torchvision *inside* the functions, as the starter does: where torchvision is
missing this file still loads, and the dojo can say why the exercise is skipped. Write:

    eval_transform(size=224)   -> a transform (a v2.Compose) for evaluation: resize the shorter
                                  side to `size`, crop the centre size × size, float32 in
                                  [0, 1], normalised with IMAGENET_MEAN and IMAGENET_STD;
                                  deterministic; for PIL images and uint8 tensors alike
    train_transform(size=224)  -> the same result shape for training: a random resized crop
                                  to size × size, a random horizontal flip, float32 in [0, 1],
                                  normalised
    fake_loader(num_images, batch_size, transform, image_size=(3, 32, 32))
                               -> a DataLoader over FakeData(num_images images of image_size,
                                  10 classes) with `transform` applied to every image, in order
                                  (no shuffling): batches of (images float32 (B, C, H', W'),
                                  labels int64 (B,))

Save the file: the dojo checks it. Stuck? `torch-dojo hint 20`.
"""

import torch
from torch.utils.data import DataLoader  # noqa: F401

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def eval_transform(size=224):
    """Resize, centre crop, float32 in [0, 1], normalise: the same output every time."""
    from torchvision.transforms import v2  # noqa: F401

    # TODO: return v2.Compose([...])
    raise NotImplementedError


def train_transform(size=224):
    """Random resized crop, random flip, float32 in [0, 1], normalise."""
    from torchvision.transforms import v2  # noqa: F401

    # TODO
    raise NotImplementedError


def fake_loader(num_images, batch_size, transform, image_size=(3, 32, 32)):
    """A DataLoader over FakeData with `transform` applied, in order."""
    from torchvision.datasets import FakeData  # noqa: F401

    # TODO
    raise NotImplementedError
