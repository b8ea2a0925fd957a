"""Wrong on purpose: versions catches only ImportError, so a torchvision built for another
torch (RuntimeError on import) crashes it.

Must fail: "versions() gives None for a torchvision that does not load".
Passes: "versions() reports the Python and torch".
Says: "crashed".
"""
import platform

import torch


def versions():
    try:
        import torchvision
        vision = torchvision.__version__
    except ImportError:
        vision = None
    return {"python": platform.python_version(), "torch": torch.__version__, "torchvision": vision}


def choose_device(cuda_available, mps_available):
    if cuda_available:
        return "cuda"
    if mps_available:
        return "mps"
    return "cpu"


def best_device():
    return torch.device(choose_device(torch.cuda.is_available(), torch.backends.mps.is_available()))


if __name__ == "__main__":
    print(versions())
    print("device:", best_device())
