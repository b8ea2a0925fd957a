"""The Gradescope autograder: the zip `pack export gradescope` writes, its run_autograder in a
folder laid out as Gradescope lays out /autograder, and the results.json Gradescope reads."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from torch_dojo.grading import gradescope

from conftest import MINI

VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}
WRONG_ADD = "def add(a, b):\n    return a - b\n"


@pytest.fixture(scope="module")
def autograder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "autograder.zip"
    done = subprocess.run([sys.executable, "-m", "torch_dojo", "pack", "export", "gradescope", str(MINI),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stdout and "Gradescope" in done.stdout
    return out


def gradescope_run(tmp_path: Path, autograder: Path, submission: dict[str, str]) -> tuple[dict, str]:
    """/autograder as Gradescope lays it out: source/ (the zip), submission/ (the upload), results/."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder) as archive:
        archive.extractall(root / "source")
    (root / "results").mkdir()
    for name, text in submission.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "TORCH_DOJO_PYTHON": sys.executable, "TORCH_DOJO_JOBS": "1",
           "TORCH_DOJO_WARM": "0"}  # the mini pack's checks never import torch: cold checks are cheaper here
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    return results, done.stdout + done.stderr


def assert_gradescope_shape(results: dict) -> None:
    assert isinstance(results["score"], (int, float)) and isinstance(results["tests"], list)
    assert isinstance(results.get("output", ""), str) and isinstance(results.get("execution_time", 0), int)
    for test in results["tests"]:
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert test["status"] in ("passed", "failed") and test["visibility"] in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0 == test["score"]
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))


def test_the_zip_holds_what_gradescope_runs_the_pack_and_this_torch_dojo(autograder):
    with zipfile.ZipFile(autograder) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        setup = archive.read("setup.sh").decode()
        requirements = archive.read("requirements.txt").decode()
    assert {"setup.sh", "run_autograder", "pack/pack.toml", "pack/checks/01_add.py", "pack/solutions/02_greet.py",
            "vendor/torch_dojo/__init__.py", "vendor/torch_dojo/grading/gradescope.py"} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    from importlib import metadata

    torch = metadata.version("torch").split("+")[0]
    assert f"pip install -q torch=={torch} --index-url https://download.pytorch.org/whl/cpu" in setup
    assert f"pytest=={metadata.version('pytest')}" in requirements and "torch==" not in requirements


def test_a_submission_of_the_solutions_scores_the_packs_total(tmp_path, autograder):
    submission = {p.name: p.read_text() for p in (MINI / "solutions").glob("*.py")}
    results, log = gradescope_run(tmp_path, autograder, submission)
    assert_gradescope_shape(results)
    scored = [t for t in results["tests"] if t["visibility"] == "visible"]
    assert [t["name"] for t in scored] == ["01 Add two numbers", "02 Greet someone"], log
    assert [t["status"] for t in scored] == ["passed", "passed"] and results["score"] == 2
    assert sum(t["max_score"] for t in results["tests"]) == 2  # the pack's total: one point each
    assert "2 of 2 points" in results["output"]
    details = [t for t in results["tests"] if t["visibility"] == "after_published"]
    assert len(details) == 2 and all(t["max_score"] == 0 for t in details)
    assert details[0]["output"].split("\n") == ["  passed  add gives the sum of two ints", "  passed  adds floats"]


def test_a_wrong_and_a_missing_file_score_lower_and_say_why(tmp_path, autograder):
    results, log = gradescope_run(tmp_path, autograder, {"01_add.py": WRONG_ADD, "notes.txt": "hi"})
    assert_gradescope_shape(results)
    add, greet = [t for t in results["tests"] if t["visibility"] == "visible"]
    assert (add["status"], add["score"], add["max_score"]) == ("failed", 0, 1), log
    assert add["output"].startswith("Failed: 0 of 2 checks passed")
    assert "is -1, expected 3" not in add["output"]  # the checks' details wait until published
    assert (greet["status"], greet["score"], greet["max_score"]) == ("failed", 0, 1)
    assert "02_greet.py" in greet["output"]
    add_details = next(t for t in results["tests"] if t["visibility"] == "after_published")
    assert "expected 3" in add_details["output"]
    assert results["score"] == 0 and sum(t["max_score"] for t in results["tests"]) == 2


def test_a_grader_that_produced_no_table_still_writes_results_that_say_so(tmp_path):
    out = tmp_path / "results" / "results.json"
    assert gradescope.main([str(tmp_path / "absent.json"), str(MINI), str(out), "3"]) == 1
    results = json.loads(out.read_text())
    assert results["score"] == 0 and results["tests"] == [] and "not your code's fault" in results["output"]
    assert_gradescope_shape(results)
