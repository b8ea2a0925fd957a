"""The pytest plugin that runs an exercise's hidden checks inside the check process.

It hands checks their fixtures (``learner``, ``reference``, ``learner_path``, ``record``),
skips checks whose requirement this machine lacks, and turns each pytest report into a
``CheckResult`` event sent to the parent over the event channel.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest

from torch_dojo.verdict import CheckResult, Status
from torch_dojo.runner.events import TOUCHED_CUDA, Emitter
from torch_dojo.runner.check_process import blame, requirements
from torch_dojo.runner.check_process.explain import explain, known_hint
from torch_dojo.runner.check_process.learner_module import Learner, load_module
from torch_dojo.testing.compare import CheckFailure


SAME_PROCESS = ("This check can only run in the same process as your code (its author marked it "
                "same_process), so a judged run (grading) cannot count it: it does not pass here. "
                "`torch-dojo check` runs it as usual.")


@dataclass
class CheckRun:
    """What the plugin judges in one check process: the learner's code and where events go."""

    learner_path: Path
    reference_path: Path
    requires: list[str]  # the exercise's requirements (each check may add its own)
    emit: Emitter
    learner: ModuleType | None = None  # the learner's module (unjudged)
    judged: Any = None  # judged: a ``runner.judged.judge.Session``; ``learner`` stays None
    watch_cuda: bool = False  # ``pack verify`` only: note the checks that start CUDA unmarked


class DojoPlugin:
    def __init__(self, run: CheckRun | None = None):
        """None: a plugin that waits for its check (``bind``), for the warm supervisor."""
        self.bind(run)

    def bind(self, run: CheckRun | None) -> None:
        self._judged = run.judged if run else None
        self._reference: Any = None
        self._learner = run.learner if run else None
        self._learner_path = run.learner_path if run else None
        self._reference_path = run.reference_path if run else None
        self._requires = run.requires if run else []
        self._emit = run.emit if run else None
        self._reported: set[str] = set()
        self._durations: dict[str, float] = {}
        self._watch_cuda = run.watch_cuda if run else False
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
                self._emit.data(key, value)
        return record

    # Hooks ------------------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "requires(*names): needs cuda, torchvision or distributed")
        config.addinivalue_line("markers", "hint(text): the hint shown when this check does not pass")
        config.addinivalue_line("markers", "points(n): what passing this check is worth when grading")
        config.addinivalue_line("markers", "same_process: runs only beside the learner's code (never judged)")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._emit.fatal(Status.ERROR.value,
                             "The hidden checks of this exercise could not be loaded; this is a "
                             f"fault in the pack, not in your file:\n{report.longreprtext[-2000:]}",
                             "Tell whoever made the pack; `torch-dojo pack verify` shows it too.")

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo) -> None:
        # KeyboardInterrupt and pytest.exit() end the whole run, not one check.
        self._emit.interrupted(explain(excinfo.value, self._learner_path))

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
            self._emit.fatal(Status.ERROR.value, message, hint)
            items[:] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._emit.collected([check_name(item) for item in session.items],
                             {check_name(item): marked_points(item) for item in session.items})

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
        self._emit.start(check_name(item))
        if self._judged is not None:
            self._judged.running = check_name(item)
        if self._watch_cuda and "cuda" not in self._requires and not _marked(item, "cuda"):
            with CudaWatch() as watch:
                yield
            if watch.touched:
                self._touched_cuda.append(check_name(item))
                self._emit.data(TOUCHED_CUDA, list(self._touched_cuda))
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
        self._emit.check(result.to_json())

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
