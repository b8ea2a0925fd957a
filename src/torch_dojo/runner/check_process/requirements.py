"""What this machine can do: CUDA, a torchvision that loads, torch.distributed.

Runs only in check processes (it imports torch). Each answer is None when the
requirement is met, else the reason a learner reads next to the skipped check.
"""

from __future__ import annotations

import functools

NEEDS = ("cuda", "torchvision", "distributed")  # what a check or an exercise may require


@functools.cache
def missing(name: str) -> str | None:
    import torch

    if name == "cuda":
        if torch.cuda.is_available():
            return None
        build = "a CPU-only build" if torch.version.cuda is None else f"built for CUDA {torch.version.cuda}"
        return (f"needs CUDA: no CUDA GPU is usable here (torch {torch.__version__}, {build}); "
                "it runs for real on a machine with an NVIDIA GPU")
    if name == "torchvision":
        return torchvision_problem()
    if name == "distributed":
        if torch.distributed.is_available():
            return None
        return "needs torch.distributed, which this build of torch does not include"
    return f"needs '{name}', which torch-dojo does not know how to provide"


def torchvision_problem() -> str | None:
    """Whether torchvision *imports* against this torch (being installed is not enough)."""
    try:
        import torchvision  # noqa: F401
    except ModuleNotFoundError:
        return "needs torchvision, which is not installed: pip install 'torch-dojo[vision]'"
    except Exception as err:  # a wheel built for another torch fails in many ways
        last = (str(err).strip().splitlines() or [type(err).__name__])[-1]
        return ("needs torchvision, which is installed but does not load with this torch "
                f"({last}); install the torchvision build that matches torch")
    return None
