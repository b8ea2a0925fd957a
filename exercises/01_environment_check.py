"""01 · Checking your PyTorch environment  (book: A.1.3 "Installing PyTorch")

Before the first tensor, know what you are running on. The book prints torch.__version__
and asks torch.cuda.is_available(); on a Mac with Apple silicon,
torch.backends.mps.is_available() says whether the GPU can be reached through Metal (MPS).
Code that runs everywhere picks the best device there is and falls back to the CPU.
Write the three functions below.

    versions()        -> {"python": "3.11.9", "torch": "2.13.0+cpu", "torchvision": "0.28.0"}
                         what is running *now*, read from Python and the packages, never
                         typed in. torchvision is optional: its value is None when it is
                         missing, and also when it is installed but does not load. A
                         torchvision built for another torch fails on import with a
                         RuntimeError or an OSError, not only an ImportError.

    choose_device(cuda_available, mps_available)
                      -> "cuda" when CUDA is usable, else "mps" when MPS is, else "cpu".
                         The two arguments are plain True/False: this function only
                         decides, it asks PyTorch nothing (so it can be tested anywhere).

    best_device()     -> a torch.device for this machine: choose_device fed with what
                         PyTorch says at the moment you call it.

    choose_device(False, True)    -> "mps"
    choose_device(True, False)    -> "cuda"
    best_device()                 -> device(type='cpu')   on a laptop without a GPU

Run the file (`python 01_environment_check.py`) to see your own machine.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 01`.
"""

import platform

import torch


def versions():
    """{"python": ..., "torch": ..., "torchvision": ... or None}"""
    # TODO: platform.python_version(), torch.__version__, and torchvision's version if it loads.
    raise NotImplementedError


def choose_device(cuda_available, mps_available):
    """"cuda", "mps" or "cpu", in that order of preference."""
    # TODO
    raise NotImplementedError


def best_device():
    """The torch.device to use on this machine."""
    # TODO: ask torch.cuda and torch.backends.mps, then let choose_device decide.
    raise NotImplementedError


if __name__ == "__main__":
    print(versions())
    print("device:", best_device())
