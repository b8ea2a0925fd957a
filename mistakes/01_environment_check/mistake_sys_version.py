"""Wrong on purpose: versions reports sys.version, the whole banner, not the version number.

Must fail: "versions() reports the Python and torch".
Says: "sys.version".
"""
import platform
import sys

import torch


def versions():
    try:
        import torchvision
        vision = torchvision.__version__
    except Exception:  # missing, or built for another torch (RuntimeError, OSError, ...)
        vision = None
    return {"python": sys.version, "torch": torch.__version__, "torchvision": vision}


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
