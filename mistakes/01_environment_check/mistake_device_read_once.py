"""Wrong on purpose: the device is worked out once, when the file loads, so best_device
answers what was available then, not what PyTorch says when it is called.

Must fail: "best_device asks PyTorch".
Passes: "choose_device picks CUDA, then MPS, then the CPU".
Says: "read once, when the file loaded" and "each time it is called".
"""
import platform

import torch


def versions():
    try:
        import torchvision
        vision = torchvision.__version__
    except Exception:  # missing, or built for another torch (RuntimeError, OSError, ...)
        vision = None
    return {"python": platform.python_version(), "torch": torch.__version__, "torchvision": vision}


def choose_device(cuda_available, mps_available):
    if cuda_available:
        return "cuda"
    if mps_available:
        return "mps"
    return "cpu"


_DEVICE = torch.device(choose_device(torch.cuda.is_available(), torch.backends.mps.is_available()))


def best_device():
    return _DEVICE


if __name__ == "__main__":
    print(versions())
    print("device:", best_device())
