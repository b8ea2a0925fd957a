"""The pytest plugin that runs an exercise's hidden checks inside the check process.

It hands checks their fixtures (``learner``, ``reference``, ``learner_path``, ``record``),
skips checks whose requirement this machine lacks, and turns each pytest report into a
``CheckResult`` event sent to the parent over the event channel.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import sys
import tokenize
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest

from torch_dojo.verdict import CheckResult, Status
from torch_dojo.runner import TOUCHED_CUDA, blame, requirements
from torch_dojo.runner.explain import explain, known_hint
from torch_dojo.testing.compare import CheckFailure

Emit = Callable[..., None]


def load_module(path: Path, name: str) -> ModuleType:
    """Import a file as a module called ``name`` (not ``__main__``: scripts' guards hold).

    The source is decoded as strictly as ``python FILE`` does (importlib alone lets bytes
    that are not UTF-8 pass in comments), and no bytecode is cached: a file saved twice in
    one second must never run as its older self.
    """
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        code = compile(_source(Path(path)), str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _source(path: Path) -> str:
    data = path.read_bytes()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line_number = data.count(b"\n", 0, err.start) + 1
        line = data.split(b"\n")[line_number - 1].decode("utf-8", errors="replace")
        raise SyntaxError(f"Non-UTF-8 code starting with '\\x{data[err.start]:02x}'; save the file as UTF-8",
                          (str(path), line_number, None, line)) from None
    except SyntaxError as err:  # an encoding declaration Python does not know
        err.filename = str(path)
        raise


class MissingName(CheckFailure, AttributeError):
    """A name the exercise asks for is not in the learner's file (hasattr() still works)."""


def missing_name(name: str, path: Path) -> MissingName:
    return MissingName(
        f"Your file defines no `{name}`, and the exercise asks for it.",
        f"Define `{name}` at the top level of {path.name} (not inside another "
        "function), spelled exactly as in the task.",
    )


class Learner:
    """The learner's module, where a missing name fails the check with a clear message."""

    __slots__ = ("_module", "_path")

    @property
    def __dict__(self) -> dict:  # monkeypatch reads and restores entries here: the module's
        return vars(self._module)

    def __init__(self, module: ModuleType, path: Path):
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_path", path)

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise missing_name(name, self._path) from None

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._module, name, value)

    def __repr__(self) -> str:  # as pytest explains an assert: "where … = <your file add.py>.add"
        return f"<your file {self._path.name}>"

    def __delattr__(self, name: str) -> None:
        delattr(self._module, name)


SAME_PROCESS = ("This check can only run in the same process as your code (its author marked it "
                "same_process), so a judged run (grading) cannot count it: it does not pass here. "
                "`torch-dojo check` runs it as usual.")


class DojoPlugin:
    def __init__(self, learner: ModuleType | None, learner_path: Path | None, reference_path: Path | None,
                 requires: list[str], emit: Emit | None, watch_cuda: bool = False, judged=None):
        """All None: a plugin that waits for its check (``bind``), for the warm worker.
        ``judged``: a ``runner.judge.Session``; then ``learner`` is None and never imported here."""
        self.bind(learner, learner_path, reference_path, requires, emit, watch_cuda, judged)

    def bind(self, learner: ModuleType | None, learner_path: Path | None, reference_path: Path | None,
             requires: list[str], emit: Emit | None, watch_cuda: bool = False, judged=None) -> None:
        """``watch_cuda`` (``pack verify`` only): note the checks that start CUDA unmarked."""
        self._judged = judged
        self._reference: Any = None
        self._learner = learner
        self._learner_path = learner_path
        self._reference_path = reference_path
        self._requires = requires
        self._emit = emit
        self._reported: set[str] = set()
        self._durations: dict[str, float] = {}
        self._watch_cuda = watch_cuda
        self._touched_cuda: list[str] = []
        self._quiet = False  # trying a crashed check on the reference: it records nothing

    # Fixtures for check authors -------------------------------------------------------

    @pytest.fixture(scope="session")
    def learner(self) -> Learner:
        if self._judged is not None:
            return self._judged.learner
        return Learner(self._learner, self._learner_path)

    @pytest.fixture(scope="session")
    def reference(self) -> ModuleType:
        return self._reference_module()

    def _reference_module(self) -> ModuleType:
        """The reference solution; ``blame.ReferenceBroken`` when it does not load (the pack's fault)."""
        if self._judged is None and self._reference is None:
            try:
                self._reference = load_module(self._reference_path, "reference")
            except (Exception, SystemExit) as exc:
                self._reference = exc
        if isinstance(self._reference, BaseException):  # judged: loaded before the learner's code ran
            raise blame.ReferenceBroken(self._reference, self._reference_path) from None
        return self._reference

    @pytest.fixture(scope="session")
    def learner_path(self) -> Path:
        return self._learner_path

    @pytest.fixture
    def record(self) -> Callable[[str, Any], None]:
        def record(key: str, value: Any) -> None:
            if not self._quiet:
                self._emit("data", key=key, value=value)
        return record

    # Hooks ------------------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "requires(*names): needs cuda, torchvision or distributed")
        config.addinivalue_line("markers", "hint(text): the hint shown when this check does not pass")
        config.addinivalue_line("markers", "points(n): what passing this check is worth when grading")
        config.addinivalue_line("markers", "same_process: runs only beside the learner's code (never judged)")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._emit("fatal", status=Status.ERROR.value,
                       message="The hidden checks of this exercise could not be loaded; this is a "
                               f"fault in the pack, not in your file:\n{report.longreprtext[-2000:]}",
                       hint="Tell whoever made the pack; `torch-dojo pack verify` shows it too.")

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo) -> None:
        # KeyboardInterrupt and pytest.exit() end the whole run, not one check.
        self._emit("interrupted", error=explain(excinfo.value, self._learner_path))

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Judged: everything the judge reads from disk is read; now the learner's file may run."""
        if self._judged is None:
            return
        client = self._judged.client
        for item in items:
            module = getattr(item, "module", None)
            if module is not None and getattr(module, "__file__", None):
                client.local_modules[module.__name__] = module.__file__
        try:
            self._reference = load_module(self._reference_path, "reference")
            client.local_modules["reference"] = str(self._reference_path)
        except BaseException as exc:  # noqa: BLE001 - the checks that use it say so, as unjudged
            self._reference = exc
        failure = self._judged.go()
        if failure is not None:
            message, hint = failure
            self._emit("fatal", status=Status.ERROR.value, message=message, hint=hint)
            items[:] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._emit("collected", names=[check_name(item) for item in session.items],
                   points={check_name(item): marked_points(item) for item in session.items})

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self._judged is not None and item.get_closest_marker("same_process"):
            raise CheckFailure(SAME_PROCESS)
        needed = list(self._requires)
        for mark in item.iter_markers("requires"):
            needed += list(mark.args)
        for name in needed:
            reason = requirements.missing(name)
            if reason:
                pytest.skip(reason)

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self._durations[nodeid] = 0.0

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item):
        self._emit("start", name=check_name(item))
        if self._judged is not None:
            self._judged.running = check_name(item)
        if self._watch_cuda and "cuda" not in self._requires and not _marked(item, "cuda"):
            with CudaWatch() as watch:
                yield
            if watch.touched:
                self._touched_cuda.append(check_name(item))
                self._emit("data", key=TOUCHED_CUDA, value=list(self._touched_cuda))
        else:
            yield
        if self._judged is not None:
            self._judged.end_check()
            self._judged.running = ""

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        self._durations[item.nodeid] = self._durations.get(item.nodeid, 0.0) + report.duration
        if item.nodeid in self._reported or (report.passed and call.when != "call"):
            return
        self._reported.add(item.nodeid)
        result = self._result(item, call, report)
        if result.blame == blame.CHECK and call.when == "call" and not self._crashes_on_reference(item):
            result = dataclasses.replace(self._learners_error(item, call.excinfo.value, tripped=True),
                                         duration=result.duration)
        result = dataclasses.replace(result, points=marked_points(item))
        self._emit("check", **result.to_json())

    def _result(self, item: pytest.Item, call: pytest.CallInfo, report: pytest.TestReport) -> CheckResult:
        name = check_name(item)
        duration = self._durations.get(item.nodeid, report.duration)
        marked_hint, marked_then = marked_hints(item)
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            return CheckResult(name, Status.SKIPPED, reason.removeprefix("Skipped: "), "", duration)
        if report.passed:
            return CheckResult(name, Status.PASSED, "", "", duration)
        exc = call.excinfo.value if call.excinfo else None
        if self._judged is not None and type(exc).__name__ == "LearnerLost":
            self._judged.report(self._emit)
            return CheckResult(name, Status.ERROR, str(exc), "", duration, blame=blame.LEARNER)
        if isinstance(exc, CheckFailure):
            then = getattr(exc, "then", "")
            if exc.hint:  # the failure's own hints, aimed at what it found
                return CheckResult(name, Status.FAILED, str(exc), exc.hint, duration, then=then,
                                   blame=blame.LEARNER)
            return CheckResult(name, Status.FAILED, str(exc), marked_hint, duration, then=then or marked_then,
                               blame=blame.LEARNER)
        if isinstance(exc, NotImplementedError):  # not written yet: nothing to hint at
            return CheckResult(name, Status.FAILED, explain(exc, self._learner_path), "", duration,
                               blame=blame.LEARNER)
        if isinstance(exc, (AssertionError, pytest.fail.Exception)):  # pytest.fail(), pytest.raises
            return CheckResult(name, Status.FAILED, str(exc), marked_hint, duration, then=marked_then,
                               blame=blame.LEARNER)
        if exc is None:
            why = "\n".join(report.longreprtext.strip().splitlines()[-3:])
            return CheckResult(name, Status.ERROR, f"The check itself failed, not your code: {why}",
                               blame.NOT_YOUR_FAULT, duration, blame=blame.CHECK)
        if isinstance(exc, blame.ReferenceBroken):
            return CheckResult(name, Status.ERROR, blame.reference_broken(exc, Path(item.path)),
                               blame.NOT_YOUR_FAULT, duration, blame=blame.CHECK)
        if not isinstance(exc, SystemExit) and not blame.learner_raised(exc, self._learner_path):
            return CheckResult(name, Status.ERROR, blame.check_crashed(exc, Path(item.path)),
                               blame.NOT_YOUR_FAULT, duration, blame=blame.CHECK)
        return dataclasses.replace(self._learners_error(item, exc), duration=duration)

    def _learners_error(self, item: pytest.Item, exc: BaseException, tripped: bool = False) -> CheckResult:
        """An error the learner's code raised, or (``tripped``) that the check's code raised
        over what the learner's code gave it."""
        marked_hint, marked_then = marked_hints(item)
        name = check_name(item)
        message = explain(exc, self._learner_path)
        if getattr(exc, "dojo_message", ""):
            message = f"{exc.dojo_message}\n{message}"
        if isinstance(exc, SystemExit):
            message = ("Your code called sys.exit() (or exit()) while being checked: a function "
                       "should return its result, not end the program.")
        if tripped:
            message += ("\n  (raised while the check worked with what your code gave it; with the "
                        "reference solution it passes: look at what your function returns)")
        # A hint about this very error beats the check's general one.
        if getattr(exc, "dojo_hint", ""):
            return CheckResult(name, Status.ERROR, message, exc.dojo_hint,
                               then=getattr(exc, "dojo_then", ""), blame=blame.LEARNER)
        known = known_hint(str(exc))
        return CheckResult(name, Status.ERROR, message, known or marked_hint,
                           then="" if known else marked_then, blame=blame.LEARNER)

    def _crashes_on_reference(self, item: pytest.Item) -> bool:
        """Whether a check whose own code crashed crashes again with the reference solution
        in the learner's place (``blame.passes_with``): then the bug is the check's."""
        try:
            reference = self._reference_module()
        except blame.ReferenceBroken:
            return True
        self._quiet = True  # what it records now is the reference's, not the learner's
        try:
            return not blame.passes_with(item, Learner(reference, self._reference_path), self._reference_path)
        finally:
            self._quiet = False


def check_name(item: pytest.Item) -> str:
    """The check's docstring's first line, else its function name in words."""
    function = getattr(item, "function", None)
    doc = (getattr(function, "__doc__", None) or "").strip()
    name = doc.splitlines()[0].strip() if doc else \
        getattr(item, "originalname", item.name).removeprefix("test_").replace("_", " ")
    callspec = getattr(item, "callspec", None)
    return f"{name} [{callspec.id}]" if callspec is not None else name


def marked_hints(item: pytest.Item) -> tuple[str, str]:
    """The check's ``@hint(nudge, then=…)``: its nudge and its second hint ("" when unmarked)."""
    marker = item.get_closest_marker("hint")
    nudge = str(marker.args[0]) if marker and marker.args else ""
    then = str(marker.args[1]) if marker and len(marker.args) > 1 else ""
    return nudge, then


def marked_points(item: pytest.Item) -> float | None:
    """The check's ``@points(n)``; None when unmarked (or marked with no positive number)."""
    marker = item.get_closest_marker("points")
    value = marker.args[0] if marker and marker.args else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        return None
    return float(value)


def _marked(item: pytest.Item, need: str) -> bool:
    return any(need in mark.args for mark in item.iter_markers("requires"))


class CudaWatch:
    """Whether CUDA was started while it was active (``pack verify``: a check that is not
    marked ``@requires("cuda")`` must not). Creating a CUDA tensor, ``.cuda()`` and most of
    ``torch.cuda`` go through ``torch.cuda._lazy_init`` until CUDA is up (on a CPU-only torch
    that is where they fail); once it is up, CUDA allocations show in its memory counters."""

    def __init__(self):
        self.touched = False
        self._cuda = sys.modules.get("torch.cuda")  # a check that never imported torch touches no GPU
        self._original: Any = None
        self._allocations = 0

    def __enter__(self) -> "CudaWatch":
        if self._cuda is None:
            return self
        self._original = self._cuda._lazy_init
        self._allocations = self._allocated()

        def _lazy_init(*args: Any, **kwargs: Any) -> Any:
            self.touched = True
            return self._original(*args, **kwargs)
        self._cuda._lazy_init = _lazy_init
        return self

    def __exit__(self, *_: object) -> None:
        if self._cuda is None:
            return
        self._cuda._lazy_init = self._original
        if self._allocated() > self._allocations:
            self.touched = True

    def _allocated(self) -> int:
        try:
            if not self._cuda.is_initialized():
                return 0
            return int(self._cuda.memory_stats().get("allocation.all.allocated", 0))
        except Exception:
            return 0
