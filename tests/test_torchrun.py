"""run_torchrun for real: torchrun's launcher, ranks forked for it, the learner's files on them.

The built-in exercise 18 (tests/test_builtin_pack.py) proves the checks; these prove the
launch itself: what each rank is told, that a failed rank ends the others as torchrun's
agent does, and that a launch leaves nothing behind in the temporary folder.
"""

from __future__ import annotations

import os
import tempfile
import time

import pytest

from torch_dojo.testing import run_torchrun


def probe(module):
    """Runs on every rank: what torchrun told it, and the learner's function's answer."""
    import os

    import torch.distributed as dist

    dist.init_process_group("gloo")
    total = module.rank_sum()
    return {"env": {k: os.environ.get(k) for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR",
                                                   "MASTER_PORT", "TORCHELASTIC_RUN_ID")},
            "sum": total, "group": [dist.get_rank(), dist.get_world_size()],
            # forked by the zygote, which has one thread: not by torchrun's agent, which has several
            "parent_threads": len(os.listdir(f"/proc/{os.getppid()}/task"))}


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    """A temporary folder of the test's own, for the launch and everything it starts."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    return scratch


def test_every_rank_is_told_who_it_is_and_the_launch_leaves_nothing_behind(tmp_path, own_tmp):
    script = tmp_path / "learner.py"
    script.write_text(
        "import torch, torch.distributed as dist\n\n"
        "def rank_sum():\n"
        "    t = torch.tensor([float(dist.get_rank())])\n"
        "    dist.all_reduce(t)\n"
        "    return t.item()\n\n"
        "if __name__ == '__main__':\n"
        "    dist.init_process_group('gloo')\n"
        "    print('rank', dist.get_rank(), 'of', dist.get_world_size(), 'sum', rank_sum())\n"
        "    dist.destroy_process_group()\n", encoding="utf-8")

    probed = run_torchrun(script, nproc=3, probe=probe, timeout=120)
    assert probed.returncode == 0 and not probed.timed_out, probed.output
    assert [r.error for r in probed.ranks] == ["", "", ""]
    for number in range(3):
        data = probed.rank(number).data
        assert data["group"] == [number, 3] and data["sum"] == 0 + 1 + 2
        env = data["env"]
        assert (env["RANK"], env["WORLD_SIZE"], env["LOCAL_RANK"]) == (str(number), "3", str(number))
        assert env["MASTER_ADDR"] and env["MASTER_PORT"] and env["TORCHELASTIC_RUN_ID"]
        assert data["parent_threads"] == 1
    assert len({probed.rank(n).data["env"]["TORCHELASTIC_RUN_ID"] for n in range(3)}) == 1

    as_script = run_torchrun(script, nproc=2, timeout=120)
    assert as_script.returncode == 0, as_script.output
    assert as_script.rank(0).output == "rank 0 of 2 sum 1.0\n"
    assert as_script.rank(1).output == "rank 1 of 2 sum 1.0\n"
    assert list(own_tmp.iterdir()) == []  # no rank folder, no torchelastic_* log folder


def test_a_rank_that_fails_ends_the_others_at_once(tmp_path, own_tmp):
    script = tmp_path / "learner.py"
    script.write_text(
        "import os, time\n"
        "if os.environ['RANK'] == '1':\n"
        "    raise ValueError('rank 1 gives up')\n"
        "time.sleep(100)  # rank 0 would wait this long, were it not ended\n", encoding="utf-8")
    started = time.monotonic()
    result = run_torchrun(script, nproc=2, timeout=90)
    assert time.monotonic() - started < 60 and not result.timed_out
    assert result.returncode not in (0, None)
    assert result.errors().startswith("rank 1: ValueError: rank 1 gives up")
    assert [r.rank for r in result.ranks] == [1]  # rank 0 was ended before it could report
    assert list(own_tmp.iterdir()) == []


def test_a_script_that_exits_non_zero_is_an_error_and_zero_is_not(tmp_path, own_tmp):
    script = tmp_path / "learner.py"
    script.write_text("import os, sys, time\nprint('bye')\n"
                      "time.sleep(2 * int(os.environ['RANK']))  # rank 0 has reported before rank 1 fails\n"
                      "sys.exit(int(os.environ['RANK']) * 3)\n", encoding="utf-8")
    result = run_torchrun(script, nproc=2, timeout=90)
    assert result.rank(0).error == "" and result.rank(0).output == "bye\n"
    assert result.errors() == "rank 1: the script exited with sys.exit(3)"


def test_a_launch_that_hangs_is_ended_with_every_rank(tmp_path, own_tmp):
    script = tmp_path / "learner.py"
    script.write_text("import os, pathlib, time\n"
                      f"pathlib.Path({str(tmp_path)!r}, 'pid' + os.environ['RANK']).write_text(str(os.getpid()))\n"
                      "time.sleep(300)\n", encoding="utf-8")
    started = time.monotonic()
    result = run_torchrun(script, nproc=2, timeout=8)
    assert result.timed_out and time.monotonic() - started < 30
    assert result.ranks == []
    pids = [int((tmp_path / f"pid{n}").read_text()) for n in range(2)]
    time.sleep(0.5)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert list(own_tmp.iterdir()) == []


FREES_ITS_GROUPS = """\
import torch, torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

def train_and_free(group):
    model = DistributedDataParallel(torch.nn.Linear(2, 2), process_group=group)
    for _ in range(3):
        model(torch.randn(4, 2)).sum().backward()
    dist.destroy_process_group(group)
    # model freed here: its reducer frees the group, whose gloo thread frees the last work

if __name__ == "__main__":
    dist.init_process_group("gloo")
    for _ in range(20):
        train_and_free(dist.new_group())
    print("done")
    dist.destroy_process_group()
"""


def test_a_ddp_model_freed_after_its_group_was_destroyed_never_hangs_a_rank(tmp_path, own_tmp):
    """torch 2.13 hangs a rank here about one time in four (rank._no_context_for_device_threads):
    twenty times on each rank, so a launch without the workaround all but surely times out."""
    script = tmp_path / "learner.py"
    script.write_text(FREES_ITS_GROUPS, encoding="utf-8")
    result = run_torchrun(script, nproc=2, timeout=60)
    assert not result.timed_out and result.returncode == 0, result.output
    assert [result.rank(n).output for n in range(2)] == ["done\n", "done\n"]


def context_probe(module):
    """Whether a backward on this rank finds the contextvars stashed in its thread's state."""
    import torch

    seen = []
    x = torch.ones(2, requires_grad=True)
    x.register_hook(lambda grad: seen.append(torch._C._is_key_in_tls("context")))
    (x * 2).sum().backward()
    return seen


def test_a_ranks_backward_keeps_no_python_object_in_its_thread_state(tmp_path, own_tmp):
    """What the gloo work items capture, and what the hang above comes from: nothing there."""
    script = tmp_path / "learner.py"
    script.write_text("", encoding="utf-8")
    result = run_torchrun(script, nproc=2, probe=context_probe, timeout=60)
    assert [result.rank(n).data for n in range(2)] == [[False], [False]], result.output


# Through the runner: the launcher a check process forks ahead ---------------------------------

PACK_TOML = """\
[pack]
name = "ddp"
title = "torchrun launches, for the tests"

[[exercise]]
id = "01"
slug = "ranks"
title = "Ranks"
chapter = "Distributed"
file = "01_ranks.py"
time_limit = 120
requires = ["distributed"]
task = "Write `world()`."
hints = ["Read the environment.", "`int(os.environ['WORLD_SIZE'])`"]
"""
CHECKS = '''\
import os
from pathlib import Path

from torch_dojo.testing import requires, run_torchrun

SECRET = Path(__file__).resolve().parents[1] / "pack.toml"  # the pack is closed to the ranks


def probe(module):
    import os
    from pathlib import Path

    try:
        SECRET.read_text()
        secret = "read"
    except OSError as err:
        secret = type(err).__name__
    return {"world": module.world(), "secret": secret,
            "name": _name()}


def _name():
    """This process's name (prctl PR_GET_NAME): a fork keeps its parent's."""
    import ctypes

    name = ctypes.create_string_buffer(16)
    ctypes.CDLL(None, use_errno=True).prctl(16, name)
    return name.value.decode()


@requires("distributed")
def test_every_rank_knows_the_world(learner_path):
    """world() is the number of ranks, on every rank"""
    for nproc in (3, 2):
        run = run_torchrun(learner_path, nproc=nproc, probe=probe, timeout=90)
        assert not run.timed_out and not run.errors(), run.errors() or run.output
        data = [run.rank(n).data for n in range(nproc)]
        # forked from the launcher the check process forked ahead, not from a fresh interpreter
        assert {d["name"] for d in data} == {"dojo-launcher"}, data
        if os.environ.get("TORCH_DOJO_WALL"):  # graded: every rank behind the learner's wall
            assert {d["secret"] for d in data} == {"PermissionError"}, data
        assert [d["world"] for d in data] == [nproc] * nproc, f"world() gave {[d['world'] for d in data]}"
'''


@pytest.fixture
def ddp_pack(tmp_path):
    from torch_dojo.pack import load_pack

    root = tmp_path / "ddp"
    for name, text in {"pack.toml": PACK_TOML, "checks/01_ranks.py": CHECKS,
                       "exercises/01_ranks.py": "def world():\n    raise NotImplementedError\n",
                       "solutions/01_ranks.py": "import os\n\n\ndef world():\n    return int(os.environ['WORLD_SIZE'])\n"
                       }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return load_pack(root)


def test_a_cold_check_launches_through_its_launcher_and_ends_it(ddp_pack, write):
    from torch_dojo import runner
    from torch_dojo.verdict import Status

    exercise = ddp_pack.exercises[0]
    verdict = runner.check(exercise, exercise.solution)
    assert verdict.status is Status.PASSED, verdict.to_json()  # no launcher left running, either
    wrong = runner.check(exercise, write("01_ranks.py", "def world():\n    return 2\n"))
    assert wrong.status is Status.FAILED and "world() gave [2, 2, 2]" in wrong.checks[0].message


def test_a_warm_judged_check_launches_through_its_launcher(ddp_pack, warm_runner):
    from torch_dojo.verdict import Status

    exercise = ddp_pack.exercises[0]
    verdict = warm_runner.check(exercise, exercise.solution, judged=True)
    assert verdict.status is Status.PASSED, verdict.to_json()
    assert warm_runner.last_was_warm


@pytest.mark.skipif("not __import__('torch_dojo.runner.confinement', fromlist=['abi']).abi()",
                    reason="this kernel has no Landlock")
def test_graded_and_confined_every_rank_is_behind_the_wall(ddp_pack, dojo, tmp_path):
    import json
    import shutil

    (tmp_path / "subs" / "ann").mkdir(parents=True)
    shutil.copy(ddp_pack.exercises[0].solution, tmp_path / "subs" / "ann" / "01_ranks.py")
    done = dojo("grade", "subs", "--pack", str(ddp_pack.root), "--out", "g.json", "--confinement", "require")
    assert done.returncode == 0, done.stderr[-3000:]
    mark = json.loads((tmp_path / "g.json").read_text())["students"][0]["exercises"]["01"]
    assert mark["status"] == "passed", mark
