"""Hidden checks: 01 environment_check."""

import contextlib
import importlib.abc
import importlib.machinery
import itertools
import platform
import sys

import pytest
import torch

from torch_dojo.testing import describe, fail, hint, in_learner_process

FLAGS = list(itertools.product([False, True], repeat=2))
BEST_DEVICE = ("return torch.device(choose_device(torch.cuda.is_available(), "
               "torch.backends.mps.is_available()))")


class _FakeTorchvision(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves `import torchvision`: a module with a version, or one that fails to load."""

    def __init__(self, version=None, error=None):
        self.version, self.error = version, error

    def find_spec(self, name, path=None, target=None):
        if name == "torchvision":
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        if self.error is not None:
            raise self.error
        module.__version__ = self.version


@contextlib.contextmanager
def _torchvision_as(version=None, error=None):
    """While active, `import torchvision` gives the fake (the real one is put back after)."""
    saved = {k: v for k, v in sys.modules.items() if k == "torchvision" or k.startswith("torchvision.")}
    for name in saved:
        del sys.modules[name]
    finder = _FakeTorchvision(version, error)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        sys.modules.pop("torchvision", None)
        sys.modules.update(saved)


def _versions_with(learner, torch_version=None, version=None, error=None):
    """Runs where the learner's code runs: versions() while torch.__version__ says
    `torch_version` and `import torchvision` gives a fake (of `version`, or raising `error`)."""
    real = torch.__version__
    if torch_version is not None:
        torch.__version__ = torch_version
    try:
        if version is None and error is None:
            return learner.versions()
        with _torchvision_as(version, error):
            return learner.versions()
    finally:
        torch.__version__ = real


def _best_device_where(learner, cuda, mps):
    """Runs where the learner's code runs: best_device() while torch says what is available,
    and which of the two questions it asked while it ran."""
    asked = []

    def answer(name, value):
        def is_available():
            asked.append(name)
            return value
        return is_available

    saved = torch.cuda.is_available, torch.backends.mps.is_available
    torch.cuda.is_available, torch.backends.mps.is_available = answer("cuda", cuda), answer("mps", mps)
    try:
        return learner.best_device(), sorted(set(asked))
    finally:
        torch.cuda.is_available, torch.backends.mps.is_available = saved


def _versions(learner, **kwargs):
    got = in_learner_process(learner, _versions_with, **kwargs)
    if not isinstance(got, dict):
        fail(f"versions() returned {describe(got)}, expected a dict with the keys "
             "'python', 'torch' and 'torchvision'",
             hint="versions() returns a dict with one entry per package, keyed by its name.",
             then='return {"python": platform.python_version(), "torch": torch.__version__, '
                  '"torchvision": the version or None}')
    missing = {"python", "torch", "torchvision"} - set(got)
    if missing:
        fail(f"versions() has no key {sorted(missing)}; it has {sorted(got)}")
    return got


@hint("`platform.python_version()` and `torch.__version__` say what runs now.",
      then='return {"python": platform.python_version(), "torch": torch.__version__, ...}, '
           "read inside versions() each time it is called")
def test_versions_of_python_and_torch(learner):
    """versions() reports the Python and torch that are running"""
    got = _versions(learner)
    if got["python"] != platform.python_version():
        fail(f"versions()['python'] is {got['python']!r}, but this is Python {platform.python_version()}",
             hint="`platform.python_version()` gives the number alone, like '3.11.9'; `sys.version` "
                  "holds more than the number.",
             then='"python": platform.python_version()')
    if got["torch"] != torch.__version__:
        fail(f"versions()['torch'] is {got['torch']!r}, but torch.__version__ is {torch.__version__!r}")
    again = _versions(learner, torch_version="9.8.7")
    if again["torch"] != "9.8.7":
        fail(f"with torch.__version__ changed to '9.8.7', versions()['torch'] still says {again['torch']!r}: "
             "the version is typed in (or read once, when the file loaded)",
             hint="Read `torch.__version__` inside versions(), each time it is called.",
             then='"torch": torch.__version__ inside the dict that versions() returns, not a '
                  "string typed in or a variable set when the file loads")


@pytest.mark.parametrize("error", [ModuleNotFoundError("No module named 'torchvision'"),
                                   RuntimeError("operator torchvision::nms does not exist"),
                                   OSError("libtorchvision.so: undefined symbol")],
                         ids=["not installed", "built for another torch", "broken library"])
@hint("Importing a torchvision built for another torch raises RuntimeError or OSError, not "
      "ImportError: catch any `Exception` around the import.",
      then="try:\n    import torchvision\n    version = torchvision.__version__\n"
           "except Exception:\n    version = None")
def test_versions_survives_a_torchvision_that_does_not_load(learner, error):
    """versions() gives None for a torchvision that does not load"""
    try:
        got = _versions(learner, error=error)
    except type(error) as exc:  # the learner's code let it through
        if isinstance(exc, NotImplementedError):  # a RuntimeError too: "not written yet"
            raise
        fail(f"versions() crashed where importing torchvision raises {type(exc).__name__}: {exc}")
    if got["torchvision"] is not None:
        fail(f"where importing torchvision raises {type(error).__name__}, versions()['torchvision'] is "
             f"{got['torchvision']!r}, expected None")


@hint("Import torchvision inside versions() and report its `__version__`.",
      then="try:\n    import torchvision\n    version = torchvision.__version__\n"
           "except Exception:\n    version = None")
def test_versions_reads_the_torchvision_that_loads(learner, reference):
    """versions() gives the version of a torchvision that loads"""
    real = reference.versions()["torchvision"]
    got = _versions(learner, version="0.99.1")["torchvision"]
    if got == "0.99.1" or (real is not None and got == real):
        return
    fail(f"where `import torchvision` gives version 0.99.1, versions()['torchvision'] is {got!r}",
         hint="Do not type the version: import torchvision inside versions(), in a try block, "
              "and report its `__version__`.",
         then="try:\n    import torchvision\n    version = torchvision.__version__\n"
              "except Exception:\n    version = None")


@pytest.mark.parametrize("cuda, mps", FLAGS, ids=[f"cuda={c} mps={m}" for c, m in FLAGS])
@hint("CUDA first, then MPS, then the CPU.",
      then='if cuda_available:\n    return "cuda"\nif mps_available:\n    return "mps"\nreturn "cpu"')
def test_choose_device_prefers_cuda_then_mps_then_cpu(learner, reference, cuda, mps):
    """choose_device picks CUDA, then MPS, then the CPU"""
    got = learner.choose_device(cuda, mps)
    want = reference.choose_device(cuda, mps)
    if isinstance(got, torch.device):
        fail(f"choose_device({cuda}, {mps}) returned {got!r}, a torch.device; expected the string {want!r}",
             hint="choose_device returns the name, a string; making a `torch.device` of it is "
                  "best_device's job.",
             then='return "cuda" (a string), not torch.device("cuda")')
    if got == want:
        return
    advice = ""
    if got in ("gpu", "GPU", "cuda:0"):
        advice = " PyTorch calls an NVIDIA GPU 'cuda' (device index aside)."
    elif cuda and mps and got == "mps":
        advice = " With both available, CUDA comes first."
    elif not cuda and not mps and got != "cpu":
        advice = " With neither available, fall back to 'cpu'."
    fail(f"choose_device(cuda_available={cuda}, mps_available={mps}) returned {got!r}, expected {want!r}.{advice}")


@pytest.mark.parametrize("cuda, mps", FLAGS, ids=[f"cuda={c} mps={m}" for c, m in FLAGS])
@hint("Ask PyTorch each time: `torch.cuda.is_available()` and `torch.backends.mps.is_available()`. "
      "Without the parentheses `torch.cuda.is_available` is a function, and a function is always true.",
      then="return torch.device(choose_device(torch.cuda.is_available(), "
           "torch.backends.mps.is_available()))")
def test_best_device_asks_torch_each_time(learner, reference, cuda, mps):
    """best_device asks PyTorch what is available and falls back to the CPU"""
    got, asked = in_learner_process(learner, _best_device_where, cuda, mps)
    want = torch.device(reference.choose_device(cuda, mps))
    situation = f"where CUDA is {'' if cuda else 'not '}available and MPS is {'' if mps else 'not '}available"
    if isinstance(got, str):
        fail(f"best_device() returned the string {got!r}, expected a torch.device",
             hint="best_device returns a `torch.device`, not the name: turn choose_device's "
                  "string into one.",
             then="return torch.device(choose_device(torch.cuda.is_available(), "
                  "torch.backends.mps.is_available()))")
    if not isinstance(got, torch.device):
        fail(f"best_device() returned {describe(got)}, expected a torch.device")
    if got.type == want.type:
        return
    for kind, name, function in (("cuda", "CUDA", "torch.cuda.is_available"),
                                 ("mps", "MPS", "torch.backends.mps.is_available")):
        if got.type == kind and not {"cuda": cuda, "mps": mps}[kind] and kind not in asked:
            fail(f"{situation}, best_device() gave {got}: {name} was chosen although it is not "
                 f"available, and {function}() was not called while best_device ran. Either the "
                 "function was named without its parentheses, or the answer was read once, when "
                 "the file loaded",
                 hint=f"Call `{function}()` inside best_device, each time it is called: without the "
                      "parentheses it is the function itself, which is always true.",
                 then=BEST_DEVICE)
    if want.type != "cpu" and want.type not in asked:
        fail(f"{situation}, best_device() gave {got}, expected {want}: best_device did not ask "
             f"PyTorch whether {want.type.upper()} is available while it ran (asked: "
             f"{', '.join(asked) or 'nothing'}), so the answer was typed in or read once, when the "
             "file loaded",
             hint="Ask PyTorch inside best_device, each time it is called: a device worked out when "
                  "the file loads stays what it was on that machine.", then=BEST_DEVICE)
    fail(f"{situation}, best_device() gave {got}, expected {want}", then=BEST_DEVICE)
