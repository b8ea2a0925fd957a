"""15 · Devices: moving models and data  (book: A.9.1 "PyTorch computations on GPU devices")

Every tensor lives on a device: the CPU, a CUDA GPU ("cuda", "cuda:1"), Apple's GPU
("mps"). An operation needs all its tensors on one device; otherwise PyTorch stops with

    RuntimeError: Expected all tensors to be on the same device, but found at least two
    devices, cuda:0 and cpu!

Moving works differently for models and for tensors:

    model.to(device)        moves the model's parameters *in place* (and returns the model)
    x.to(device)            returns a *new* tensor on the device; x itself stays where it was,
                            so `x.to(device)` on a line of its own does nothing useful:
                            write x = x.to(device)

The checks cannot count on a GPU, so they also use the "meta" device, which every
PyTorch has: tensors there have a shape and a dtype but no values. A function that
handles devices right works for "meta" as it does for "cuda". Write:

    model_device(model)     -> the torch.device the model's parameters are on
    to_device(batch, device)
                            -> `batch` with every tensor moved to `device`: a tensor, or a
                               tuple, list or dict of them (nested too), keeping the
                               structure (a tuple stays a tuple); anything that is not a
                               tensor (an int, a string) stays as it is
    run_model(model, x)     -> model(x) computed on the device where the model is, whatever
                               device x came on; never a device typed in ("cuda" does not
                               exist on most laptops)

Save the file: the dojo checks it. Stuck? `torch-dojo hint 15`.
"""

import torch


def model_device(model):
    """The device of the model's parameters."""
    # TODO: a model has no .device, but its parameters do.
    raise NotImplementedError


def to_device(batch, device):
    """batch (a tensor, or a tuple/list/dict of them) with every tensor on device."""
    # TODO: a tensor is moved; a tuple, list or dict is rebuilt from its moved items.
    raise NotImplementedError


def run_model(model, x):
    """model(x) on the model's device."""
    # TODO
    raise NotImplementedError
