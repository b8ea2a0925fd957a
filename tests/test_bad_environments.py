"""The sweep: the real CLI under bad environments, one parametrized case each (issue 12).

Every case runs ``python -m torch_dojo`` in a subprocess against a workspace of the
torch-free mini pack, and asserts the same four things:

- no traceback of ours ("Traceback" in neither stream);
- the exit code the CLI promises (2 for a file that could not be used; the verdict's code
  once a verdict was reached, whatever fails after it);
- a message that names what failed (and, where there is one, why: the strerror);
- nothing lost: the learner's files and progress are as they were, or as the command meant.

The filesystem failures are real: a tmpfs mounted for the case and remounted read-only, or
filled to the last byte; ``chattr +i``; a file made unreadable and the CLI run as ``nobody``
(root ignores permission bits); FIFOs, symlink loops and dangling links; stdout on
/dev/full, closed with ``>&-``; a current folder deleted under the shell. Where the machine
does not allow one (no root, no mount, no chattr), that case is skipped with the reason.

``benchmarks/bad_environments.py`` runs this module on its own and prints the tally.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import MINI

STARTER = (MINI / "exercises" / "01_add.py").read_text()
SOLUTION = (MINI / "solutions" / "01_add.py").read_text()
PASSED = json.dumps({"version": 1, "exercises": {"add": {"status": "passed", "hints_shown": 1, "ever_passed": True,
                                                          "last_checked": "2026-01-01T00:00:00", "failing": []}}})


@dataclass
class Env:
    """One case's world: the workspace (``ws``), a scratch folder, and how to run the CLI."""
    base: Path
    ws: Path
    cwd: Path
    env: dict = field(default_factory=dict)
    shell: str = '"$@"'  # how bash runs the CLI: redirections go here
    user: int | None = None  # run as this uid (permission cases)
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def progress(self) -> Path:
        return self.ws / ".dojo" / "progress.json"

    @property
    def marker(self) -> Path:
        return self.ws / ".dojo" / "workspace.toml"

    def learner(self, name: str = "01_add.py") -> Path:
        return self.ws / name

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        env = {**os.environ, "CI": "true", "NO_COLOR": "1", "PYTHONPATH": str(Path(__file__).parents[1] / "src"),
               **self.env}
        for name in ("TORCH_DOJO_WORKSPACE", "TORCH_DOJO_PACK"):
            if name not in self.env:
                env.pop(name, None)
        preexec = None
        if self.user is not None:
            uid = self.user

            def preexec() -> None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
        command = ["bash", "-c", f'cd "$0" 2>/dev/null || cd /; {self.shell}', str(self.cwd),
                   sys.executable, "-P", "-m", "torch_dojo", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=timeout, preexec_fn=preexec)


def _workspace(base: Path) -> Path:
    """A workspace holding the mini pack at its root, made by the real CLI."""
    done = subprocess.run([sys.executable, "-m", "torch_dojo", "--pack", str(MINI)], cwd=base, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, env={**os.environ, "CI": "true", "NO_COLOR": "1"},
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return base / "torch-dojo"


def _mount_tmpfs(env: Env, size: str = "4m") -> Path:
    where = env.base / "mnt"
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {done.stderr.strip()}")
    env.cleanups.append(lambda: subprocess.run(["umount", "-l", str(where)], capture_output=True))
    return where


def _on_tmpfs(env: Env, size: str = "4m") -> None:
    """Move the workspace onto a fresh tmpfs of ``size``."""
    mount = _mount_tmpfs(env, size)
    shutil.copytree(env.ws, mount / "torch-dojo", symlinks=True)
    shutil.rmtree(env.ws)
    env.ws = mount / "torch-dojo"
    env.cwd = env.ws


def _read_only(env: Env) -> None:
    _on_tmpfs(env)
    done = subprocess.run(["mount", "-o", "remount,ro", str(env.ws.parent)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot remount read-only here: {done.stderr.strip()}")


def _full(env: Env) -> None:
    _on_tmpfs(env, "1m")
    for name, block in (("filler", 4096), ("filler2", 1)):  # to the last byte
        fd = os.open(env.ws.parent / name, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * block)
        except OSError:
            pass
        finally:
            os.close(fd)


def _immutable(env: Env, path: Path) -> None:
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {done.stderr.strip()}")
    env.cleanups.append(lambda: subprocess.run(["chattr", "-i", str(path)], capture_output=True))


def _as_nobody(env: Env) -> None:
    """Run the CLI as an unprivileged user that owns the workspace (root ignores permission bits)."""
    if os.geteuid() != 0:
        pytest.skip("dropping privileges needs root")
    uid = 65534
    for folder in (env.base, *[p for p in env.ws.rglob("*")], env.ws):
        os.chown(folder, uid, uid, follow_symlinks=False)
    env.base.chmod(0o755)
    try:
        probe = subprocess.run([sys.executable, "-c", "import torch_dojo"], capture_output=True, text=True,
                               preexec_fn=lambda: (os.setgroups([]), os.setgid(uid), os.setuid(uid)),
                               env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")})
        why = probe.stderr.strip()[-200:] if probe.returncode else ""
    except OSError as err:
        why = str(err)
    if why:
        pytest.skip(f"the user nobody cannot run this Python here: {why}")
    env.user = uid


@dataclass
class Case:
    name: str
    args: tuple[str, ...]
    code: int
    says: tuple[str, ...] = ()  # in stdout + stderr
    prepare: Callable[[Env], None] = lambda env: None
    after: Callable[[Env, subprocess.CompletedProcess], object] = lambda env, done: None  # False: something lost


def _with(*steps: Callable[[Env], None]) -> Callable[[Env], None]:
    def prepare(env: Env) -> None:
        for step in steps:
            step(env)
    return prepare


def _progress(text: str | bytes) -> Callable[[Env], None]:
    def write(env: Env) -> None:
        data = text.encode() if isinstance(text, str) else text
        env.progress.write_bytes(data)
    return write


def _mine(text: str = "def add(a, b):\n    return a - b  # mine\n") -> Callable[[Env], None]:
    def write(env: Env) -> None:
        env.learner().write_text(text)
    return write


def _solved(env: Env) -> None:
    for name in ("01_add.py", "02_greet.py"):
        env.learner(name).write_text((MINI / "solutions" / name).read_text())


MINE = "def add(a, b):\n    return a - b  # mine\n"


def _mine_intact(env: Env, done) -> None:
    assert env.learner().read_text() == MINE


def _progress_is(data: str):
    def after(env: Env, done) -> None:
        assert env.progress.read_text() == data
    return after


def _both(*checks):
    def after(env: Env, done) -> None:
        for check in checks:
            check(env, done)
    return after


def _no_litter(env: Env, done) -> None:
    """No temporary file, no empty backup, no empty starter is left behind."""
    left = [p for p in env.ws.rglob("*") if p.is_file() and (p.name.endswith(".tmp") or p.stat().st_size == 0)
            and not p.name.endswith(".lock")]
    assert left == [], left


def _fifo(env: Env) -> None:
    env.learner().unlink()
    os.mkfifo(env.learner())


def _loop(env: Env) -> None:
    env.learner().unlink()
    env.learner().symlink_to("01_add.py")


def _dangling(env: Env) -> None:
    env.learner().unlink()
    env.learner().symlink_to(env.base / "gone.py")


def _folder(env: Env) -> None:
    env.learner().unlink()
    env.learner().mkdir()
    (env.learner() / "inside.txt").write_text("kept")


def _deleted_cwd(env: Env) -> None:
    gone = env.base / "gone"
    gone.mkdir()
    env.cwd = gone
    env.shell = 'rmdir "$PWD" && "$@"'


def _unreadable_progress(env: Env) -> None:
    env.progress.write_text(PASSED)
    _as_nobody(env)
    env.progress.chmod(0)


def _unwritable_state(env: Env) -> None:
    env.progress.write_text(PASSED)
    _as_nobody(env)
    (env.ws / ".dojo").chmod(0o555)
    env.cleanups.append(lambda: (env.ws / ".dojo").chmod(0o755))


def _set_aside(env: Env, done) -> None:
    aside = list((env.ws / ".dojo").glob("progress.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{x", aside


def _hints_shown(n: int):
    def after(env: Env, done) -> None:
        assert json.loads(env.progress.read_text())["exercises"]["add"]["hints_shown"] == n
    return after


def _escaped_pack(dest: Path) -> None:
    shutil.copytree(MINI, dest)
    manifest = dest / "pack.toml"
    manifest.write_text(manifest.read_text().replace('title = "Add two numbers"', 'title = "Add \\u001b[2J two"'))


def _escaped_pack_title(dest: Path) -> None:
    shutil.copytree(MINI, dest)
    manifest = dest / "pack.toml"
    text = manifest.read_text()
    first = text.index("title = ")  # the [pack] table's title comes first
    manifest.write_text(text[:first] + 'title = "Mini \\u001b]0;owned\\u0007 pack"\n' + text[text.index("\n", first) + 1:])


NEWER = json.dumps({"version": 3, "exercises": {"add": {"status": "passed", "hints_shown": 1, "ever_passed": True,
                                                         "streak": 3}}, "settings": {"theme": "dark"}})
WRONG_TYPES = json.dumps({"version": 1, "exercises": {
    "add": {"status": ["passed"], "hints_shown": "1", "ever_passed": True},
    "greet": {"status": "passed", "hints_shown": 2, "ever_passed": True}}})


CASES = [
    # progress.json: broken, wrong types, newer, odd encodings -------------------------------
    Case("corrupt progress, hint: warned, set aside", ("hint", "01"), 0, ("could not be read", "corrupt-"),
         _progress("{x"), _both(_set_aside, _hints_shown(1))),
    Case("corrupt progress, reset: warned", ("reset", "01"), 0, ("could not be read", "fresh starter"),
         _progress("{x"), _set_aside),
    Case("corrupt progress, list: warned", ("list",), 0, ("could not be read",), _progress("{x"), _set_aside),
    Case("progress is a folder, list", ("list",), 0, ("cannot be read", "folder", "progress.json"),
         lambda env: env.progress.mkdir(), lambda env, done: env.progress.is_dir()),
    Case("progress is a folder, check: verdict shown, not saved", ("check", "01"), 1,
         ("NotImplementedError", "could not be saved", "folder"), lambda env: env.progress.mkdir()),
    Case("progress is a folder, hint: shown, not remembered", ("hint", "01"), 0,
         ("Hint 1 of 2", "not remembered"), lambda env: env.progress.mkdir()),
    Case("wrong field types: reset alone, rest kept", ("list",), 0, ('"status"', '"hints_shown"', "reset"),
         _progress(WRONG_TYPES), _progress_is(WRONG_TYPES)),
    Case("wrong field types, hint: the other entry kept", ("hint", "02"), 0, ("reset", "Hint 2 of 2"),
         _progress(WRONG_TYPES),
         lambda env, done: json.loads(env.progress.read_text())["exercises"]["greet"]["ever_passed"] is True
         and json.loads(env.progress.read_text())["exercises"]["add"]["hints_shown"] == 0 or pytest.fail("lost")),
    Case('"ever_passed": "no" does not unlock the solution', ("solution", "01"), 1, ("opens once your file passes",),
         _progress(json.dumps({"version": 1, "exercises": {"add": {"ever_passed": "no"}}}))),
    Case("newer schema, hint: shown, file never rewritten", ("hint", "01"), 0,
         ("newer torch-dojo (schema 3)", "upgrade", "Hint 2 of 2"), _progress(NEWER), _progress_is(NEWER)),
    Case("newer schema, check: verdict shown, file kept", ("check", "01"), 1,
         ("NotImplementedError", "newer torch-dojo", "could not be saved"), _progress(NEWER), _progress_is(NEWER)),
    Case("unknown fields of this schema are kept", ("hint", "01"), 0, ("Hint 2 of 2",),
         _progress(json.dumps({"version": 1, "note": "x", "exercises": {"add": {"hints_shown": 1, "streak": 3}}})),
         lambda env, done: (json.loads(env.progress.read_text())["note"] == "x"
                            and json.loads(env.progress.read_text())["exercises"]["add"]["streak"] == 3)
         or pytest.fail("unknown fields dropped")),
    Case("progress with a UTF-8 BOM reads", ("list", "--json"), 0, ('"status": "passed"',),
         _progress(b"\xef\xbb\xbf" + PASSED.encode()), lambda env, done: "warning" not in done.stderr
         or pytest.fail(done.stderr)),
    Case("a kill -9 leftover temp file is cleaned", ("hint", "01"), 0, ("Hint 1 of 2",),
         lambda env: (env.ws / ".dojo" / ".progress-abc123.tmp").write_text("{"), _no_litter),
    Case("unreadable progress (as nobody): shown empty, never overwritten", ("hint", "01"), 0,
         ("cannot be read", "Permission denied", "not remembered"), _unreadable_progress,
         lambda env, done: (env.progress.chmod(0o644), env.progress.read_text() == PASSED)[1] or pytest.fail("lost")),
    Case("read-only .dojo (as nobody): check shows the verdict", ("check", "01"), 1,
         ("NotImplementedError", "could not be saved", "Permission denied"), _unwritable_state,
         _progress_is(PASSED)),
    Case("immutable progress.json (chattr +i): check shows the verdict", ("check", "01"), 1,
         ("NotImplementedError", "could not be saved"),
         lambda env: (env.progress.write_text(PASSED), _immutable(env, env.progress)), _progress_is(PASSED)),
    # workspace.toml: unreadable means "cannot read", and nothing is added or removed --------
    Case("corrupt marker, list: says so", ("list",), 2, ("cannot read", "workspace.toml", "not valid TOML"),
         lambda env: env.marker.write_text("pack = [")),
    Case("corrupt marker, --pack core: nothing added", ("--pack", "core"), 2, ("cannot read", "workspace.toml"),
         lambda env: env.marker.write_text("pack = ["),
         lambda env, done: (env.marker.read_text() == "pack = [" and not (env.ws / "core").exists()
                            and sorted(p.name for p in env.ws.glob("*.py")) == ["01_add.py", "02_greet.py"])
         or pytest.fail("the workspace changed")),
    Case("marker is a folder: no starters copied in", (), 2, ("cannot read", "workspace.toml"),
         lambda env: (env.marker.unlink(), env.marker.mkdir()),
         lambda env, done: sorted(p.name for p in env.ws.glob("*.py")) == ["01_add.py", "02_greet.py"]
         or pytest.fail("starters were added")),
    Case("marker of a wrong shape", ("list",), 2, ("cannot read", "[[packs]]"),
         lambda env: env.marker.write_text('pack = "mini"\n[[packs]]\nfolder = 3\n')),
    # read-only and full filesystems (a real tmpfs) ------------------------------------------
    Case("read-only workspace, check: verdict shown, then not saved", ("check", "01"), 1,
         ("add(1, 2) is -1", "could not be saved", "Read-only file system"), _with(_mine(MINE), _read_only),
         _mine_intact),
    Case("read-only workspace, check --all: every verdict, said once", ("check", "--all"), 1,
         ("0 of 2 exercises passed", "Read-only file system"), _read_only,
         lambda env, done: done.stderr.count("could not be saved") == 1 or pytest.fail(done.stderr)),
    Case("read-only workspace, passing check exits 0", ("check", "01"), 0, ("could not be saved",),
         _with(_solved, _read_only)),
    Case("read-only workspace, hint: shown, not remembered", ("hint", "01"), 0,
         ("Hint 1 of 2", "not remembered", "Read-only file system"), _read_only),
    Case("read-only workspace, reset: refused, file kept", ("reset", "01"), 2,
         ("cannot reset", "Read-only file system"), _with(_mine(MINE), _read_only), _mine_intact),
    Case("full disk, check: verdict shown, then not saved", ("check", "01"), 1,
         ("add(1, 2) is -1", "could not be saved", "No space left on device"), _with(_mine(MINE), _full),
         _both(_mine_intact, _no_litter)),
    Case("full disk, reset: refused, no empty backup", ("reset", "01"), 2, ("cannot reset", "No space left"),
         _with(_mine(MINE * 400), _full),
         lambda env, done: (env.learner().read_text() == MINE * 400, _no_litter(env, done))[0]
         or pytest.fail("the learner's file changed")),
    Case("full disk, hint: shown, not remembered", ("hint", "01"), 0, ("Hint 1 of 2", "No space left"), _full,
         _no_litter),
    Case("full disk, a new pack: refused, no empty starter", ("--pack", "core"), 2, ("No space left",), _full,
         _no_litter),
    # learner files that are not files ------------------------------------------------------
    Case("learner file is a FIFO: check does not hang", ("check", "01"), 2, ("named pipe", "reset 01"), _fifo),
    Case("learner file is a symlink loop", ("check", "01"), 2, ("loops",), _loop),
    Case("learner file is a dangling link", ("check", "01"), 2, ("does not exist", "gone.py"), _dangling),
    Case("learner file is a folder", ("check", "01"), 2, ("is a folder",), _folder),
    Case("a FIFO in check --all: the rest judged", ("check", "--all"), 1, ("named pipe", "0 of 2 exercises"), _fifo),
    Case("--file on a FIFO", ("check", "01", "--file", "pipe.py"), 2, ("named pipe",),
         lambda env: os.mkfifo(env.ws / "pipe.py")),
    Case("reset of a FIFO: moved to the backups, never read", ("reset", "01"), 0, ("fresh starter",), _fifo,
         lambda env, done: env.learner().read_text() == STARTER or pytest.fail("no starter")),
    Case("reset of a folder: kept in the backups", ("reset", "01"), 0, ("fresh starter",), _folder,
         lambda env, done: len(list((env.ws / ".dojo" / "backups").glob("*/inside.txt"))) == 1
         or pytest.fail("the folder was lost")),
    Case("an empty starter (a failed copy) is repaired", (), 0, ("were empty",),
         lambda env: env.learner().write_text(""),
         lambda env, done: env.learner().read_text() == STARTER or pytest.fail("not repaired")),
    # the world outside: current folder, console, streams ------------------------------------
    Case("deleted current folder, check: says so", ("check", "01"), 2, ("no longer exists",), _deleted_cwd),
    Case("deleted current folder, --workspace works", ("--workspace", "{ws}", "check", "01"), 1,
         ("NotImplementedError",), _deleted_cwd),
    Case("deleted current folder, relative --workspace: says so", ("--workspace", "torch-dojo", "list"), 2,
         ("relative to the current folder",), _deleted_cwd),
    Case("deleted current folder, no command", (), 2, ("no longer exists",), _deleted_cwd),
    Case("ASCII console, list", ("list",), 0, ("Add two numbers",),
         lambda env: env.env.update(PYTHONIOENCODING="ascii")),
    Case("ASCII console, check", ("check", "01"), 1, ("NotImplementedError",),
         lambda env: env.env.update(PYTHONIOENCODING="ascii")),
    Case("stdout closed, check: exit code right", ("check", "01"), 1, (),
         lambda env: setattr(env, "shell", '"$@" >&-')),
    Case("stdout closed, list", ("list",), 0, (), lambda env: setattr(env, "shell", '"$@" >&-')),
    Case("stdin closed, list", ("list",), 0, ("Add two numbers",), lambda env: setattr(env, "shell", '"$@" <&-')),
    Case("stderr closed, corrupt progress, list", ("list",), 0, ("Add two numbers",),
         _with(_progress("{x"), lambda env: setattr(env, "shell", '"$@" 2>&-'))),
    Case("stdout full (/dev/full), list", ("list",), 2, ("could not write the output", "No space left"),
         lambda env: setattr(env, "shell", '"$@" >/dev/full')),
    Case("stdout full, check: the verdict's code", ("check", "01"), 1, ("could not write the output",),
         lambda env: setattr(env, "shell", '"$@" >/dev/full')),
    Case("pack verify names an escape sequence in a title", ("pack", "verify", "{base}/escaped"), 1,
         ("escape sequence", "field 'title'"), lambda env: _escaped_pack(env.base / "escaped")),
    Case("pack verify names an escape sequence in the pack's title", ("pack", "verify", "{base}/escaped"), 1,
         ("escape sequence", "[pack] field 'title'"), lambda env: _escaped_pack_title(env.base / "escaped")),
    Case("check --all into a closed pipe exits non-zero", ("check", "--all"), 1, (),
         _with(_solved, lambda env: setattr(env, "shell", 'set -o pipefail; "$@" | true'))),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_environment(case: Case) -> None:
    base = Path(tempfile.mkdtemp(prefix="dojo-bad-"))
    env = Env(base, _workspace(base), base / "torch-dojo")
    try:
        case.prepare(env)
        args = tuple(a.replace("{ws}", str(env.ws)).replace("{base}", str(env.base)) for a in case.args)
        done = env.run(*args)
        both = done.stdout + done.stderr
        assert "Traceback" not in both, both
        assert done.returncode == case.code, both
        for text in case.says:
            assert text in both, f"{text!r} not said:\n{both}"
        assert case.after(env, done) is not False, f"what the case had was not kept:\n{both}"
    finally:
        for cleanup in reversed(env.cleanups):
            cleanup()
        shutil.rmtree(base, ignore_errors=True)


def test_pack_text_that_would_drive_the_terminal_is_named(mini_pack) -> None:
    """What `pack verify` reports (verify.py calls this per exercise): ESC and other control
    characters in a title, task or hint; plain text and newlines are fine."""
    from dataclasses import replace

    from torch_dojo.pack import terminal_text_problems

    exercise = mini_pack.find("add")
    assert terminal_text_problems(replace(exercise, task="Line one.\n\tLine two [b]x[/b] [/]")) == []
    bad = replace(exercise, title="Add \x1b[2J two", hints=("fine", "bell \x07"))
    found = dict(terminal_text_problems(bad))
    assert set(found) == {"field 'title'", "field 'hints[1]'"}
    assert "escape sequence" in found["field 'title'"] and "character 5" in found["field 'title'"]
    assert "control character" in found["field 'hints[1]'"]
