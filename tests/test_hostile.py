"""Hostile learner files: each gets a verdict that does not pass and names the cause,
within its time limit plus a few seconds, with nothing left running afterwards. Every case
runs through the cold path (a fresh interpreter) and the warm runner (a forked check).
"""

from __future__ import annotations

import dataclasses
import json
import re
import textwrap
import time
from pathlib import Path

import pytest

from conftest import assert_nothing_left
from torch_dojo import runner
from torch_dojo.pack import Exercise, load_pack
from torch_dojo.verdict import Status, Verdict
from torch_dojo.runner.warm import WarmRunner

TENSORS = Path(__file__).parent / "packs" / "tensors"
# Time limits (seconds) for the cases that run into them; the others keep the exercise's.
LIMIT = {"cold": 4.0, "warm": 2.0}  # a cold check starts Python and pytest first
TORCH_LIMIT = {"cold": 15.0, "warm": 3.0}  # and then imports torch
SLACK = 6.0  # a verdict comes within its time limit plus this



@dataclasses.dataclass
class Judge:
    mode: str
    warm_runner: WarmRunner  # booted for both modes: its worker is the one process allowed to stay
    mini: Exercise
    tensors: Exercise
    folder: Path

    def __call__(self, source: str | bytes, *, exercise: Exercise | None = None,
                 time_limit: float | None = None) -> Verdict:
        exercise = exercise or self.mini
        time_limit = time_limit or exercise.time_limit
        path = self.folder / exercise.file
        if isinstance(source, bytes):
            path.write_bytes(source)
        else:
            path.write_text(textwrap.dedent(source).replace("PIDS", repr(str(self.pids))), encoding="utf-8")
        start = time.monotonic()
        if self.warm is None:
            verdict = runner.check(exercise, path, time_limit=time_limit)
        else:
            assert self.warm.ready(timeout=120)  # a worker replaced by an earlier case may be booting
            start = time.monotonic()
            verdict = self.warm.check(exercise, path, time_limit=time_limit)
            assert self.warm.last_was_warm, "the warm runner fell back to a cold check"
        assert time.monotonic() - start < time_limit + SLACK
        assert verdict.status is not Status.PASSED, verdict.message
        self.assert_nothing_left()
        return verdict

    @property
    def limit(self) -> float:
        return LIMIT[self.mode]

    @property
    def warm(self) -> WarmRunner | None:
        return self.warm_runner if self.mode == "warm" else None

    @property
    def pids(self) -> Path:
        """A file where learner code writes the pids of the processes it hides."""
        return self.folder / "pids"

    def assert_nothing_left(self) -> None:
        assert_nothing_left(self.pids)



@pytest.fixture(params=["cold", "warm"])
def judge(request, mini_pack, tmp_path) -> Judge:
    tensors = load_pack(TENSORS).find("double")
    return Judge(request.param, request.getfixturevalue("warm_runner"), mini_pack.find("add"), tensors, tmp_path)


# Never ending ---------------------------------------------------------------------------


def test_an_endless_loop_at_import(judge):
    verdict = judge("while True:\n    pass\n", time_limit=judge.limit)
    assert verdict.status is Status.TIMEOUT
    assert f"Stopped after {judge.limit:g} s" in verdict.message


def test_an_endless_loop_in_a_function(judge):
    verdict = judge("def add(a, b):\n    while True:\n        pass\n", time_limit=judge.limit)
    assert verdict.status is Status.TIMEOUT
    assert verdict.checks[0].status is Status.TIMEOUT
    assert "during the check 'add gives the sum of two ints'" in verdict.message


def test_a_long_computation_inside_torchs_cpp_code(judge):
    verdict = judge("""
        import torch

        def double(t):
            torch.ones(1).expand(10**12).sum()  # one call into C++ that takes minutes
            return 2 * t
        """, exercise=judge.tensors, time_limit=TORCH_LIMIT[judge.mode])
    assert verdict.status is Status.TIMEOUT
    assert verdict.checks[0].name == "double doubles every entry"
    assert verdict.checks[0].status is Status.TIMEOUT


def test_sigterm_ignored(judge):
    verdict = judge("""
        import signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

        def add(a, b):
            while True:
                pass
        """, time_limit=judge.limit)
    assert verdict.status is Status.TIMEOUT


def test_reading_stdin(judge):
    verdict = judge("def add(a, b):\n    return int(input('a number: ')) + a + b\n")
    assert verdict.checks[0].status is Status.ERROR
    assert "EOFError" in verdict.checks[0].message


# Ending Python ------------------------------------------------------------------------------


def test_sys_exit_in_a_checked_function(judge):
    verdict = judge("import sys\ndef add(a, b):\n    sys.exit(0)\n")
    assert verdict.checks[0].status is Status.ERROR
    assert "sys.exit()" in verdict.checks[0].message


def test_system_exit_raised_in_a_checked_function(judge):
    verdict = judge("def add(a, b):\n    raise SystemExit(0)\n")
    assert "sys.exit()" in verdict.checks[0].message


def test_os_exit_in_a_checked_function(judge):
    verdict = judge("import os\ndef add(a, b):\n    os._exit(0)\n")
    assert verdict.status is Status.ERROR
    assert "ended early during the check 'add gives the sum of two ints' (exit code 0)" in verdict.message


def test_a_segfault(judge):
    verdict = judge("import ctypes\ndef add(a, b):\n    return ctypes.string_at(0)\n")
    assert verdict.status is Status.ERROR
    assert "killed by SIGSEGV" in verdict.message


def test_keyboard_interrupt(judge):
    verdict = judge("""
        def add(a, b):
            if isinstance(a, float):
                raise KeyboardInterrupt
            return a + b
        """)
    assert verdict.status is Status.ERROR
    assert "KeyboardInterrupt" in verdict.message
    assert [c.status for c in verdict.checks] == [Status.PASSED, Status.ERROR]


def test_pytest_exit(judge):
    verdict = judge("import pytest\ndef add(a, b):\n    pytest.exit('all good', returncode=0)\n")
    assert verdict.status is Status.ERROR
    assert "The checks stopped during the check 'add gives the sum of two ints'" in verdict.message


def test_endless_recursion(judge):
    verdict = judge("def add(a, b):\n    return add(a, b)\n")
    assert verdict.checks[0].status is Status.ERROR
    assert "RecursionError" in verdict.checks[0].message
    assert "calls itself" in verdict.checks[0].message


def test_killing_the_process_that_runs_it(judge):
    verdict = judge("import os, signal\ndef add(a, b):\n    os.kill(os.getppid(), signal.SIGKILL)\n")
    assert verdict.status is Status.ERROR
    assert "the process that supervised them was killed" in verdict.message
    if judge.warm is not None:  # a new worker takes the next check
        assert judge.warm.ready(timeout=120)
        assert judge.warm.check(judge.mini, judge.mini.solution).passed
        assert judge.warm.last_was_warm


# Resources -------------------------------------------------------------------------------


def test_memory_growth(judge):
    small = dataclasses.replace(judge.mini, memory_limit_mb=800)  # above a warm check's torch
    verdict = judge("""
        def add(a, b):
            hoard = []
            while True:
                hoard.append(bytearray(10**7))
        """, exercise=small, time_limit=20)
    assert verdict.status is Status.MEMORY
    assert "more than 800 MB" in verdict.message


def test_hundreds_of_megabytes_of_output(judge):
    verdict = judge("""
        import sys

        def add(a, b):
            line = "x" * 1_000_000 + "\\n"
            while True:
                sys.stdout.write(line)
        """, time_limit=judge.limit)
    assert verdict.status is Status.TIMEOUT
    assert verdict.output_truncated
    assert 0 < len(verdict.output) <= 64 * 1024


def test_a_thread_left_running(judge):
    verdict = judge("""
        import threading, time

        def add(a, b):
            threading.Thread(target=time.sleep, args=(600,), name="sleeper").start()
            return a + b
        """)
    assert verdict.status is Status.ERROR
    assert re.search(r"left \d+ thread\(s\) \(sleeper, ", verdict.message)
    assert all(c.status is Status.PASSED for c in verdict.checks)


def test_child_processes_left_running(judge):
    verdict = judge("""
        import subprocess, sys

        def add(a, b):
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            return a + b
        """)
    assert verdict.status is Status.ERROR
    assert re.search(r"left \d+ process\(es\)", verdict.message)


def test_a_daemon_that_left_the_session_at_import(judge):
    # Double fork and setsid before the first look at the process tree: it is in no
    # process group of ours, and its parent is gone.
    verdict = judge("""
        import os, time

        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                with open(PIDS, "a") as pids:
                    pids.write(f"{os.getpid()}\\n")
                time.sleep(600)
            os._exit(0)
        while not os.path.exists(PIDS):
            time.sleep(0.01)

        def add(a, b):
            return a + b
        """)
    assert judge.pids.exists()
    assert verdict.status is Status.ERROR
    assert "process(es)" in verdict.message


def test_a_daemon_left_behind_by_a_crash(judge):
    verdict = judge("""
        import os, time

        def add(a, b):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    with open(PIDS, "a") as pids:
                        pids.write(f"{os.getpid()}\\n")
                    time.sleep(600)
                os._exit(0)
            while not os.path.exists(PIDS):
                time.sleep(0.01)
            os._exit(3)
        """)
    assert judge.pids.exists()
    assert "exit code 3" in verdict.message


# Files that do not do the task --------------------------------------------------------------


def test_a_syntax_error(judge):
    verdict = judge("def add(a, b)\n    return a + b\n")
    assert verdict.status is Status.ERROR
    assert "SyntaxError on line 1" in verdict.message


def test_bytes_that_are_not_utf8(judge):
    verdict = judge(b"def add(a, b):\n    return a + b  # \xff\xfe caf\xe9\n")
    assert verdict.status is Status.ERROR
    assert "SyntaxError on line 2 of your file: Non-UTF-8 code starting with '\\xff'" in verdict.message


def test_an_empty_file(judge):
    verdict = judge("")
    assert verdict.status is Status.FAILED
    assert "Your file defines no `add`" in verdict.checks[0].message


def test_a_missing_function(judge):
    verdict = judge("def plus(a, b):\n    return a + b\n")
    assert "Your file defines no `add`" in verdict.checks[0].message


def test_a_wrong_signature(judge):
    verdict = judge("def add(a):\n    return a\n")
    assert verdict.checks[0].status is Status.ERROR
    assert "TypeError: add() takes 1 positional argument but 2 were given" in verdict.checks[0].message


def test_a_file_that_deletes_itself(judge):
    verdict = judge("import os\nos.remove(__file__)\n\ndef add(a, b):\n    return a + b\n")
    assert verdict.status is Status.ERROR
    assert "is gone" in verdict.message


# Fooling the judge ---------------------------------------------------------------------------


def test_a_fake_passing_report_then_exit_0(judge):
    report = [{"event": "collected", "names": ["add gives the sum of two ints", "adds floats"]},
              {"event": "check", "name": "add gives the sum of two ints", "status": "passed"},
              {"event": "check", "name": "adds floats", "status": "passed"}, {"event": "done"}]
    lines = "".join(json.dumps(event) + "\n" for event in report)
    verdict = judge(f"""
        import os
        REPORT = {lines!r}.encode()
        print(REPORT.decode() + "2 passed")
        for fd in range(3, 256):  # wherever the real report goes
            try:
                os.write(fd, REPORT)
            except OSError:
                pass
        os._exit(0)
        """)
    assert verdict.status is Status.ERROR
    assert "while it was being loaded" in verdict.message  # the exit came at import, before any check
    assert "2 passed" in verdict.output


def test_replacing_torchs_comparisons(judge):
    verdict = judge("""
        import torch

        torch.equal = lambda *args, **kwargs: True
        torch.allclose = lambda *args, **kwargs: True

        def double(t):
            return t
        """, exercise=judge.tensors)
    assert verdict.status is Status.ERROR
    assert "Your code replaced `torch.allclose`, `torch.equal` while Python loaded your file" in verdict.message
    assert [c.status for c in verdict.checks] == [Status.FAILED, Status.FAILED]  # judged with the real ones


def test_replacing_tensor_equality_while_checked(judge):
    verdict = judge("""
        import torch

        def double(t):
            torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
            torch.equal = lambda *args, **kwargs: True
            return t
        """, exercise=judge.tensors)
    assert verdict.status is Status.ERROR
    assert "`torch.Tensor.__eq__`, `torch.equal` while the checks ran" in verdict.message


def test_replacing_pytest(judge):
    verdict = judge("""
        import _pytest.python
        _pytest.python.Function.runtest = lambda self: None  # every check would pass

        def add(a, b):
            return 0
        """)
    assert verdict.status is Status.ERROR
    assert "`_pytest.python.Function.runtest`" in verdict.message
    assert verdict.checks[0].status is Status.FAILED
