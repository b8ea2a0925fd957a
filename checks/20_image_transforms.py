"""Hidden checks: 20 image_transforms.

torchvision is imported inside the checks: where it does not load, the whole exercise is
skipped (requires = ["torchvision"]) and this file must still be collected.
"""

import contextlib

import torch

from torch_dojo.testing import describe, fail, hint, hint_on

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
LOW, HIGH = float(((0 - MEAN) / STD).min()), float(((1 - MEAN) / STD).max())


TO_FLOAT = "v2.ToImage(), then v2.ToDtype(torch.float32, scale=True)"
NORMALIZE = "v2.Normalize(IMAGENET_MEAN, IMAGENET_STD) after v2.ToDtype(torch.float32, scale=True)"
EVAL_CODE = ("v2.Compose([v2.ToImage(), v2.Resize(size), v2.CenterCrop(size), v2.ToDtype(torch.float32, "
             "scale=True), v2.Normalize(IMAGENET_MEAN, IMAGENET_STD)])")
TRAIN_CODE = ("v2.Compose([v2.ToImage(), v2.RandomResizedCrop(size), v2.RandomHorizontalFlip(), "
              "v2.ToDtype(torch.float32, scale=True), v2.Normalize(IMAGENET_MEAN, IMAGENET_STD)])")


def _image(height=48, width=64, seed=0):
    """A uint8 (3, H, W) image with structure (gradients) and some noise."""
    g = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    img = torch.stack([xx * 4, yy * 5, (xx + yy) * 2]) + torch.randint(0, 30, (3, height, width), generator=g)
    return img.clamp(0, 255).to(torch.uint8)


def _pil(img):
    from PIL import Image

    return Image.fromarray(img.permute(1, 2, 0).numpy())


@contextlib.contextmanager
def _explained():
    with hint_on(r"pic should be PIL Image|pic should be Tensor or ndarray",
                 "The v1 ToTensor/ToPILImage take one kind of input only: `v2.ToImage` takes PIL images "
                 "and tensors alike; then `v2.ToDtype` makes floats.", then=TO_FLOAT), \
         hint_on(r"should be a float tensor|Input tensor should be a float",
                 "Normalize works on floats: put it after the step that turns the pixels into floats.",
                 then=NORMALIZE), \
         hint_on(r"No module named 'torchvision'", "torchvision is needed here."):
        yield


def _apply(transform, image, what):
    if not callable(transform):
        fail(f"{what} is {describe(transform)}, expected a transform (v2.Compose([...]))")
    with _explained():
        out = transform(image)
    if not isinstance(out, torch.Tensor):
        fail(f"{what} turned an image into {describe(out)}, expected a float32 tensor",
             hint="End the pipeline with tensors: see `v2.ToImage` and `v2.ToDtype`.", then=TO_FLOAT)
    return out.as_subclass(torch.Tensor)


def _check_values(out, what):
    if out.dtype != torch.float32:
        fail(f"{what} gave dtype {out.dtype}, expected float32",
             hint="Turn the pixels into float32 after making the image a tensor: see `v2.ToDtype`.", then=TO_FLOAT)
    if float(out.max()) > 10:
        fail(f"{what} gave values up to {float(out.max()):.1f}: the pixels were not scaled from 0..255 to 0..1 "
             "before normalising", hint="Scale the pixels to [0, 1] when they become floats: `v2.ToDtype` has a `scale` option.",
             then="v2.ToDtype(torch.float32, scale=True): scale=True divides by 255.")
    if float(out.min()) >= 0 and float(out.max()) <= 1:
        fail(f"{what} gave values in [{float(out.min()):.2f}, {float(out.max()):.2f}]: scaled to [0, 1] but "
             "not normalised", hint="Finish with ImageNet's normalisation: see `v2.Normalize`.", then=NORMALIZE)
    if float(out.min()) < LOW - 0.05 or float(out.max()) > HIGH + 0.05:
        fail(f"{what} gave values from {float(out.min()):.2f} to {float(out.max()):.2f}, outside what "
             f"ImageNet normalisation gives for pixels in [0, 1] ({LOW:.2f} to {HIGH:.2f})",
             hint="Normalize takes the mean first, then the standard deviation.", then=NORMALIZE)


@hint("Five steps in order: to an image tensor, resize the shorter side, crop the centre square, "
      "scale to floats, normalise.", then=EVAL_CODE)
def test_eval_transform_matches_the_pipeline(learner, reference):
    """eval_transform resizes, crops the centre, scales and normalises"""
    from torchvision.transforms import v2

    for size, (height, width), seed in [(32, (48, 64), 0), (40, (90, 50), 1), (24, (24, 24), 2)]:
        img = _image(height, width, seed)
        mine = learner.eval_transform(size)
        theirs = reference.eval_transform(size)
        for kind, image in (("a uint8 tensor", img), ("a PIL image", _pil(img))):
            what = f"eval_transform({size}) on {kind} of {height}×{width}"
            out = _apply(mine, image, what)
            want = theirs(image).as_subclass(torch.Tensor)
            if out.shape != want.shape:
                advice = ""
                if out.shape[-2:] != (size, size):
                    advice = (" The result must be square: v2.Resize(size) sets the shorter side only, "
                              "v2.CenterCrop(size) then cuts the square.")
                fail(f"{what} has shape {tuple(out.shape)}, expected {tuple(want.shape)}.{advice}")
            _check_values(out, what)
            again = _apply(mine, image, what)
            if not torch.equal(out, again):
                fail(f"{what} gave a different tensor the second time: an evaluation transform must be "
                     "deterministic", hint="No random transforms for evaluation: v2.Resize and v2.CenterCrop, "
                                          "not RandomResizedCrop or RandomHorizontalFlip.", then=EVAL_CODE)
            squashed = v2.Compose([v2.ToImage(), v2.Resize((size, size)), v2.ToDtype(torch.float32, scale=True),
                                   v2.Normalize(reference.IMAGENET_MEAN, reference.IMAGENET_STD)])(image)
            difference = (out - want).abs()
            if float(difference.max()) > 0.05:
                if height != width and float((out - squashed.as_subclass(torch.Tensor)).abs().max()) < 0.05:
                    fail(f"{what} squeezed the whole image into {size}×{size}, changing its proportions",
                         hint="Resizing to one number keeps the aspect ratio; a centre crop then takes the middle "
                              "square. Resizing to two numbers distorts.",
                         then="v2.Resize(size), then v2.CenterCrop(size); not v2.Resize((size, size)).")
                fail(f"{what} differs from resize, centre crop, scale and normalise by up to "
                     f"{float(difference.max()):.3f}")


def _names(transform):
    found = [type(transform).__name__]
    for inner in getattr(transform, "transforms", []) or []:
        found += _names(inner)
    return found


@hint("The evaluation pipeline with random steps in place of resize and crop: a random resized "
      "crop and a random horizontal flip.", then=TRAIN_CODE)
def test_train_transform_augments(learner):
    """train_transform gives size × size normalised tensors, different every time"""
    for size, (height, width), seed in [(32, (48, 64), 3), (28, (30, 70), 4)]:
        img = _image(height, width, seed)
        transform = learner.train_transform(size)
        for kind, image in (("a uint8 tensor", img), ("a PIL image", _pil(img))):
            what = f"train_transform({size}) on {kind} of {height}×{width}"
            torch.manual_seed(seed)
            outs = [_apply(transform, image, what) for _ in range(6)]
            if outs[0].shape != (3, size, size):
                fail(f"{what} has shape {tuple(outs[0].shape)}, expected (3, {size}, {size})",
                     hint="A random resized crop to `size` gives size × size whatever the image.", then=TRAIN_CODE)
            _check_values(outs[0], what)
            if all(torch.equal(outs[0], o) for o in outs[1:]):
                fail(f"{what} gave the same tensor six times: no random augmentation",
                     hint="Training needs random steps, which change every time: see `v2.RandomResizedCrop` and "
                          "`v2.RandomHorizontalFlip`.", then=TRAIN_CODE)
        names = _names(transform)
        if len(names) > 1:  # a Compose: its parts can be named
            if "RandomHorizontalFlip" not in names:
                fail(f"train_transform({size}) has no random horizontal flip: {names[1:]}",
                     hint="Add a random horizontal flip: see `v2.RandomHorizontalFlip`.", then=TRAIN_CODE)
            if not any(n in names for n in ("RandomResizedCrop", "RandomCrop")):
                fail(f"train_transform({size}) has no random crop: {names[1:]}",
                     hint="Crop at random: see `v2.RandomResizedCrop`.", then=TRAIN_CODE)


@hint("A `FakeData` dataset that applies the transform to every image, then a `DataLoader` over "
      "it, without shuffling.", then="FakeData(size=num_images, image_size=image_size, num_classes=10, "
      "transform=transform), then DataLoader(dataset, batch_size=batch_size)")
def test_fake_loader_batches_transformed_images(learner, reference):
    """fake_loader batches FakeData images through the transform, in order"""
    transform = reference.eval_transform(24)
    for num_images, batch_size, image_size in [(5, 2, (3, 32, 32)), (6, 3, (3, 40, 30))]:
        what = f"fake_loader({num_images}, {batch_size}, transform, image_size={image_size})"
        with _explained(), hint_on(r"default_collate|found <class 'PIL",
                                   "FakeData gives PIL images, which a DataLoader cannot stack: give FakeData the "
                                   "transform, so that every image becomes a tensor.",
                                   f"{what} could not batch the images: FakeData was not given "
                                   "transform=transform.", then="FakeData(..., transform=transform)"):
            loader = learner.fake_loader(num_images, batch_size, transform, image_size=image_size)
            got = list(loader)
        want = list(reference.fake_loader(num_images, batch_size, transform, image_size=image_size))
        if len(got) != len(want):
            fail(f"{what} gave {len(got)} batches, expected {len(want)}")
        for i, ((x, y), (wx, wy)) in enumerate(zip(got, want)):
            if not isinstance(x, torch.Tensor) or tuple(x.shape) != tuple(wx.shape):
                fail(f"batch {i} of {what} holds images {describe(x)}, expected shape {tuple(wx.shape)}")
            if y.dtype != torch.int64 or not torch.equal(y, wy):
                fail(f"batch {i} of {what} has labels {y.tolist()}, expected {wy.tolist()}: the images "
                     "in order, with FakeData's 10 classes",
                     hint="No shuffling here, and FakeData's 10 classes.",
                     then="FakeData(size=num_images, image_size=image_size, num_classes=10, transform=transform); "
                          "DataLoader(dataset, batch_size=batch_size) without shuffle=True")
            if not torch.allclose(x.float(), wx.float(), atol=1e-5):
                fail(f"batch {i} of {what} holds other images than FakeData's first ones through the "
                     "transform", hint="Pass image_size and transform to FakeData as they are.")
