"""Right, written another way: importlib for torchvision, sys.version_info for Python, a
conditional expression for the device.

Must pass every check.
"""
import importlib
import sys

import torch


def versions():
    try:
        vision = importlib.import_module("torchvision").__version__
    except Exception:
        vision = None
    python = ".".join(str(part) for part in sys.version_info[:3])
    return {"torchvision": vision, "torch": torch.__version__, "python": python}


def choose_device(cuda_available, mps_available):
    return "cuda" if cuda_available else ("mps" if mps_available else "cpu")


def best_device():
    cuda = torch.cuda.is_available()
    mps = torch.backends.mps.is_available()
    return torch.device(choose_device(cuda, mps))
