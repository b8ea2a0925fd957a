"""The zygote that forks torchrun's ranks, and the client that stands for each rank.

torchrun's agent only ever sees the client: these prove that the client and its rank are
one process to it (the environment and streams it gave, the exit code or signal it
reads, the signal it sends), and that neither outlives the other or the zygote.
No torch here: ``run`` is a plain function, forked from this test's process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from torch_dojo.runner.check_process import zygote

pytestmark = pytest.mark.skipif(not zygote.available(), reason="needs fork and pidfds (Linux)")


def _run(args: list[str]) -> int:
    """A rank: what the test asks for in args[0], with what it was told written to args[1]."""
    what, report = args[0], Path(args[1])
    report.write_text(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "cwd": os.getcwd(),
                                  "rank": os.environ.get("RANK"), "args": args}))
    print("out of rank", os.environ.get("RANK"), flush=True)
    print("err of rank", file=sys.stderr, flush=True)
    if what == "exit":
        return int(args[2])
    if what == "raise":
        raise SystemExit(int(args[2]))
    if what == "sleep":
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        time.sleep(300)
    if what == "ignore":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(300)
    return 0


@pytest.fixture
def forks(tmp_path):
    folder = tmp_path / "launch"
    folder.mkdir()
    started = zygote.start(str(folder), _run)
    yield started
    started.stop()


def _client(forks, tmp_path, *args: str, rank: str = "0", **popen) -> subprocess.Popen:
    entrypoint, argv = forks.command(*args)
    return subprocess.Popen([entrypoint, *argv], env=dict(os.environ, RANK=rank), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **popen)


def _gone(pid: int, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _told(report: Path, within: float = 10) -> dict:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            return json.loads(report.read_text())
        except (OSError, ValueError):
            time.sleep(0.02)
    raise AssertionError("the rank never started")


def test_the_rank_gets_the_clients_environment_folder_streams_and_exit_code(forks, tmp_path):
    report = tmp_path / "told.json"
    client = _client(forks, tmp_path, "exit", str(report), "3", rank="2")
    out, err = client.communicate(timeout=30)
    assert client.returncode == 3
    assert (out, err) == (b"out of rank 2\n", b"err of rank\n")  # the client's own pipes
    told = _told(report)
    assert told["rank"] == "2" and told["cwd"] == str(tmp_path)
    assert told["args"] == ["exit", str(report), "3"]
    assert told["ppid"] == forks.pid and told["pid"] != client.pid  # forked by the zygote, not the client


def test_sys_exit_in_the_rank_is_the_clients_exit_code(forks, tmp_path):
    client = _client(forks, tmp_path, "raise", str(tmp_path / "told.json"), "5")
    client.communicate(timeout=30)
    assert client.returncode == 5


def test_a_signal_to_the_client_ends_the_rank_and_the_client_dies_of_it(forks, tmp_path):
    report = tmp_path / "told.json"
    client = _client(forks, tmp_path, "sleep", str(report))
    rank = _told(report)["pid"]
    os.killpg(client.pid, signal.SIGTERM)  # as torchrun's agent ends a rank
    client.communicate(timeout=30)
    assert client.returncode == -signal.SIGTERM
    assert _gone(rank)


def test_a_client_killed_takes_its_rank_with_it(forks, tmp_path):
    report = tmp_path / "told.json"
    client = _client(forks, tmp_path, "ignore", str(report))  # SIGTERM would not end this rank
    rank = _told(report)["pid"]
    os.killpg(client.pid, signal.SIGKILL)  # the agent's last word
    client.communicate(timeout=30)
    assert _gone(rank)
    again = _client(forks, tmp_path, "exit", str(tmp_path / "again.json"), "0")  # the zygote still serves
    again.communicate(timeout=30)
    assert again.returncode == 0


def test_when_the_zygote_goes_its_ranks_and_their_clients_end(forks, tmp_path):
    reports = [tmp_path / f"told{n}.json" for n in range(2)]
    clients = [_client(forks, tmp_path, "ignore", str(r), rank=str(n)) for n, r in enumerate(reports)]
    ranks = [_told(r)["pid"] for r in reports]
    forks.stop()
    for client in clients:
        client.communicate(timeout=30)
        assert client.returncode != 0
    assert all(_gone(pid) for pid in ranks)


def test_a_client_with_no_zygote_says_so(tmp_path):
    entrypoint, argv = zygote.Zygote(0, str(tmp_path)).command("exit", str(tmp_path / "x"), "0")
    client = subprocess.run([entrypoint, *argv], capture_output=True, timeout=30)
    assert client.returncode == zygote.KILLED_WITHOUT_CLIENT
    assert b"no rank was started" in client.stderr


def test_a_stranger_that_says_nonsense_is_dropped_and_the_zygote_serves_on(forks, tmp_path):
    import socket

    stranger = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stranger.connect(str(Path(forks.folder) / zygote.SOCKET))
    stranger.sendall(b"not json\n")
    assert stranger.recv(100) == b""  # hung up on
    stranger.close()
    client = _client(forks, tmp_path, "exit", str(tmp_path / "told.json"), "4")
    client.communicate(timeout=30)
    assert client.returncode == 4
