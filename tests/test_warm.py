"""The warm runner: the cold runner's verdicts from a worker that imported torch once,
its fallbacks to a cold check, and a worker that never outlives what started it."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time

import psutil
import pytest

from torch_dojo import runner
from torch_dojo.verdict import Status
from torch_dojo.runner import warm as warm_module
from torch_dojo.runner.isolation import STANDBY_NAME, SUPERVISOR_NAME
from torch_dojo.runner.warm import WarmRunner

WRONG = "def add(a, b):\n    return a - b\n"
STANDBY = (STANDBY_NAME.decode(), SUPERVISOR_NAME.decode())  # the next check process, forked ahead (named just after the fork)


@pytest.fixture(scope="module")
def warm():
    with WarmRunner() as started:
        assert started.ready(timeout=120)
        yield started


def comparable(verdict) -> dict:
    data = json.loads(re.sub(r"0x[0-9a-f]+", "0x…", json.dumps(verdict.to_json())))  # addresses differ
    data.pop("duration")
    for check in data["checks"]:
        check.pop("duration")
    return data


@pytest.mark.parametrize("source", [WRONG, "def add(a, b):\n    return a + b\n", "def add(a, b)\n", ""])
def test_warm_and_cold_verdicts_are_the_same(warm, mini_pack, write, source):
    exercise = mini_pack.find("add")
    path = write("add.py", source)
    warm_verdict = warm.check(exercise, path)
    assert warm.last_was_warm
    assert comparable(warm_verdict) == comparable(runner.check(exercise, path))


def test_start_returns_before_the_worker_is_ready(mini_pack, write):
    started = WarmRunner()
    try:
        started.start()
        assert started._supervisor is not None and not started._supervisor.ready  # booting meanwhile
        assert started.ready(timeout=120)
    finally:
        started.close()


def test_a_worker_not_ready_in_time_means_a_cold_check(mini_pack, write):
    with WarmRunner(ready_timeout=0) as impatient:
        verdict = impatient.check(mini_pack.find("add"), write("add.py", WRONG))
        assert not impatient.last_was_warm
        assert verdict.status is Status.FAILED


def test_a_dead_worker_is_replaced_and_the_check_runs_cold_meanwhile(mini_pack, write):
    exercise, path = mini_pack.find("add"), write("add.py", WRONG)
    with WarmRunner(ready_timeout=0) as runner_:
        assert runner_.ready(timeout=120)
        first = runner_._supervisor
        os.kill(first.pid, signal.SIGKILL)
        first.process.wait()
        assert runner_.check(exercise, path).status is Status.FAILED
        assert not runner_.last_was_warm
        assert runner_.ready(timeout=120)
        assert runner_._supervisor is not first
        assert runner_.check(exercise, path).status is Status.FAILED
        assert runner_.last_was_warm


def test_checks_that_need_a_fresh_process_go_cold(mini_pack, write, monkeypatch):
    exercise = mini_pack.find("add")
    path = write("add.py", "def add(a, b):\n    return a + b  # not on cuda\n")
    runner_ = WarmRunner()
    assert runner_.cold_reason(exercise, path) is None
    cuda = dataclasses.replace(exercise, requires=frozenset({"cuda"}))
    assert runner_.cold_reason(cuda, path) == "the exercise requires cuda"
    distributed = dataclasses.replace(exercise, requires=frozenset({"distributed"}))
    assert runner_.cold_reason(distributed, path) is None  # torchrun's launcher is a process of its own
    monkeypatch.setattr(warm_module, "cuda_may_exist", lambda: True)
    assert "CUDA" in runner_.cold_reason(exercise, path)
    assert runner_.cold_reason(exercise, write("other.py", "def add(a, b):\n    return a + b\n")) is None
    monkeypatch.setenv("TORCH_DOJO_WARM", "0")
    assert runner_.cold_reason(exercise, path) == "TORCH_DOJO_WARM=0"


def test_a_cancelled_warm_check_ends_its_processes(warm, mini_pack, write):
    path = write("add.py", "def add(a, b):\n    while True:\n        pass\n")
    asked = time.monotonic()
    with pytest.raises(runner.Cancelled):
        warm.check(mini_pack.find("add"), path, time_limit=60, cancelled=lambda: time.monotonic() - asked > 1)
    assert [p for p in psutil.Process(warm._supervisor.pid).children() if p.name() not in STANDBY] == []


def test_checks_from_two_threads(warm, mini_pack, write):
    exercise = mini_pack.find("add")
    paths = [write(f"add{i}.py", WRONG if i % 2 else "def add(a, b):\n    return a + b\n") for i in range(4)]
    verdicts: dict[int, Status] = {}

    def check(i):
        verdicts[i] = warm.check(exercise, paths[i]).status

    threads = [threading.Thread(target=check, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert verdicts == {0: Status.PASSED, 1: Status.FAILED, 2: Status.PASSED, 3: Status.FAILED}


def test_close_leaves_nothing_running_and_later_checks_run_cold(mini_pack, write):
    runner_ = WarmRunner()
    runner_.start()
    assert runner_.ready(timeout=120)
    worker = psutil.Process(runner_._supervisor.pid)
    family = [worker, *worker.children(recursive=True)]
    runner_.close()
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in family)
    assert runner_.check(mini_pack.find("add"), write("add.py", WRONG)).status is Status.FAILED
    assert not runner_.last_was_warm


def test_the_worker_dies_with_the_process_that_started_it(tmp_path):
    script = textwrap.dedent("""
        import os, signal
        from torch_dojo.runner.warm import WarmRunner
        warm = WarmRunner()
        warm.start()
        assert warm.ready(timeout=120)
        print(warm._supervisor.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # no close(), no atexit: gone at once
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    worker = psutil.Process(int(done.stdout.split()[0]))
    family = [worker, *worker.children(recursive=True)]
    gone, alive = psutil.wait_procs(family, timeout=30)
    assert alive == []


def test_pytest_can_be_prepared_ahead():
    """The warm worker configures pytest ahead with its internals; a pytest that moved them
    would make every warm check slower without failing one: say so here."""
    code = "import tempfile; from torch_dojo.runner.check_process import main; print(main.prepare(tempfile.mkdtemp()) is not None)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert done.stdout.strip() == "True", done.stderr


def test_the_rehearsal_leaves_no_module_behind():
    """The worker rehearses one check before it forks any. Nothing of it may outlive it: a
    real check's module (or a parent pytest makes up from the check's path: a pack under
    /check/... gives "check") would otherwise meet a stale entry of the same name, and
    inspect.getmodule() raised inside torch when it did (CI, 2026-11-23)."""
    code = textwrap.dedent("""
        import inspect, sys
        from torch_dojo.runner.supervisor_process import warmup
        before = set(sys.modules)
        warmup._rehearse()
        print(sorted(n for n, f in inspect._filesbymodname.items() if "rehearsal" in str(f)))
        print(sorted(n for n in set(sys.modules) - before if "rehearsal" in n or n == "learner"))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "[]"], done.stdout


PRELOADED = (  # checks that pass only where the first optimizer's imports are done already
    "import sys\n\n"
    "def test_the_check_process_has_them(learner):\n"
    "    assert 'torch._dynamo' in sys.modules and 'torch.profiler' in sys.modules\n\n"
    "def test_the_learners_code_has_them(learner):\n"
    "    assert learner.loaded('torch._dynamo')\n\n"
    "def test_torchs_own_operator_libraries_are_not_undone_at_exit(learner):\n"
    "    assert learner.teardowns() == (0, 1)\n"
)
LOADED = (
    "import sys\nimport weakref\n\n"
    "def loaded(name):\n    return name in sys.modules\n\n"
    "def teardowns():\n"
    "    import torch.library\n"
    "    def count():\n"
    "        return sum(1 for f in list(weakref.finalize._registry)\n"
    "                   if f.atexit and (f.peek() or (0, 0))[1] is torch.library._del_library)\n"
    "    before = count()\n"
    "    mine = torch.library.Library('dojo_test_lib', 'DEF')  # one of the learner's own: still undone\n"
    "    return before, count()\n"
)


def test_what_torch_imports_lazily_is_preloaded_after_ready_for_both_judged_processes(mini_pack, write, tmp_path):
    exercise = mini_pack.find("add")
    preloaded = dataclasses.replace(exercise, root=tmp_path / "pack")
    for folder, text in (("checks", PRELOADED), ("solutions", LOADED)):
        (preloaded.root / folder).mkdir(parents=True)
        (preloaded.root / folder / exercise.file).write_text(text, encoding="utf-8")
    with WarmRunner() as fresh:
        assert fresh.ready(timeout=120)
        # Asked at once, while the supervisor imports the rest: answered, warm, as ever.
        assert fresh.check(exercise, exercise.solution).passed and fresh.last_was_warm
        assert fresh.preloaded(timeout=120)
        for judged in (False, True):
            verdict = fresh.check(preloaded, write("loaded.py", LOADED), judged=judged)
            assert verdict.passed and fresh.last_was_warm, (judged, verdict.to_json())
