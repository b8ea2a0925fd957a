"""Exams behind a wall: hostile submissions (tests/hostile/, one attack each) graded together
with honest neighbours, under ``grade --confinement require``. Every attack is stopped: the
hostile student gets a wrong answer's mark, every student is marked, the honest keep full
marks, and nothing outside the scratch folders changes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

from conftest import MINI
from torch_dojo.runner import confinement

HOSTILE = Path(__file__).parent / "hostile"
ATTACKS = sorted(p.stem for p in HOSTILE.glob("*.py"))
RIGHT = {"01_add.py": "def add(a, b):\n    return a + b\n",
         "02_greet.py": "def greet(name):\n    return f'Hello, {name}!'\n"}
SECRET = "the grader's private key"

pytestmark = pytest.mark.skipif(not confinement.abi(), reason="this kernel has no Landlock: " +
                                ("" if confinement.abi() else confinement.availability()))


def tree_hash(*roots: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    found = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and not any(path == s or s in path.parents for s in skip) \
                    and "__pycache__" not in path.parts:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


class Listener:
    """A TCP server on 127.0.0.1 that records every connection it gets."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One grade run over every attack and two honest students: (JSON, stderr, paths, listener)."""
    import subprocess
    import sys

    top = tmp_path_factory.mktemp("exam")
    pack = top / "pack"
    shutil.copytree(MINI, pack)
    subs, home = top / "subs", top / "home"
    home.mkdir()
    (home / "secret.txt").write_text(SECRET)
    for honest in ("alice", "bob"):
        for name, text in RIGHT.items():
            (subs / honest).mkdir(parents=True, exist_ok=True)
            (subs / honest / name).write_text(text)
    server = Listener()
    for attack in ATTACKS:
        (subs / attack).mkdir(parents=True)
        shutil.copy(HOSTILE / f"{attack}.py", subs / attack / "01_add.py")
        (subs / attack / "port.txt").write_text(str(server.port))
    out = top / "grades.csv"
    before = tree_hash(pack, subs, home)
    env = {**os.environ, "HOME": str(home), "CI": "true", "NO_COLOR": "1", "TORCH_DOJO_PACK": str(pack)}
    done = subprocess.run([sys.executable, "-m", "torch_dojo", "grade", str(subs), "--pack", str(pack),
                           "--out", str(out), "--json", "--jobs", "2", "--confinement", "require"],
                          cwd=top, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.stdout.strip(), done.stderr[-3000:]
    return json.loads(done.stdout), done, {"top": top, "pack": pack, "subs": subs, "home": home, "out": out,
                                             "before": before}, server


def marks(document: dict) -> dict[str, dict]:
    return {s["student"]: s for s in document["students"]}


def test_the_grade_completes_and_says_it_ran_confined(graded):
    document, done, _, _ = graded
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr.startswith("confinement: Landlock ABI"), done.stderr[:300]
    assert document["confinement"]["active"] and document["confinement"]["mode"] == "require"
    assert document["summary"]["complete"]
    assert set(marks(document)) == {"alice", "bob", *ATTACKS}


def test_honest_neighbours_keep_full_marks(graded):
    document = graded[0]
    for honest in ("alice", "bob"):
        student = marks(document)[honest]
        assert student["total"] == student["possible"] > 0, student


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_attack_is_stopped_with_a_wrong_answers_mark(graded, attack):
    student = marks(graded[0])[attack]
    mark = student["exercises"]["01"]
    assert mark["earned"] == 0 and mark["status"] in ("failed", "error"), mark


def test_nothing_outside_the_scratch_folders_changes(graded):
    _, _, paths, _ = graded
    assert tree_hash(paths["pack"], paths["subs"], paths["home"]) == paths["before"]
    journal = paths["out"].with_name("grades.csv.journal").read_text().splitlines()
    assert all(json.loads(line)["schema"] == "torch-dojo/grade-journal@1" for line in journal)
    assert "write_journal\",\"status\": \"passed" not in paths["out"].read_text()


def test_no_connection_reached_the_server_and_no_secret_reached_the_report(graded):
    document, done, _, server = graded
    assert server.connections == 0
    assert SECRET not in json.dumps(document) and SECRET not in done.stderr


def test_a_refused_read_is_the_students_error_and_says_the_wall_refused_it(graded):
    message = marks(graded[0])["read_home"]["exercises"]["01"]["message"]
    assert "is not allowed while grading" in message and "secret.txt" in message, message
