"""When saves can be watched, and when the folder must be polled instead."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from torch_dojo.tui.watch import Watcher, polling_reason

MOUNTS = """\
overlay / overlay rw 0 0
tmpfs /tmp tmpfs rw 0 0
C:\\134 /mnt/c 9p rw,dirsync 0 0
server:/home /mnt/c/nfs\\040home nfs4 rw 0 0
"""


def mounts(tmp_path: Path) -> Path:
    table = tmp_path / "mounts"
    table.write_text(MOUNTS)
    return table


def test_a_local_folder_is_watched(tmp_path, monkeypatch):
    monkeypatch.delenv("TORCH_DOJO_POLL", raising=False)
    assert polling_reason(Path("/tmp/work"), mounts(tmp_path)) == ""


def test_a_windows_drive_under_wsl_is_polled(tmp_path, monkeypatch):
    monkeypatch.delenv("TORCH_DOJO_POLL", raising=False)
    assert "9p mount" in polling_reason(Path("/mnt/c/Users/ada/torch-dojo"), mounts(tmp_path))


def test_the_deepest_mount_decides(tmp_path, monkeypatch):
    monkeypatch.delenv("TORCH_DOJO_POLL", raising=False)
    assert "nfs4 mount" in polling_reason(Path("/mnt/c/nfs home/ada"), mounts(tmp_path))


def test_polling_can_be_asked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_DOJO_POLL", "1")
    assert "TORCH_DOJO_POLL" in polling_reason(Path("/tmp/work"), mounts(tmp_path))


def test_an_unreadable_mount_table_means_watching(tmp_path, monkeypatch):
    monkeypatch.delenv("TORCH_DOJO_POLL", raising=False)
    assert polling_reason(Path("/tmp/work"), tmp_path / "absent") == ""


@pytest.mark.parametrize("polling", ["", "1"])
@pytest.mark.parametrize("how", ["moved", "deleted"])
def test_the_watched_folder_going_away_is_reported(tmp_path, monkeypatch, how, polling):
    monkeypatch.setenv("TORCH_DOJO_POLL", polling)
    folder = tmp_path / "torch-dojo"
    folder.mkdir()
    seen: list[set[Path]] = []
    watcher = Watcher(folder, seen.append)
    watcher.start()
    try:
        deadline = time.monotonic() + 20
        while not seen:  # the watch is up once a save is seen
            assert time.monotonic() < deadline, "no save was ever seen"
            (folder / "01_add.py").write_text("x = 1\n")
            time.sleep(0.5)
        if how == "moved":
            folder.rename(tmp_path / "elsewhere")
        else:
            shutil.rmtree(folder)
        deadline = time.monotonic() + 20
        while not any(folder in paths for paths in seen):
            assert time.monotonic() < deadline, f"the folder's going was not reported: {seen}"
            time.sleep(0.1)
    finally:
        watcher.stop()
