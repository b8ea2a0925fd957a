"""What is at the path of a learner's file, and its text, read without ever blocking.

A learner's file may be anything a shell can make: a folder, a named pipe (opening one for
reading waits for a writer, which froze the workbook), a device, a symbolic link that loops
or points nowhere. The type is looked at first (``os.stat``, which never blocks on those);
only a regular file is opened, without following it into a pipe that replaced it meanwhile.
"""

from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

from torch_dojo import filesafe

MAX_BYTES = 512 * 1024  # beyond this, the file is not drawn (it is still checked)


def signature(path: Path) -> tuple[int, int] | None:
    """What changes when a file is saved: its modification time and size."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def problem(path: Path) -> str:
    """Why ``path`` is not a Python file torch-dojo can read (``filesafe.file_problem``), with
    what to do in the workbook; "" when it is one, or when nothing is there at all (a missing
    file is the runner's to report, with its own advice)."""
    if not os.path.lexists(path):
        return ""
    what = filesafe.file_problem(path)
    if not what:
        return ""
    if os.path.isdir(path):
        return f"{what}. Move the folder elsewhere (torch-dojo never deletes a folder), then press x for a fresh starter."
    if os.path.islink(path) or not os.path.exists(path):
        return f"{what}. Remove the link (rm {shlex.quote(str(path))}), then press x for a fresh starter."
    return f"{what}, so torch-dojo does not open it. Remove it (rm {shlex.quote(str(path))}), then press x for a fresh starter."


def in_the_way(path: Path) -> bool:
    """Whether something that is not a regular file (a folder, a pipe, a device) is at ``path``:
    a reset neither backs it up nor replaces it; the learner moves it away first."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False  # nothing there, or a link to nothing: a fresh starter may take its place


def reason(err: OSError) -> str:
    """Why an operation failed, naming the file it failed on: "Permission denied: /ws/.dojo"."""
    why = err.strerror or str(err)
    return f"{why}: {err.filename}" if err.strerror and err.filename else why


def kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_source(path: Path) -> tuple[str | None, str]:
    """The file's text (or None), and when None, why it is not shown (a sentence)."""
    why = problem(path)
    if why:
        return None, why
    try:
        # O_NONBLOCK: should a pipe have taken the file's place since the look, opening it
        # does not wait for a writer; the fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None, f"{path} is missing: press x to put a fresh starter there."
    except OSError as err:
        return None, f"{path} cannot be read: {err.strerror or err}."
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, f"{path} is {kind_of(info.st_mode)}, not a Python file: it is not shown."
        if info.st_size > MAX_BYTES:
            return None, (f"{path} is {info.st_size // 1024} KiB, too large to show here "
                          f"(the view stops at {MAX_BYTES // 1024} KiB); it is still checked.")
        chunks: list[bytes] = []
        while (got := os.read(fd, MAX_BYTES + 1)) and sum(map(len, chunks)) <= MAX_BYTES:
            chunks.append(got)
    except OSError as err:
        return None, f"{path} cannot be read: {err.strerror or err}."
    finally:
        os.close(fd)
    return b"".join(chunks)[:MAX_BYTES].decode("utf-8", errors="replace"), ""
