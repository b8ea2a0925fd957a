"""The wall around a graded submission: Landlock rules for the learner's code in judged mode.

Judged mode (``runner.judged``) keeps a submission from forging its verdict; it does not keep
it from reading or writing what the grader's user can. Here the learner's process (and a
torchrun launch of the learner's file, with all its ranks) restricts itself with Linux's
Landlock LSM, unprivileged, before the learner's file is imported:

- read and execute: the Python installation (``sys.prefix``, ``sys.base_prefix``, every
  ``sys.path`` folder), /usr /lib /lib64 /bin /sbin, the few /etc files the loader, time and
  name resolution read, /dev/null /dev/zero /dev/urandom, and what torch reads of /proc and
  /sys (this process's own /proc entry, cpuinfo, meminfo, the CPU topology); never the
  closed folders: the graded pack, the built-in pack, the submissions, the grade's output,
  $HOME. Landlock only allows, so where an allowed folder holds a closed one, its children
  are allowed instead, except the branch that leads to the closed one (recursively);
- read: the student's own folder (not its siblings);
- read and write: the check's scratch folder (its working directory, and ``TMPDIR``) and
  /dev/shm (DataLoader workers);
- network (ABI 4+): no TCP bind or connect. An exercise that declares ``distributed`` keeps
  TCP unhandled: gloo's ranks connect on ports chosen at run time, which Landlock's
  per-port rules cannot name (the report says so);
- scopes (ABI 6+): no signal to, and no abstract unix socket of, a process outside (the
  grader, the warm supervisor, the judge); Landlock also refuses ptrace-mode reads across
  domains (/proc/PID/environ, mem), and other processes' /proc entries are not allowed;
- RLIMIT_FSIZE: no file larger than the exercise's memory limit (SIGXFSZ ignored, so a
  write past it fails with EFBIG instead of killing the process).

``Wall`` is the plan of one grading run (``for_grading``), ``rules`` the JSON-able rules of
one check, ``enter`` applies them in the process that is to run the learner's code (the
judge's ``_become_learner``; for torchrun, ``main`` through ``testing.run_torchrun``). It sits
at the top of the runner, as ``isolation`` does: the main process plans the wall, the
learner's process and a torchrun launch enter it, a check process explains what it refused.

Test hook: ``TORCH_DOJO_LANDLOCK=absent`` in the grader's environment makes Landlock look
absent (``abi()`` returns 0), so that ``auto`` and ``require`` can be tested on any kernel.
"""

from __future__ import annotations

import errno
import json
import os
import re
import resource
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

MODES = ("auto", "require", "off")
WALL_ENV = "TORCH_DOJO_WALL"  # in a judge that confines: the rules, for torchrun (``main``)
FAKE_ABSENT = "TORCH_DOJO_LANDLOCK"  # =absent: tests only, see the docstring
SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/timezone",
             "/etc/hosts", "/etc/host.conf", "/etc/nsswitch.conf", "/etc/resolv.conf", "/etc/gai.conf",
             "/etc/protocols", "/etc/services", "/etc/mime.types", "/etc/ssl", "/etc/pki", "/etc/ca-certificates",
             "/etc/os-release", "/usr/share/zoneinfo")
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/dev/full")
# what torch and gloo read of the machine (gloo lists /sys/bus/pci/devices, links into /sys/devices)
PROC_SYS = ("/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/sys/kernel/osrelease", "/proc/sys/vm/overcommit_memory",
            "/sys/devices", "/sys/bus", "/sys/class", "/sys/fs/cgroup/cpu.max")
SHARED_MEMORY = "/dev/shm"
MIN_FSIZE = 256 << 20  # bytes: a checkpoint of any exercise fits

_active: dict | None = None  # the rules this process (or the learner's, for the judge) runs under


class Refused(Exception):
    """``--confinement require`` where Landlock cannot confine: the message says why."""


def abi() -> int:
    """The kernel's Landlock ABI, 0 where there is none (or ``TORCH_DOJO_LANDLOCK=absent``)."""
    if os.environ.get(FAKE_ABSENT) == "absent" or not sys.platform.startswith("linux"):
        return 0
    try:
        import landlockpy
    except ImportError:
        return 0
    try:
        return landlockpy.abi_version()
    except OSError:
        return 0


def availability() -> str:
    """One line for ``doctor``: whether grading here can confine the submissions."""
    found = abi()
    if found:
        return f"available (ABI {found}): `grade` confines each submission's code"
    return f"not available: {_absence()}; `grade` runs unconfined (--confinement require refuses)"


def _absence() -> str:
    if os.environ.get(FAKE_ABSENT) == "absent":
        return f"{FAKE_ABSENT}=absent says to act as if the kernel had none"
    if not sys.platform.startswith("linux"):
        return f"Landlock is a Linux feature and this is {sys.platform}"
    try:
        import landlockpy  # noqa: F401
    except ImportError:
        return "the Python package landlockpy is not installed (pip install landlockpy)"
    return ("this kernel has no Landlock (Linux 5.13+ with CONFIG_SECURITY_LANDLOCK, and "
            "'landlock' in the lsm= boot list)")


# The plan of a grading run -------------------------------------------------------------------

@dataclass(frozen=True)
class Wall:
    """What confines a grading run: ``abi`` 0 when nothing does (``reason`` says why)."""

    mode: str
    abi: int
    closed: tuple[str, ...] = ()  # folders and files no rule may cover
    submissions: str = ""  # a student's folder is the child of this that holds the file
    reason: str = ""

    @property
    def active(self) -> bool:
        return self.abi > 0

    def rules(self, file: Path, workdir: Path, requires: list[str] | set[str],
              memory_limit_mb: int | None = None, checks: Path | None = None) -> dict | None:
        """The rules of one judged check, for ``enter`` in the learner's process (JSON-able).
        ``checks``: the exercise's check file, readable there (its helpers run beside the
        learner's code: ``testing.in_learner_process``); the rest of the pack is not."""
        if not self.active:
            return None
        return {"closed": list(self.closed), "read": [str(_student_folder(Path(file), self.submissions))],
                "read_files": [str(checks)] if checks else [],
                "write": [str(workdir)], "net": "distributed" not in set(requires),
                "fsize": max(MIN_FSIZE, (memory_limit_mb or 0) << 20)}

    def summary(self) -> str:
        """The line ``grade`` prints first."""
        if not self.active:
            return f"confinement: none ({self.reason})"
        return (f"confinement: Landlock ABI {self.abi}: {', '.join(_taking_effect(self.abi))}; "
                f"{len(self.closed)} folder(s) closed (the pack, the submissions, the output, $HOME)")

    def to_json(self) -> dict:
        return {"mode": self.mode, "landlock_abi": self.abi, "active": self.active,
                "rules": _taking_effect(self.abi) if self.active else [], "closed": list(self.closed),
                "reason": self.reason}


def for_grading(mode: str, *, pack_root: Path, submissions: Path, outputs: list[Path]) -> Wall:
    """The wall of one ``grade`` run; ``Refused`` for ``require`` where Landlock is absent."""
    if mode not in MODES:
        raise ValueError(f"confinement mode {mode!r} is not one of {', '.join(MODES)}")
    if mode == "off":
        return Wall(mode, 0, reason="--confinement off: the submissions' code can read and write what you can")
    found = abi()
    if not found:
        why = _absence()
        if mode == "require":
            raise Refused(f"--confinement require: cannot confine the submissions' code here: {why}. "
                          "Grade on a Linux machine with Landlock, or pass --confinement auto to grade unconfined.")
        return Wall(mode, 0, reason=f"{why}; the submissions' code can read and write what you can")
    closed = [pack_root, submissions, *outputs, *(Path(o).with_name(f".{Path(o).name}.tmp") for o in outputs)]
    closed += _builtin_packs() + [Path.home()]
    shut = tuple(p for p in dict.fromkeys(_real(p) for p in closed) if p != "/")  # a $HOME of / closes nothing
    return Wall(mode, found, shut, _real(submissions))


def _builtin_packs() -> list[Path]:
    """The built-in pack: a checkout's top folder, or ``torch_dojo/_pack`` in an installed wheel."""
    import importlib.resources

    from torch_dojo.pack import PackError, builtin_pack_root

    found = [Path(str(importlib.resources.files("torch_dojo").joinpath("_pack")))]
    try:
        found.append(builtin_pack_root())
    except PackError:
        pass
    return [p for p in found if p.exists()]


def _student_folder(file: Path, submissions: str) -> Path:
    """The student's folder that holds ``file`` (its parent when it is not under ``submissions``,
    e.g. a reference solution)."""
    file = Path(_real(file))
    if submissions:
        try:
            return Path(submissions) / file.relative_to(submissions).parts[0]
        except (ValueError, IndexError):
            pass
    return file.parent


def _taking_effect(found: int) -> list[str]:
    rules = ["files (read: Python, system libraries, the student's folder; write: the scratch folder, /dev/shm)"]
    if found >= 4:
        rules.append("no TCP bind or connect (except exercises that declare distributed)")
    if found >= 6:
        rules.append("no signals or abstract sockets to processes outside")
    return rules + ["RLIMIT_FSIZE"]


def _real(path: Path | str) -> str:
    return os.path.realpath(os.path.expanduser(str(path)))


# Applying the rules --------------------------------------------------------------------------

def enter(rules: dict | None) -> list[str]:
    """Confine this process (and all it starts) by ``rules``; before the learner's file is
    imported, with one thread. What could not be allowed (missing paths are skipped)."""
    global _active
    if not rules:
        return []
    import landlockpy
    from landlockpy import AccessFS, AccessNet, Ruleset, Scope

    write = [_real(p) for p in rules["write"]] + [SHARED_MEMORY]
    os.environ["TMPDIR"] = _real(rules["write"][0])  # tempfile, multiprocessing's sockets
    import tempfile

    tempfile.tempdir = None
    found = landlockpy.abi_version()
    every = landlockpy.fs_for_abi(found)
    net = AccessNet.BIND_TCP | AccessNet.CONNECT_TCP if rules.get("net") else AccessNet.NONE
    device = AccessFS.READ_FILE | AccessFS.WRITE_FILE | (AccessFS.IOCTL_DEV if found >= 5 else AccessFS.NONE)
    allowed = plan(rules) + [(p, every) for p in write] + [(d, device) for d in DEVICES if os.path.exists(d)]
    problems: list[str] = []
    with Ruleset(handled_fs=every, handled_net=net, scoped=Scope.SIGNAL | Scope.ABSTRACT_UNIX_SOCKET) as ruleset:
        for path, access in allowed:
            if not os.path.isdir(path):  # a file's rule holds file rights only
                access &= AccessFS.EXECUTE | AccessFS.WRITE_FILE | AccessFS.READ_FILE | AccessFS.TRUNCATE | \
                    AccessFS.IOCTL_DEV
            try:
                ruleset.allow_path(path, access)
            except OSError as err:
                problems.append(f"{path}: {err.strerror}")
        ruleset.restrict()  # fails closed: raised here, the learner's process ends
    _active = rules
    limit = int(rules.get("fsize") or MIN_FSIZE)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return problems


def plan(rules: dict) -> list[tuple[str, int]]:
    """(path, Landlock access) to allow for reading (and executing): the roots, pruned of every
    closed path they hold."""
    from landlockpy import AccessFS

    read_x = AccessFS.EXECUTE | AccessFS.READ_FILE | AccessFS.READ_DIR
    closed = [_real(p) for p in rules.get("closed", [])]
    allowed: list[tuple[str, int]] = []
    for root in _read_roots(closed):
        allowed += [(p, read_x) for p in beneath(root, closed)]
    for path in list(rules.get("read", [])) + list(rules.get("read_files", [])):
        allowed.append((_real(path), AccessFS.READ_FILE | AccessFS.READ_DIR))
    return allowed


def _read_roots(closed: list[str]) -> list[str]:
    """Folders and files the Python installation, the loader and torch read. The installation
    (its prefixes and the folder that holds torch_dojo) is a root even inside a closed folder
    (a checkout's venv and src/); other ``sys.path`` folders only when they are site folders or
    named in PYTHONPATH (not the grader's working directory) and not inside a closed one."""
    python = _python_roots()
    extra = {_real(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p}
    roots: list[str] = []
    for entry in sys.path:
        if not entry or not os.path.exists(entry):
            continue
        entry = _real(entry)
        if any(_within(entry, p) for p in python):
            roots.append(entry)
        elif ("site-packages" in entry or "dist-packages" in entry or entry in extra) and \
                not any(_within(entry, c) for c in closed):
            roots.append(entry)
    system = [p for p in (*SYSTEM_DIRS, *ETC_FILES, *PROC_SYS) if not any(_within(_real(p), c) for c in closed)]
    candidates = python + roots + [_real(p) if not p.startswith("/proc") else p for p in system]
    return [p for p in dict.fromkeys(candidates + [f"/proc/{os.getpid()}"]) if os.path.exists(p)]


def _python_roots() -> list[str]:
    own = str(Path(__file__).resolve().parents[2])  # the folder that holds torch_dojo (src/ in a checkout)
    found = [_real(p) for p in (sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix)] + [own]
    return list(dict.fromkeys(found))


def beneath(root: str, closed: list[str]) -> list[str]:
    """``root``, or where it holds a closed path, its children but the branch to it (recursively).
    A symbolic link is followed by a rule (it covers the target): one that leads into or above a
    closed path is left out."""
    if not any(_within(c, root) for c in closed):
        return [root]
    found: list[str] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return found
    for entry in entries:
        real = _real(entry.path)
        if any(_within(real, c) for c in closed):
            continue
        if entry.is_symlink():
            if not any(_within(c, real) for c in closed):
                found.append(entry.path)
            continue
        found += beneath(entry.path, closed)
    return found


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


# After a refusal ------------------------------------------------------------------------------

_DENIED = re.compile(r"\[Errno (?P<errno>\d+)\] (?P<text>[^:']+)(?:: '(?P<path>[^']*)')?")


def remember(rules: dict | None) -> None:
    """In the judge: the rules its learner's process runs under (for torchrun and messages).
    The checks' ``tmp_path`` folders go in the scratch folder, where the learner's code may
    write (a check hands one to ``save_model(model, path)``)."""
    global _active
    _active = rules or None
    if _active:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = _real(_active["write"][0])
        os.environ[WALL_ENV] = json.dumps(_active)  # torchrun's launch reads it (``main``)
    else:
        os.environ.pop(WALL_ENV, None)


def not_entered(err: BaseException) -> str:
    """What the student reads when their process could not enter the wall: the grader's
    problem, never theirs (their file was not run)."""
    return (f"The grader could not confine your code ({type(err).__name__}: {str(err)[:200]}), so "
            "it was not run. This is not your fault: tell your instructor, who can grade again.")


def refusal(exc: BaseException) -> str:
    """What the wall refused, in the learner's words, when ``exc`` is the wall's doing; else ""."""
    if _active is None or not isinstance(exc, OSError) and "Error" not in type(exc).__name__:
        return ""
    text = str(exc)
    match = _DENIED.search(text)
    code = getattr(exc, "errno", None) or (int(match["errno"]) if match else None)
    if code is None and "Permission denied" in text:  # torch's own (RuntimeError from its C++ file code)
        code = errno.EACCES
    if code not in (errno.EACCES, errno.EPERM, errno.EFBIG):
        return ""
    path = getattr(exc, "filename", None) or (match["path"] if match and match["path"] else "")
    if code == errno.EFBIG:
        return (f"{type(exc).__name__}: {text}\nWhile grading, no file your code writes may grow past "
                f"{int(_active.get('fsize') or MIN_FSIZE) >> 20} MB: write less.")
    if path:
        writing = not os.path.exists(str(path)) or _readable(str(path))  # creating it, or it reads
        what = f"{'Writing to' if writing else 'Reading'} {path}"
    elif code == errno.EACCES:
        what = "Opening a network connection (or a file outside your folder)"
    else:
        what = "Sending a signal to a process your code did not start"
    return (f"{type(exc).__name__}: {text}\n{what} is not allowed while grading: the grader's confinement "
            "refused it. Your code may read its own folder and write only in its working directory; it "
            "reaches no network and no other process.")


def _readable(path: str) -> bool:
    real = _real(path)
    return any(_within(real, p) for p, _ in plan(_active or {}))


# torchrun ----------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    """``python -m torch_dojo.runner.confinement [--write DIR] [--read FILE] -- COMMAND…``:
    enter the wall of the judge that started it (``WALL_ENV``, which ``remember`` set), with
    ``DIR`` writable too and ``FILE`` readable, then exec ``COMMAND``. ``testing.run_torchrun``
    launches torchrun so when graded: torchrun and every rank share one Landlock domain, with
    the ranks' report folder writable. TCP stays unhandled for exercises that declare
    ``distributed`` (gloo's ranks connect on ports chosen at run time)."""
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    rules = json.loads(os.environ.pop(WALL_ENV))
    for flag, key in (("--write", "write"), ("--read", "read_files")):
        extra = [options[i + 1] for i, word in enumerate(options[:-1]) if word == flag]
        rules[key] = list(rules.get(key, [])) + extra
    enter(rules)
    os.execv(command[0], command)
    return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
