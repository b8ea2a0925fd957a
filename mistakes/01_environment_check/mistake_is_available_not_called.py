"""Wrong on purpose: best_device names torch.cuda.is_available without calling it, and a
function is always true, so CUDA is chosen everywhere.

Must fail: "best_device asks PyTorch".
Says: "always true".
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


def best_device():
    return torch.device(choose_device(torch.cuda.is_available, torch.backends.mps.is_available))


if __name__ == "__main__":
    print(versions())
    print("device:", best_device())
