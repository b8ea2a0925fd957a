"""run_torchrun for real: torchrun's launcher, ranks forked from it, the learner's files on them.

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

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def probe(module):
    """Runs on every rank: what torchrun told it, and the learner's function's answer."""
    import os

    import torch.distributed as dist

    dist.init_process_group("gloo")
    total = module.rank_sum()
    return {"env": {k: os.environ.get(k) for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR",
                                                   "MASTER_PORT", "TORCHELASTIC_RUN_ID")},
            "sum": total, "group": [dist.get_rank(), dist.get_world_size()]}


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
