"""runner.confinement: which folders the wall opens, what the kernel then refuses inside it,
how a refusal is worded for the student, and what `grade` and `doctor` say about it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import MINI
from torch_dojo.runner import confinement
from torch_dojo.runner.confinement import Refused, Wall, beneath, for_grading

landlock = pytest.mark.skipif(not confinement.abi(), reason="this kernel has no Landlock")
RIGHT = "def add(a, b):\n    return a + b\n"


# Which folders open --------------------------------------------------------------------------

def test_a_folder_that_holds_a_closed_one_opens_its_other_children_instead(tmp_path):
    for name in ("lib/a", "lib/b/secret", "lib/b/open", "lib/c"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "lib/file.py").write_text("")
    closed = [str(tmp_path / "lib/b/secret")]
    assert sorted(beneath(str(tmp_path / "lib"), closed)) == sorted(
        str(tmp_path / p) for p in ("lib/a", "lib/b/open", "lib/c", "lib/file.py"))
    assert beneath(str(tmp_path / "lib/a"), closed) == [str(tmp_path / "lib/a")]


def test_a_symbolic_link_into_a_closed_folder_is_not_opened(tmp_path):
    (tmp_path / "secret").mkdir()
    (tmp_path / "open").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib/way_in").symlink_to(tmp_path / "secret")
    (tmp_path / "lib/fine").symlink_to(tmp_path / "open")
    (tmp_path / "lib/secret_too").mkdir()
    closed = [str(tmp_path / "secret"), str(tmp_path / "lib/secret_too")]
    assert beneath(str(tmp_path / "lib"), closed) == [str(tmp_path / "lib/fine")]


def test_no_rule_covers_a_closed_folder_yet_the_python_installation_opens(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "bob").mkdir()
    wall = Wall("auto", 7, tuple(os.path.realpath(p) for p in (MINI, subs, Path.home())), str(subs))
    rules = wall.rules(subs / "alice" / "01_add.py", tmp_path / "scratch", [])
    opened = [path for path, _ in confinement.plan(rules)]
    assert str(subs / "alice") in opened and os.path.realpath(sys.prefix) in opened
    for path in opened:  # no rule on a closed folder, nor on one that holds it (a checkout's venv may lie inside)
        assert not any(c == path or c.startswith(path.rstrip("/") + "/") for c in rules["closed"]), path
        assert not path.startswith(str(subs / "bob")) and not path.startswith(os.path.realpath(MINI)), path


def test_a_students_folder_is_the_one_under_the_submissions_that_holds_the_file(tmp_path):
    wall = Wall("auto", 7, (), str(tmp_path))
    rules = wall.rules(tmp_path / "alice" / "torch-dojo" / "01_add.py", tmp_path / "w", ["distributed"], 4000)
    assert rules["read"] == [str(tmp_path / "alice")]
    assert rules["net"] is False  # distributed: TCP stays unhandled, and the report says so
    assert rules["fsize"] == 4000 << 20


# Off, absent, required -----------------------------------------------------------------------

def test_off_and_absent_say_why_nothing_confines(tmp_path, monkeypatch):
    assert "--confinement off" in for_grading("off", pack_root=MINI, submissions=tmp_path, outputs=[]).summary()
    monkeypatch.setenv(confinement.FAKE_ABSENT, "absent")
    wall = for_grading("auto", pack_root=MINI, submissions=tmp_path, outputs=[])
    assert not wall.active and wall.rules(tmp_path / "a.py", tmp_path, []) is None
    assert wall.summary().startswith("confinement: none (") and "can read and write what you can" in wall.summary()
    with pytest.raises(Refused, match="--confinement require: cannot confine"):
        for_grading("require", pack_root=MINI, submissions=tmp_path, outputs=[])


def test_grade_require_refuses_to_start_where_landlock_is_absent(dojo, tmp_path):
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    (tmp_path / "subs" / "alice" / "01_add.py").write_text(RIGHT)
    env = {confinement.FAKE_ABSENT: "absent"}
    refused = dojo("grade", "subs", "--pack", str(MINI), "--confinement", "require", env=env)
    assert refused.returncode == 2 and "cannot confine the submissions' code here" in refused.stderr
    assert "alice" not in refused.stdout
    auto = dojo("grade", "subs", "--pack", str(MINI), "--json", env=env)
    assert auto.stderr.startswith("confinement: none ("), auto.stderr[:300]
    said = json.loads(auto.stdout)["confinement"]
    assert said["active"] is False and said["mode"] == "auto" and "TORCH_DOJO_LANDLOCK" in said["reason"]


@landlock
def test_grade_says_first_what_confines_it_and_writes_it_in_its_json(dojo, tmp_path):
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    (tmp_path / "subs" / "alice" / "01_add.py").write_text(RIGHT)
    done = dojo("grade", "subs", "--pack", str(MINI), "--out", "g.json", "--confinement", "require")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0].startswith(f"confinement: Landlock ABI {confinement.abi()}: files")
    written = json.loads((tmp_path / "g.json").read_text())["confinement"]
    assert written["active"] and written["landlock_abi"] == confinement.abi() and written["closed"]


def test_doctor_says_whether_grading_can_confine(dojo):
    done = dojo("doctor", "--json")
    said = json.loads(done.stdout)["confinement"]
    assert said["landlock_abi"] == confinement.abi() and said["says"] == confinement.availability()
    absent = dojo("doctor", env={confinement.FAKE_ABSENT: "absent"})
    assert "grading confinement (Landlock): not available" in absent.stdout


# What the kernel refuses inside ------------------------------------------------------------

PROBE = textwrap.dedent("""
    import json, os, signal, socket, sys
    from torch_dojo.runner import confinement
    rules = json.loads(sys.argv[1])
    confinement.enter(rules)
    said = {}
    def attempt(name, fn):
        try:
            fn()
            said[name] = "ok"
        except OSError as err:
            said[name] = confinement.refusal(err) or repr(err)
    attempt("read_own", lambda: open(sys.argv[2]).read())
    attempt("read_secret", lambda: open(sys.argv[3]).read())
    attempt("read_usr", lambda: os.listdir("/usr/lib"))
    attempt("write_scratch", lambda: open(os.path.join(rules["write"][0], "ckpt.pt"), "w").write("x"))
    attempt("write_tmp", lambda: open(os.path.join(sys.argv[4], "x"), "w").write("x"))
    attempt("mkdtemp", lambda: __import__("tempfile").mkdtemp())
    attempt("shm", lambda: open("/dev/shm/dojo-test-%d" % os.getpid(), "w").close() or os.unlink("/dev/shm/dojo-test-%d" % os.getpid()))
    attempt("connect", lambda: socket.create_connection(("127.0.0.1", int(sys.argv[5])), timeout=2))
    attempt("signal_parent", lambda: os.kill(os.getppid(), 0))
    attempt("parent_cmdline", lambda: open("/proc/%d/cmdline" % os.getppid()).read())
    attempt("own_proc", lambda: open("/proc/self/status").read())
    attempt("passwd", lambda: open("/etc/passwd").read())
    def too_big():
        with open(os.path.join(rules["write"][0], "big"), "wb") as f:
            f.write(b"x" * (rules["fsize"] + 1))
    attempt("too_big", too_big)
    print(json.dumps(said))
""")


@pytest.fixture
def probed(tmp_path):
    own, secret, scratch, elsewhere = (tmp_path / n for n in ("alice", "pack", "scratch", "elsewhere"))
    for folder in (own, secret, scratch, elsewhere):
        folder.mkdir()
    (own / "01_add.py").write_text(RIGHT)
    (secret / "solution.py").write_text(RIGHT)
    server = socket.create_server(("127.0.0.1", 0))
    rules = {"closed": [str(secret)], "read": [str(own)], "write": [str(scratch)], "net": True, "fsize": 1 << 20}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(rules), str(own / "01_add.py"),
                           str(secret / "solution.py"), str(elsewhere), str(server.getsockname()[1])],
                          capture_output=True, text=True, timeout=120, cwd=scratch)
    server.close()
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1]), tmp_path


@landlock
def test_inside_the_wall_the_learner_reads_its_own_and_writes_its_scratch(probed):
    said, _ = probed
    for allowed in ("read_own", "read_usr", "write_scratch", "mkdtemp", "shm", "own_proc"):
        assert said[allowed] == "ok", (allowed, said[allowed])


@landlock
@pytest.mark.parametrize("denied, words", [
    ("read_secret", "Reading {tmp}/pack/solution.py is not allowed while grading"),
    ("write_tmp", "Writing to {tmp}/elsewhere/x is not allowed while grading"),
    ("passwd", "Reading /etc/passwd is not allowed while grading"),
    ("parent_cmdline", "is not allowed while grading"),
    ("connect", "Opening a network connection (or a file outside your folder) is not allowed"),
    ("signal_parent", "Sending a signal to a process your code did not start is not allowed"),
    ("too_big", "no file your code writes may grow past 1 MB"),
])
def test_inside_the_wall_the_kernel_refuses_and_the_student_is_told_why(probed, denied, words):
    said, tmp = probed
    assert words.format(tmp=tmp) in said[denied], said[denied]


# Nothing legitimate breaks -------------------------------------------------------------------

@landlock
@pytest.mark.slow
def test_every_builtin_solution_graded_confined_passes_or_is_skipped_with_the_reason(dojo, tmp_path):
    """DataLoader workers, torchrun with gloo, checkpoints saved and loaded, torch's lazy imports:
    all inside the wall (a minute or three)."""
    import shutil

    from torch_dojo.pack import load_builtin_pack

    pack = load_builtin_pack()
    (tmp_path / "subs" / "ref").mkdir(parents=True)
    for exercise in pack.exercises:
        shutil.copy(exercise.solution, tmp_path / "subs" / "ref" / exercise.file)
    done = dojo("grade", "subs", "--out", "g.json", "--confinement", "require", "--jobs", "1")
    assert done.returncode == 0, done.stderr[-4000:]
    marks = json.loads((tmp_path / "g.json").read_text())["students"][0]["exercises"]
    for exercise in pack.exercises:
        mark = marks[exercise.id]
        assert mark["status"] in ("passed", "skipped"), (exercise.label, mark)
        if mark["status"] == "skipped":
            assert "needs" in mark["message"], (exercise.label, mark)


class _BrokenWall(Wall):
    """A wall whose rules the learner's process cannot enter (a file size limit that is no number)."""

    def rules(self, *args, **kwargs):
        return dict(super().rules(*args, **kwargs), fsize="unlimited")


@landlock
def test_a_wall_that_cannot_be_entered_runs_nothing_and_is_the_graders_fault(mini_pack, tmp_path):
    from torch_dojo import runner
    from torch_dojo.verdict import Status

    marker = tmp_path / "ran"
    file = tmp_path / "01_add.py"
    file.write_text(f"open({str(marker)!r}, 'w').close()\n" + RIGHT)
    wall = _BrokenWall("auto", confinement.abi(), (), str(tmp_path))
    verdict = runner.check(mini_pack.find("add"), file, judged=True, confinement=wall)
    assert verdict.status is Status.ERROR
    assert "could not confine your code" in verdict.message and "not your fault" in verdict.message
    assert "Traceback" not in verdict.message + verdict.output
    assert not marker.exists()  # fails closed: the file was never run
