from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from torch_dojo.pack import Pack, load_pack

TESTS = Path(__file__).parent
MINI = TESTS / "packs" / "mini"


@pytest.fixture
def mini_pack() -> Pack:
    return load_pack(MINI)


@pytest.fixture
def write(tmp_path: Path):
    """write("name.py", source) -> a learner file in tmp_path with dedented source."""
    def write(name: str, source: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(source, bytes):
            path.write_bytes(source)
        else:
            path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path
    return write


@pytest.fixture
def dojo(tmp_path: Path):
    """Run the CLI as a learner's shell would, without a terminal: dojo("check", "01")."""
    def dojo(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        full_env = {**os.environ, "CI": "true", "NO_COLOR": "1", **(env or {})}
        full_env.pop("TORCH_DOJO_WORKSPACE", None)
        full_env.pop("TORCH_DOJO_PACK", None)
        full_env.update(env or {})
        return subprocess.run([sys.executable, "-m", "torch_dojo", *args], cwd=cwd or tmp_path,
                              env=full_env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=600)
    return dojo


def copy_of_mini(dest: Path, name: str = "mini", manifest_extra: str = "") -> Path:
    """A copy of the mini pack at ``dest`` under another pack name (and more [pack] fields)."""
    import shutil

    shutil.copytree(MINI, dest)
    manifest = (dest / "pack.toml").read_text().replace('name = "mini"', f'name = "{name}"\n{manifest_extra}'.rstrip())
    (dest / "pack.toml").write_text(manifest)
    return dest


@pytest.fixture(scope="module")
def warm_runner():
    """One warm runner per test module, booted before its first check."""
    from torch_dojo.runner.warm import WarmRunner

    with WarmRunner() as warm:
        assert warm.ready(timeout=120), "the warm worker did not boot"
        yield warm


def assert_nothing_left(pids: Path) -> None:
    """No process of a check is left: none below this test process but warm workers and the
    check process they fork ahead, and none of those whose pids learner code wrote to
    ``pids`` (processes it hid by leaving the tree)."""
    import psutil

    left = []
    for process in psutil.Process().children(recursive=True):  # zombies too
        try:
            if not _infrastructure(process):
                left.append(f"{process.pid} {process.name()} ({process.status()})")
        except psutil.Error:
            pass
    hidden = [int(pid) for pid in pids.read_text().split()] if pids.exists() else []
    left += [f"{pid} (hidden)" for pid in hidden if _running(pid)]
    assert left == [], f"still running after the verdict: {left} (test process {os.getpid()})"


def _infrastructure(process) -> bool:
    """A warm worker of this test process (other tests' too, fixtures outlive a test), and
    the check process a worker forks ahead for its next check (named so just after the fork)."""
    from torch_dojo.runner import supervisor_process
    from torch_dojo.runner.isolation import STANDBY_NAME, SUPERVISOR_NAME

    if process.ppid() == os.getpid() and supervisor_process.__name__ in process.cmdline():
        return True
    parent = process.parent()
    names = (STANDBY_NAME.decode(), SUPERVISOR_NAME.decode())
    return (process.name() in names and parent is not None
            and parent.name() == SUPERVISOR_NAME.decode() and parent.ppid() == os.getpid())


def _running(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


@pytest.fixture(autouse=True, scope="session")
def _reference_cache(tmp_path_factory):
    """Grading keeps reference verdicts in the user's cache folder: the tests keep theirs apart."""
    os.environ["TORCH_DOJO_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
