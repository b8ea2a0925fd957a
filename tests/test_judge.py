"""Judged mode (grading): the checks run in a process the learner's code never runs in.

Every hostile file here gives a wrong answer *and* tries to cheat; none may pass, and the
verdict says why where it can. Each case runs cold (a fresh interpreter) and warm (forked
from the warm worker). The pack tests/packs/judged shows where the learner's code runs
and what crosses between the two processes.
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
from torch_dojo.verdict import NOT_YOUR_FAULT, Status, Verdict
from torch_dojo.runner.warm import WarmRunner

PACKS = Path(__file__).parent / "packs"
LIMIT = {"cold": 6.0, "warm": 3.0}  # a cold check starts Python and pytest first (twice)
SLACK = 6.0  # a verdict comes within its time limit plus this
JUDGED = load_pack(PACKS / "judged")
TENSORS = load_pack(PACKS / "tensors").find("double")



@dataclasses.dataclass
class Judge:
    mode: str
    warm_runner: WarmRunner
    mini: Exercise
    folder: Path

    def __call__(self, source: str, *, exercise: Exercise | None = None, time_limit: float | None = None,
                 passes: bool = False) -> Verdict:
        exercise = exercise or self.mini
        time_limit = time_limit or exercise.time_limit
        path = self.folder / exercise.file
        path.write_text(textwrap.dedent(source).replace("FOLDER", repr(str(self.folder))), encoding="utf-8")
        start = time.monotonic()
        if self.mode == "cold":
            verdict = runner.check(exercise, path, time_limit=time_limit, judged=True)
        else:
            assert self.warm_runner.ready(timeout=120)  # a worker replaced by an earlier case may be booting
            start = time.monotonic()
            verdict = self.warm_runner.check(exercise, path, time_limit=time_limit, judged=True)
            assert self.warm_runner.last_was_warm, "the warm runner fell back to a cold check"
        assert time.monotonic() - start < time_limit + SLACK
        assert verdict.passed is passes, verdict.to_json()
        self.assert_nothing_left()
        return verdict

    @property
    def pids(self) -> Path:
        return self.folder / "pids"

    def assert_nothing_left(self) -> None:
        assert_nothing_left(self.pids)



@pytest.fixture(params=["cold", "warm"])
def judge(request, mini_pack, tmp_path) -> Judge:
    return Judge(request.param, request.getfixturevalue("warm_runner"), mini_pack.find("add"), tmp_path)


# Right answers still pass --------------------------------------------------------------------


def test_a_correct_file_passes(judge):
    judge("def add(a, b):\n    return a + b\n", passes=True)
    judge("def double(t):\n    return 2 * t\n", exercise=TENSORS, passes=True)
    judge("def scale(t, k):\n    return t * k\n", exercise=JUDGED.find("scale"), passes=True)


def test_the_learners_code_runs_in_a_process_of_its_own(judge):
    verdict = judge("import os\n\ndef pid():\n    return os.getpid()\n", exercise=JUDGED.find("where"),
                    passes=True)
    seen = verdict.data["judge"]
    assert verdict.data["learner_pid"] != seen["pid"]
    assert seen == {"pid": seen["pid"], "imported_learner": False, "dumpable": 0,
                    "learner_folder_on_path": False}


def test_objects_cross_both_ways(judge):
    """Models trained in place, gradients, graphs, views, lists, loaders, the learner's
    objects, errors, random generators: the reference passes every check of the pack."""
    exercise = JUDGED.find("objects")
    judge(exercise.solution.read_text(encoding="utf-8"), exercise=exercise, passes=True)


def test_a_check_marked_same_process_fails_judged_with_the_reason(judge):
    verdict = judge("def answer():\n    return 42\n", exercise=JUDGED.find("marked"))
    assert [c.status for c in verdict.checks] == [Status.PASSED, Status.FAILED]
    assert "marked it same_process" in verdict.checks[1].message
    assert runner.check(JUDGED.find("marked"), JUDGED.find("marked").solution).passed  # unjudged, it runs


# Messages read as unjudged -------------------------------------------------------------------


def test_an_error_in_the_learners_function_names_its_line(judge):
    verdict = judge("def add(a, b):\n    return a + undefined_name\n")
    assert "NameError" in verdict.checks[0].message
    assert "line 2, in add(): return a + undefined_name" in verdict.checks[0].message


def test_not_written_yet_and_missing_names(judge):
    verdict = judge("def add(a, b):\n    raise NotImplementedError\n")
    assert "`add` is not written yet" in verdict.checks[0].message
    verdict = judge("def plus(a, b):\n    return a + b\n")
    assert "Your file defines no `add`" in verdict.checks[0].message


def test_a_syntax_error_and_an_error_at_import(judge):
    verdict = judge("def add(a, b)\n    return a + b\n")
    assert verdict.status is Status.ERROR and "SyntaxError on line 1" in verdict.message
    verdict = judge("x = 1 / 0\n")
    assert verdict.status is Status.ERROR and "ZeroDivisionError" in verdict.message and "line 1" in verdict.message


def test_blame_reads_as_unjudged(judge):
    """A check's own bug is the check's, what the learner's code raised or returned theirs."""
    blamed = load_pack(PACKS / "blame")
    verdict = judge("def scale(xs, k):\n    return xs\n\ndef total(xs):\n    sum(xs)\n", exercise=blamed.find("scale"))
    scales, total, own = verdict.checks
    assert (scales.status, scales.blame) == (Status.FAILED, "learner")
    assert (total.status, total.blame) == (Status.ERROR, "learner")  # the check tripped over None
    assert (own.status, own.blame) == (Status.ERROR, "check")
    assert "The check itself failed, not your code: checks/01_scale.py, line 21" in own.message
    assert own.hint == NOT_YOUR_FAULT
    verdict = judge("def scale(xs, k):\n    raise ValueError('no')\n", exercise=blamed.find("scale"))
    assert verdict.checks[0].blame == "learner" and "line 2, in scale()" in verdict.checks[0].message
    verdict = judge("def double(x):\n    return 2 * x\n", exercise=blamed.find("broken"))
    assert verdict.checks[0].blame == "check" and "solutions/02_broken.py, line 3" in verdict.checks[0].message


@pytest.mark.parametrize("source", ["def add(a, b):\n    return a - b\n", "def add(a, b):\n    return a + b\n",
                                    "def add(a, b)\n", "", "def add(a, b):\n    raise NotImplementedError\n"])
def test_verdicts_read_as_unjudged(warm_runner, mini_pack, write, source):
    exercise, path = mini_pack.find("add"), write("add.py", source)
    plain, judged = warm_runner.check(exercise, path), warm_runner.check(exercise, path, judged=True)

    def comparable(verdict):
        data = json.loads(re.sub(r"0x[0-9a-f]+", "0x…", json.dumps(verdict.to_json())))
        data.pop("duration")
        for check in data["checks"]:
            check.pop("duration")
        return data

    assert comparable(judged) == comparable(plain)


# Ending Python ---------------------------------------------------------------------------------


def test_a_fake_report_on_stdout_and_stderr_then_exit_0_at_import(judge):
    report = [{"event": "collected", "names": ["add gives the sum of two ints", "adds floats"]},
              {"event": "check", "name": "add gives the sum of two ints", "status": "passed"},
              {"event": "done"}]
    lines = "".join(json.dumps(event) + "\n" for event in report)
    verdict = judge(f"""
        import os, sys
        print({lines!r} + "2 passed")
        print({lines!r}, file=sys.stderr)
        os._exit(0)
        """)
    assert verdict.status is Status.ERROR
    assert "ended Python itself while it was being loaded (exit code 0)" in verdict.message
    assert "2 passed" in verdict.output


def test_sys_exit_at_import(judge):
    verdict = judge("import sys\nsys.exit(0)\ndef add(a, b):\n    return a - b\n")
    assert verdict.status is Status.ERROR
    assert "sys.exit()" in verdict.message


def test_os_exit_inside_a_function(judge):
    verdict = judge("import os\ndef add(a, b):\n    os._exit(0)\n")
    assert verdict.status is Status.ERROR
    assert "ended early during the check 'add gives the sum of two ints' (exit code 0)" in verdict.message
    assert [c.status for c in verdict.checks] == [Status.ERROR, Status.ERROR]
    assert verdict.checks[1].message.startswith("Not run: your code's process ended")


def test_sys_exit_inside_a_function(judge):
    verdict = judge("import sys\ndef add(a, b):\n    sys.exit(0)\n")
    assert "sys.exit()" in verdict.checks[0].message


def test_killing_its_parent(judge):
    verdict = judge("import os, signal\ndef add(a, b):\n    os.kill(os.getppid(), signal.SIGKILL)\n")
    assert verdict.status is Status.ERROR
    assert "ended early" in verdict.message and "SIGKILL" in verdict.message


def test_an_endless_loop_is_stopped_at_the_time_limit(judge):
    verdict = judge("def add(a, b):\n    while True:\n        pass\n", time_limit=LIMIT[judge.mode])
    assert verdict.status is Status.TIMEOUT
    assert verdict.checks[0].status is Status.TIMEOUT


# Replacing what judges ---------------------------------------------------------------------------


def test_replacing_torchs_comparisons(judge):
    verdict = judge("""
        import torch
        torch.equal = lambda *args, **kwargs: True
        torch.allclose = lambda *args, **kwargs: True
        torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)

        def double(t):
            torch.equal = lambda *args, **kwargs: True
            return t
        """, exercise=TENSORS)
    assert [c.status for c in verdict.checks] == [Status.FAILED, Status.FAILED]  # judged with the real ones


def test_replacing_pytest_and_the_check_helpers(judge):
    verdict = judge("""
        import builtins, _pytest.python, pytest
        import torch_dojo.testing, torch_dojo.testing.compare
        _pytest.python.Function.runtest = lambda self: None
        pytest.fail = lambda *args, **kwargs: None
        torch_dojo.testing.assert_tensors_match = lambda *args, **kwargs: None
        torch_dojo.testing.compare.assert_tensors_match = lambda *args, **kwargs: None
        torch_dojo.testing.compare.fail = lambda *args, **kwargs: None
        builtins.isinstance = lambda *args: True

        def scale(t, k):
            return t
        """, exercise=JUDGED.find("scale"))
    assert len(verdict.checks) == 2 and not any(c.status is Status.PASSED for c in verdict.checks)


def test_an_object_equal_to_everything(judge):
    verdict = judge("""
        class Anything:
            def __eq__(self, other):
                return True
            def __ne__(self, other):
                return False
            def __bool__(self):
                return True

        def add(a, b):
            return Anything()
        """)
    assert [c.status for c in verdict.checks] == [Status.FAILED, Status.FAILED]
    assert "add(1, 2) is <" in verdict.checks[0].message


def test_a_tensor_subclass_that_claims_equality(judge):
    verdict = judge("""
        import torch

        class Liar(torch.Tensor):
            def __eq__(self, other):
                return torch.ones_like(self, dtype=torch.bool)

            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                if func in (torch.equal, torch.allclose):
                    return True
                return super().__torch_function__(func, types, args, kwargs or {})

        def double(t):
            return t.as_subclass(Liar)
        """, exercise=TENSORS)
    assert [c.status for c in verdict.checks] == [Status.FAILED, Status.FAILED]


# Reaching past its process -----------------------------------------------------------------------


def test_writing_to_every_file_descriptor(judge):
    report = json.dumps({"event": "check", "name": "add gives the sum of two ints", "status": "passed"})
    verdict = judge(f"""
        import os
        REPORT = ({report!r} + "\\n").encode()

        def add(a, b):
            for fd in range(256):
                try:
                    os.write(fd, REPORT)
                except OSError:
                    pass
            return a - b
        """)
    assert verdict.status is not Status.PASSED


def test_reading_the_judges_descriptors_and_memory(judge):
    verdict = judge("""
        import os

        def add(a, b):
            judge = os.getppid()
            for path in [f"/proc/{judge}/mem", f"/proc/{judge}/environ"] + \\
                    [f"/proc/{judge}/fd/{n}" for n in range(20)]:
                try:
                    open(path, "rb").close()
                    print("opened", path)
                except PermissionError:
                    print("denied", path)
                except OSError:
                    pass
            return a - b
        """)
    assert verdict.status is Status.FAILED
    assert "opened" not in verdict.output
    assert re.search(r"denied /proc/\d+/mem", verdict.output) and re.search(r"denied /proc/\d+/fd/3", verdict.output)


def test_a_crafted_pickle_sent_to_the_judge(judge):
    verdict = judge("""
        import os, pickle, socket, struct

        class Boom:
            def __reduce__(self):
                return (os.system, (f"touch {FOLDER}/pwned",))

        def add(a, b):
            payload = pickle.dumps(("ok", Boom(), (), None))
            for fd in range(3, 64):
                try:
                    sock = socket.socket(fileno=os.dup(fd))
                    sock.sendall(struct.pack("!Q", len(payload)) + payload)
                except OSError:
                    pass
            return Boom()
        """)
    assert verdict.status is Status.ERROR
    assert "cannot be read safely" in verdict.message
    assert not (judge.folder / "pwned").exists()


def test_a_returned_object_with_a_poisoned_reduce(judge):
    verdict = judge("""
        import os

        class Boom:
            def __reduce__(self):
                return (os.system, (f"touch {FOLDER}/pwned",))

        def add(a, b):
            return Boom()
        """)
    assert verdict.status is Status.FAILED
    assert not (judge.folder / "pwned").exists()


def test_a_daemon_left_running(judge):
    verdict = judge("""
        import os, time

        def add(a, b):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    with open(os.path.join(FOLDER, "pids"), "a") as pids:
                        pids.write(f"{os.getpid()}\\n")
                    time.sleep(600)
                os._exit(0)
            while not os.path.exists(os.path.join(FOLDER, "pids")):
                time.sleep(0.01)
            return a - b
        """)
    assert judge.pids.exists()
    assert verdict.status is Status.ERROR
    assert "process(es)" in verdict.message


def test_a_thread_left_running(judge):
    verdict = judge("""
        import threading, time

        def add(a, b):
            threading.Thread(target=time.sleep, args=(600,), name="sleeper").start()
            return a + b
        """)
    assert verdict.status is Status.ERROR
    assert re.search(r"left \d+ thread\(s\) \(sleeper", verdict.message)


def test_the_judge_reaps_its_learners_process_as_it_ends_and_not_before():
    """isolation.reap, which Session._end waits with: the status as soon as the child ends,
    None (the child still running) when the time is up."""
    import os
    import signal
    import subprocess
    import sys

    from torch_dojo.runner.isolation import reap

    quick = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3); raise SystemExit(3)"])
    started = time.monotonic()
    status = reap(quick.pid, 20)
    assert os.waitstatus_to_exitcode(status) == 3 and time.monotonic() - started < 10
    slow = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = time.monotonic()
        assert reap(slow.pid, 0.5) is None and 0.5 <= time.monotonic() - started < 10
    finally:
        slow.send_signal(signal.SIGKILL)
        assert os.waitstatus_to_exitcode(reap(slow.pid, 20)) == -signal.SIGKILL
    quick.returncode = slow.returncode = 0  # reaped here: Popen has nothing left to wait for
