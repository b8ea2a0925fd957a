"""The runner judges real learner files: passing, failing, broken, hanging, hostile."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import psutil
import pytest

from torch_dojo import runner
from torch_dojo.pack import load_pack
from torch_dojo.verdict import NOT_YOUR_FAULT, Status, Verdict

GOOD = """
def add(a, b):
    return a + b
"""


def check(mini_pack, path, **kwargs) -> Verdict:
    return runner.check(mini_pack.find("add"), path, **kwargs)


def test_a_correct_file_passes_every_check(mini_pack, write):
    verdict = check(mini_pack, write("add.py", GOOD))
    assert verdict.status is Status.PASSED
    assert [c.name for c in verdict.checks] == ["add gives the sum of two ints", "adds floats"]
    assert all(c.status is Status.PASSED for c in verdict.checks)
    assert verdict.data == {"pairs": [[1, 2], [3, -4]]}


def test_a_wrong_answer_fails_with_the_message_and_the_hint(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "def add(a, b):\n    return a - b\n"))
    assert verdict.status is Status.FAILED
    first, second = verdict.checks
    assert first.status is Status.FAILED
    assert first.message == "add(1, 2) is -1, expected 3"
    assert first.hint == "Use the + operator."
    assert verdict.hint == "Use the + operator."
    assert "add(0.5, 0.25) should be 0.75" in second.message


def test_the_starter_is_not_written_yet(mini_pack):
    exercise = mini_pack.find("add")
    verdict = runner.check(exercise, exercise.starter)
    assert verdict.status is Status.FAILED
    assert "`add` is not written yet" in verdict.checks[0].message


def test_a_syntax_error_names_the_line_and_runs_no_check(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "def add(a, b)\n    return a + b\n"))
    assert verdict.status is Status.ERROR
    assert "SyntaxError on line 1" in verdict.message
    assert "def add(a, b)" in verdict.message
    assert "Traceback" not in verdict.message and "torch_dojo" not in verdict.message


def test_an_error_at_import_names_the_line_of_the_learners_file(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "import math\nx = 1 / 0\n" + GOOD))
    assert verdict.status is Status.ERROR
    assert "ZeroDivisionError" in verdict.message
    assert "line 2" in verdict.message and "x = 1 / 0" in verdict.message


def test_an_error_inside_a_function_is_the_checks_error_with_the_learners_line(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "def add(a, b):\n    return a + undefined_name\n"))
    assert verdict.status is Status.FAILED
    assert verdict.checks[0].status is Status.ERROR
    assert "NameError" in verdict.checks[0].message
    assert "line 2, in add(): return a + undefined_name" in verdict.checks[0].message


def test_a_missing_function_is_named(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "def plus(a, b):\n    return a + b\n"))
    assert "Your file defines no `add`" in verdict.checks[0].message


def test_a_missing_file_says_how_to_get_it_back(mini_pack, tmp_path):
    verdict = check(mini_pack, tmp_path / "gone.py")
    assert verdict.status is Status.ERROR
    assert "torch-dojo reset 01" in verdict.hint


def test_an_endless_loop_times_out_and_leaves_nothing_running(mini_pack, write):
    path = write("add.py", "import subprocess, sys\n"
                           "def add(a, b):\n"
                           "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
                           "    while True:\n        pass\n")
    before = {p.pid for p in psutil.process_iter()}
    start = time.monotonic()
    verdict = check(mini_pack, path, time_limit=3)
    assert time.monotonic() - start < 3 + 5
    assert verdict.status is Status.TIMEOUT
    assert "Stopped after 3 s" in verdict.message
    assert verdict.checks[0].status is Status.TIMEOUT
    assert verdict.checks[0].name == "add gives the sum of two ints"
    time.sleep(0.2)
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if p.pid not in before
                 and "time.sleep(600)" in " ".join(p.info["cmdline"] or [])]
    assert leftovers == []


def test_a_cancelled_check_ends_its_processes_and_gives_no_verdict(mini_pack, write):
    path = write("add.py", "def add(a, b):\n    while True:\n        pass\n")
    asked = time.monotonic()
    with pytest.raises(runner.Cancelled):
        check(mini_pack, path, time_limit=60, cancelled=lambda: time.monotonic() - asked > 1.5)
    assert time.monotonic() - asked < 1.5 + 5  # well before the time limit
    time.sleep(0.2)
    assert [p for p in psutil.process_iter(["cmdline"]) if str(path) in " ".join(p.info["cmdline"] or [])] == []


def test_checks_done_before_a_hang_keep_their_verdicts(mini_pack, write):
    path = write("add.py", "def add(a, b):\n"
                           "    if isinstance(a, float):\n        while True: pass\n"
                           "    return a + b\n")
    verdict = check(mini_pack, path, time_limit=3)
    assert [c.status for c in verdict.checks] == [Status.PASSED, Status.TIMEOUT]


def test_a_process_that_exits_early_is_an_error_not_a_pass(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "import os\ndef add(a, b):\n    os._exit(0)\n"))
    assert verdict.status is Status.ERROR
    assert "ended early" in verdict.message and "exit code 0" in verdict.message


def test_sys_exit_inside_a_function_is_explained(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "import sys\ndef add(a, b):\n    sys.exit(0)\n"))
    assert verdict.status is Status.FAILED
    assert "sys.exit()" in verdict.checks[0].message


def test_sys_exit_at_import_is_explained(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "import sys\nsys.exit(0)\n" + GOOD))
    assert verdict.status is Status.ERROR
    assert "sys.exit()" in verdict.message


def test_printing_a_fake_passing_report_does_not_pass(mini_pack, write):
    fake = json.dumps({"event": "check", "name": "add gives the sum of two ints", "status": "passed"})
    path = write("add.py", f"print({fake!r})\nprint('passed')\ndef add(a, b):\n    return 0\n")
    verdict = check(mini_pack, path)
    assert verdict.status is Status.FAILED
    assert "passed" in verdict.output


def test_output_is_kept_bounded_with_a_note(mini_pack, write):
    path = write("add.py", "for i in range(200_000):\n    print('line', i)\n" + GOOD)
    verdict = check(mini_pack, path)
    assert verdict.status is Status.PASSED
    assert verdict.output_truncated
    assert len(verdict.output) <= 64 * 1024
    assert verdict.output.rstrip().endswith("line 199999")


def test_reading_stdin_gets_end_of_file_not_a_hang(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "def add(a, b):\n    return int(input()) + a + b\n"), time_limit=10)
    assert verdict.checks[0].status is Status.ERROR
    assert "EOFError" in verdict.checks[0].message


def test_memory_growth_is_stopped_with_a_memory_verdict(mini_pack, write, monkeypatch):
    exercise = mini_pack.find("add")
    small = type(exercise)(**{**exercise.__dict__, "memory_limit_mb": 300})
    path = write("add.py", "def add(a, b):\n    hoard = []\n    while True:\n        hoard.append(bytearray(10**7))\n")
    verdict = runner.check(small, path, time_limit=20)
    assert verdict.status is Status.MEMORY
    assert "more than 300 MB" in verdict.message


def test_the_learners_folder_gets_no_cache_files(mini_pack, write, tmp_path):
    check(mini_pack, write("add.py", GOOD))
    assert sorted(os.listdir(tmp_path)) == ["add.py"]


def test_verdict_json_round_trips(mini_pack, write):
    verdict = check(mini_pack, write("add.py", "def add(a, b):\n    return a - b\n"))
    data = json.loads(json.dumps(verdict.to_json()))
    assert data["schema"] == "torch-dojo/verdict@1"
    assert Verdict.from_json(data).to_json() == data
    assert Verdict.from_json(data).checks == verdict.checks


def test_broken_checks_are_blamed_on_the_pack_not_the_learner(mini_pack, write, tmp_path):
    import shutil

    from torch_dojo.pack import load_pack

    root = tmp_path / "pack"
    shutil.copytree(mini_pack.root, root)
    (root / "checks" / "01_add.py").write_text("def test_x(learner:\n")
    verdict = runner.check(load_pack(root).find("add"), write("add.py", GOOD))
    assert verdict.status is Status.ERROR
    assert "fault in the pack, not in your file" in verdict.message


# Whose fault a check that did not pass is (tests/packs/blame) ----------------------------

BLAME = Path(__file__).parent / "packs" / "blame"
RIGHT_SCALE = "def scale(xs, k):\n    return [x * k for x in xs]\n\ndef total(xs):\n    return sum(xs)\n"


def blame_check(write, source: str, slug: str = "scale", **kwargs) -> Verdict:
    exercise = load_pack(BLAME).find(slug)
    return runner.check(exercise, write(exercise.file, source), **kwargs)


def by_name(verdict: Verdict) -> dict:
    return {c.name: c for c in verdict.checks}


def test_a_check_whose_own_code_raises_is_blamed_on_the_check_with_its_file_and_line(write):
    verdict = blame_check(write, RIGHT_SCALE)
    checks = by_name(verdict)
    own = checks["the check's own code works"]
    assert own.status is Status.ERROR and own.blame == "check"
    assert own.message.startswith("The check itself failed, not your code:")
    assert "checks/01_scale.py, line 21" in own.message
    assert "KeyError: 'large'" in own.message
    assert own.hint == NOT_YOUR_FAULT and "Not your fault" in own.hint
    assert "Traceback" not in own.message and "torch_dojo" not in own.message
    assert checks["scale multiplies every number by k"].blame == ""  # passed: nobody's
    assert verdict.status is Status.FAILED


def test_a_wrong_value_and_a_raising_function_are_the_learners(write):
    wrong = blame_check(write, "def scale(xs, k):\n    return xs\n\ndef total(xs):\n    raise ValueError('no')\n")
    checks = by_name(wrong)
    assert checks["scale multiplies every number by k"].status is Status.FAILED
    assert checks["scale multiplies every number by k"].blame == "learner"
    raised = checks["total adds the numbers"]
    assert raised.status is Status.ERROR and raised.blame == "learner"
    assert "ValueError: no" in raised.message and "raised in your file, line 5" in raised.message
    assert raised.hint == "total adds the numbers up."
    assert wrong.hint == "Each number is multiplied by k."  # the learner's checks come first


def test_a_check_that_trips_over_the_learners_value_blames_the_learner(write):
    verdict = blame_check(write, "def scale(xs, k):\n    return [x * k for x in xs]\n\ndef total(xs):\n    sum(xs)\n")
    tripped = by_name(verdict)["total adds the numbers"]
    assert tripped.status is Status.ERROR and tripped.blame == "learner"  # with the reference it passes
    assert "TypeError" in tripped.message and "what your function returns" in tripped.message
    assert tripped.hint == "total adds the numbers up."


def test_not_written_yet_is_the_learners_with_no_hint(write):
    exercise = load_pack(BLAME).find("scale")
    verdict = runner.check(exercise, exercise.starter)
    checks = by_name(verdict)
    for name in ("scale multiplies every number by k", "total adds the numbers"):
        assert checks[name].blame == "learner" and checks[name].hint == ""
        assert "not written yet" in checks[name].message
    assert verdict.hint == NOT_YOUR_FAULT  # the only hint there is: the check's own bug


def test_a_reference_that_does_not_load_is_the_checks(write):
    verdict = blame_check(write, "def double(x):\n    return 2 * x\n", slug="broken")
    (only,) = verdict.checks
    assert only.status is Status.ERROR and only.blame == "check"
    assert "reference solution (solutions/02_broken.py, line 3) could not be loaded" in only.message
    assert "RuntimeError: broken on purpose" in only.message
    assert only.hint == NOT_YOUR_FAULT


def test_blame_is_in_every_checks_json(write):
    document = blame_check(write, RIGHT_SCALE).to_json()
    assert [c["blame"] for c in document["checks"]] == ["", "", "check"]


NO_PLUGINS = '''\
import sys
from importlib.metadata import entry_points


def test_no_plugin_of_the_environment_runs_with_the_checks(learner):
    """no pytest11 plugin of the environment is loaded"""
    named = {e.value.split(":")[0] for e in entry_points(group="pytest11")}
    assert named, "this needs a pytest plugin installed (the test extras have pytest-xdist)"
    assert not named & set(sys.modules), sorted(named & set(sys.modules))
'''


WAIT_POLICY = '''
import os


def test_openmp_threads_wait_passively(learner):
    """OpenMP's threads sleep when idle, here and where the learner's code runs"""
    assert os.environ.get("OMP_WAIT_POLICY") == "PASSIVE"
    assert learner.wait_policy() == "PASSIVE"
'''


def _checked_with(checks: str, path, mini_pack, tmp_path, warm_runner, how: str):
    """``path`` judged by the mini pack's `add` with ``checks`` for its checks: cold, warm or judged."""
    import dataclasses

    exercise = mini_pack.find("add")
    alone = dataclasses.replace(exercise, root=tmp_path / "pack")
    (alone.root / "checks").mkdir(parents=True)
    (alone.root / "checks" / exercise.file).write_text(checks, encoding="utf-8")
    if how == "cold":
        return runner.check(alone, path)
    verdict = warm_runner.check(alone, path, judged=how == "judged")
    assert warm_runner.last_was_warm
    return verdict


@pytest.mark.parametrize("how", ["cold", "warm", "judged"])
def test_openmp_threads_of_the_checks_sleep_when_idle(mini_pack, write, tmp_path, warm_runner, how):
    """Spinning OpenMP threads of the judge would take the cores from the learner's process,
    and the other way round (runner.process.child_environment)."""
    path = write("add.py", "import os\n\ndef wait_policy():\n    return os.environ.get('OMP_WAIT_POLICY')\n")
    verdict = _checked_with(WAIT_POLICY, path, mini_pack, tmp_path, warm_runner, how)
    assert verdict.status is Status.PASSED, verdict.to_json()


def test_a_wait_policy_of_the_users_own_is_kept(monkeypatch):
    from torch_dojo.runner.process import child_environment

    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    assert child_environment()["OMP_WAIT_POLICY"] == "ACTIVE"
    monkeypatch.delenv("OMP_WAIT_POLICY")
    assert child_environment()["OMP_WAIT_POLICY"] == "PASSIVE"


@pytest.mark.parametrize("how", ["cold", "warm", "judged"])
def test_pytest_plugins_of_the_environment_stay_out_of_the_checks(mini_pack, write, tmp_path, warm_runner, how):
    """A plugin installed beside torch-dojo (a rerun-on-failure one would pass a flaky answer)
    never runs with the checks."""
    verdict = _checked_with(NO_PLUGINS, write("add.py", GOOD), mini_pack, tmp_path, warm_runner, how)
    assert verdict.status is Status.PASSED, verdict.to_json()
