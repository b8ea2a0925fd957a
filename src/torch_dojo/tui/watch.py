"""Noticing saves: the workspace folder is watched (watchfiles) from a thread of its own.

Editors save in many ways (write in place, write a copy then rename it over the file), so
the folder is watched, not the file. Where file events do not arrive — network mounts,
WSL's Windows drives, container shares — the folder is polled instead, and the learner is
told so. Set TORCH_DOJO_POLL=1 to poll anywhere.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable, Sequence

POLL_VAR = "TORCH_DOJO_POLL"
POLL_MS = 500
# Filesystems whose changes made elsewhere (another machine, the Windows side) send no events.
NO_EVENTS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "drvfs", "vboxsf", "virtiofs",
             "fuse.sshfs", "fuse.rclone", "fuse.gcsfuse", "afs"}


def polling_reason(folder: Path, mounts: Path = Path("/proc/mounts")) -> str:
    """Why ``folder`` must be polled rather than watched, or "" when events will arrive."""
    if os.environ.get(POLL_VAR, "").strip() not in ("", "0"):
        return f"{POLL_VAR} is set"
    try:
        table = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    folder = folder.resolve()
    best, kind = "", ""
    for line in table:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (folder == Path(point) or Path(point) in folder.parents) and len(point) > len(best):
            best, kind = point, parts[2]
    if kind in NO_EVENTS:
        return f"your workspace is on a {kind} mount, where file events do not arrive"
    return ""


class Watcher:
    """Calls ``on_change(paths)`` from its thread when ``.py`` files in ``folder`` change, or
    the folder itself (moved or deleted: then ``paths`` holds the folder, and the screen asks
    the workbook whether its workspace is gone; a folder's events arrive under its old path).

    ``folder`` may be several folders (a workspace's packs); the first decides on polling."""

    def __init__(self, folder: Path | Sequence[Path], on_change: Callable[[set[Path]], None],
                 on_polling: Callable[[str], None] | None = None):
        self.folders = [folder] if isinstance(folder, Path) else list(dict.fromkeys(folder))
        self.folder = self.folders[0]
        self.polling = polling_reason(self.folder)
        self._on_change, self._on_polling = on_change, on_polling
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="torch-dojo-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.ident is not None:  # started: quitting before the first paint never started it
            self._thread.join(timeout=2)

    def _run(self) -> None:
        if self.polling and self._on_polling:
            self._on_polling(self.polling)
        while not self._stop.is_set():
            try:
                self._watch()
                return
            except Exception as err:  # e.g. the inotify watch limit: polling still works
                if not all(f.is_dir() for f in self.folders):  # not for want of events: a folder is gone
                    self._on_change(set(self.folders))
                    return
                if self.polling:
                    return
                self.polling = f"file events could not be watched ({err})"
                if self._on_polling:
                    self._on_polling(self.polling)

    def _watch(self) -> None:
        import watchfiles  # here: the app paints before this import

        folders = [f for f in self.folders if f.is_dir()] or [self.folder]
        watched = {str(f) for f in folders}

        def wanted(change: object, path: str) -> bool:
            return path in watched or _python_files(change, path)

        for changes in watchfiles.watch(*folders, watch_filter=wanted, stop_event=self._stop,
                                        recursive=False, force_polling=bool(self.polling),
                                        poll_delay_ms=POLL_MS, debounce=400, step=50,
                                        ignore_permission_denied=True):
            self._on_change({Path(path) for _, path in changes})


def _python_files(change: object, path: str) -> bool:
    name = os.path.basename(path)
    return name.endswith(".py") and not name.startswith(".")
