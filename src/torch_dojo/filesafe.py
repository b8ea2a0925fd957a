"""Files torch-dojo writes and learner paths it looks at, safely: a write lands whole or not
at all, and a look never opens (so never blocks on) a pipe, a device or a looping link."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def write_file(target: Path, data: bytes, *, replace: bool = True) -> bool:
    """Write ``data`` to ``target`` whole or not at all: a unique temporary sibling, flushed,
    then renamed over it. With ``replace=False`` a file that appeared there meanwhile is kept
    (returns False). A write that fails leaves nothing behind (and raises OSError)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, 0o644)
        if replace:
            os.replace(tmp, target)
            return True
        try:
            os.link(tmp, target)  # never over a file the learner made since
        except FileExistsError:
            return False
        except OSError:  # a filesystem without hard links
            if os.path.lexists(target):
                return False
            os.replace(tmp, target)
            return True
        os.unlink(tmp)
        return True
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def file_problem(path: Path) -> str:
    """Why ``path`` cannot be read as a learner's file ("" when it can): not there, a folder,
    a FIFO or device (reading would block or never end), a link that loops or leads nowhere.
    Looks without opening, so it never blocks."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return f"there is no file at {path}"
    except OSError as err:
        return f"{path} cannot be looked at: {err.strerror or err}"
    try:
        info = os.stat(path)
    except OSError as err:
        if not os.path.islink(path):
            return f"{path} cannot be looked at: {err.strerror or err}"
        target = os.readlink(path)
        if err.errno == errno.ELOOP:
            return f"{path} is a symbolic link that loops back on itself (it points to {target})"
        return f"{path} is a symbolic link to {target}, which does not exist"
    kind = info.st_mode
    if stat.S_ISREG(kind):
        try:
            os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
        except OSError as err:
            return f"{path} cannot be read: {err.strerror or err}"
        return ""
    what = ("a folder" if stat.S_ISDIR(kind) else
            "a named pipe (FIFO): reading it would wait for a writer forever" if stat.S_ISFIFO(kind) else
            "a device" if stat.S_ISCHR(kind) or stat.S_ISBLK(kind) else
            "a socket" if stat.S_ISSOCK(kind) else "not a regular file")
    return f"{path} is {what}, not a Python file"


def is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
