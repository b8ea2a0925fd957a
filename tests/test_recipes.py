"""The engine recipes of docs/grading-at-scale.md, run as the engines would run them.

Each recipe's commands are read from the page itself (the fenced block after its
``<!-- recipe: NAME -->`` marker): the `torch-dojo` lines of the YAML, the Slurm scripts
whole. They run in bash with the variables the engine sets, on the mini pack, in a folder
laid out as the recipe says; the merge's table must be the table of one unsharded run.
The recipes' plumbing (the shell, the arguments, the shards, the merge) is what is under
test: the runs judge with a stand-in for the runner, but for one shard judged for real.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI

DOC = Path(__file__).parent.parent / "docs" / "grading-at-scale.md"
SHARDS = 3
CLASS = {"ana": ("return a + b", "return f'Hello, {name}!'"), "ben": ("return a + b", "pass"),
         "cy": ("pass", None), "dee": ("return a + b", "return f'Hello, {name}!'")}

# `torch-dojo` for the runs that judge with a stand-in: the real CLI, whose warm runner
# passes a file that returns something (the mini pack's right answers do, its wrong ones not).
FAKE = """#!{python}
import sys
from pathlib import Path
from torch_dojo.runner import warm
from torch_dojo.verdict import CheckResult, Status, Verdict

class Judge:
    def start(self): pass
    def preloaded(self, timeout=60.0): return True
    def close(self): pass
    def check(self, exercise, file, judged=False, confinement=None):
        status = Status.PASSED if "return" in Path(file).read_text() else Status.FAILED
        return Verdict(exercise.id, exercise.slug, exercise.title, status, checks=(CheckResult("it works", status),))

warm.WarmRunner = Judge
from torch_dojo.cli import main
sys.exit(main())
"""
REAL = '#!/bin/sh\nexec "{python}" -m torch_dojo "$@"\n'


def recipe(name: str) -> tuple[str, str]:
    """The language and text of the fenced block after ``<!-- recipe: NAME -->``."""
    found = re.search(rf"<!-- recipe: {re.escape(name)} -->\n```(\w+)\n(.*?)\n```", DOC.read_text(), re.S)
    assert found, f"docs/grading-at-scale.md has no recipe {name}"
    return found[1], found[2]


def commands(name: str) -> list[str]:
    """The `torch-dojo` command lines of a YAML recipe, as its shell gets them."""
    lines = [line.strip() for line in recipe(name)[1].splitlines() if line.strip().startswith("torch-dojo ")]
    assert lines, f"recipe {name} runs no torch-dojo command"
    return lines


@pytest.fixture
def course(tmp_path) -> Path:
    """A folder as the recipes lay it out: the pack in pack/, one folder per student in submissions/."""
    shutil.copytree(MINI, tmp_path / "pack")
    for student, (add, greet) in CLASS.items():
        folder = tmp_path / "submissions" / student
        folder.mkdir(parents=True)
        (folder / "01_add.py").write_text(f"def add(a, b):\n    {add}\n")
        if greet:
            (folder / "02_greet.py").write_text(f"def greet(name):\n    {greet}\n")
    return tmp_path


def shell(script: str, cwd: Path, env: dict[str, str], real: bool = False) -> subprocess.CompletedProcess:
    """``script`` in bash, with ``torch-dojo`` on PATH and ``env`` set as the engine sets it."""
    bin_dir = cwd / (".real" if real else ".fake")
    if not bin_dir.exists():
        bin_dir.mkdir()
        shim = bin_dir / "torch-dojo"
        shim.write_text((REAL if real else FAKE).format(python=sys.executable))
        shim.chmod(0o755)
    full = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1", **env}
    full.pop("TORCH_DOJO_PACK", None)
    full.pop("TORCH_DOJO_WORKSPACE", None)
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=full, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)


def ran(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def whole_table(cwd: Path) -> str:
    ran(shell("torch-dojo grade submissions --pack pack --out whole.csv", cwd, {}))
    return (cwd / "whole.csv").read_text()


def merged(command: str) -> str:
    return re.search(r"--out (\S+)", command)[1]


def yaml_or_none():
    try:
        import yaml
    except ImportError:
        return None
    return yaml


# GitHub Actions ------------------------------------------------------------------------------

def test_the_github_matrix_grades_three_shards_and_merges_them_into_one_runs_table(course):
    text = recipe("github")[1]
    assert re.search(r"shard: \[1, 2, 3\]", text) and "SHARD: ${{ matrix.shard }}" in text
    grade, merge = commands("github")
    for shard in range(1, SHARDS + 1):  # the step's env: SHARD is the matrix's value
        ran(shell(grade, course, {"SHARD": str(shard)}))
    assert sorted(p.name for p in course.glob("shard-*.json")) == ["shard-1.json", "shard-2.json", "shard-3.json"]
    ran(shell(merge, course, {}))  # the artifacts downloaded into one folder
    assert (course / merged(merge)).read_text() == whole_table(course)


def test_the_github_workflow_is_yaml_whose_steps_run_those_commands():
    yaml = yaml_or_none()
    if yaml is None:
        pytest.skip("PyYAML is not installed: the commands are tested, the YAML is not parsed")
    workflow = yaml.safe_load(recipe("github")[1])
    grade_steps = workflow["jobs"]["grade"]["steps"]
    assert workflow["jobs"]["grade"]["strategy"]["matrix"]["shard"] == list(range(1, SHARDS + 1))
    runs = [s.get("run", "") for s in grade_steps] + [s.get("run", "") for s in workflow["jobs"]["merge"]["steps"]]
    grade, merge = commands("github")
    assert any(grade in run for run in runs) and any(merge in run for run in runs)
    assert workflow["jobs"]["merge"]["needs"] == "grade"


# Kubernetes --------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_kubernetes_indexed_job_grades_from_its_0_based_index(course):
    """Index 1 judges for real (shard 2/3: ben, through the runner and the mini pack's checks);
    the others with the stand-in, which judges the mini pack's files the same way."""
    (grade,), (merge,) = commands("kubernetes"), commands("kubernetes-merge")
    (course / "results").mkdir()  # the results volume
    for index in range(SHARDS):  # JOB_COMPLETION_INDEX: 0 to completions - 1
        ran(shell(grade, course, {"JOB_COMPLETION_INDEX": str(index)}, real=index == 1))
    assert sorted(p.name for p in (course / "results").glob("shard-*.json")) == [
        "shard-1.json", "shard-2.json", "shard-3.json"]
    real = json.loads((course / "results" / "shard-2.json").read_text())
    assert [s["student"] for s in real["students"]] == ["ben"]
    assert {c["name"] for m in real["marks"] for c in m["checks"]} - {"it works"}  # the real checks' names
    ran(shell(merge, course, {}))
    table = (course / merged(merge)).read_text()
    assert table == whole_table(course)
    assert "ben,passed,1,failed,0" in table


def test_the_kubernetes_manifests_are_yaml_an_indexed_job_of_n_completions():
    yaml = yaml_or_none()
    text = recipe("kubernetes")[1]
    assert "completions: 3" in text and "completionMode: Indexed" in text
    if yaml is None:
        pytest.skip("PyYAML is not installed: the commands are tested, the YAML is not parsed")
    job, merge_job = yaml.safe_load(text), yaml.safe_load(recipe("kubernetes-merge")[1])
    assert job["kind"] == merge_job["kind"] == "Job"
    assert job["spec"]["completionMode"] == "Indexed" and job["spec"]["completions"] == SHARDS
    (grade,), (merge,) = commands("kubernetes"), commands("kubernetes-merge")
    assert grade in job["spec"]["template"]["spec"]["containers"][0]["args"][0]
    assert merge in merge_job["spec"]["template"]["spec"]["containers"][0]["args"][0]


# Slurm -------------------------------------------------------------------------------------

def test_the_slurm_array_grades_every_task_and_the_merge_script_merges(course):
    language, script = recipe("slurm")
    assert language == "bash"
    first, last = map(int, re.search(r"^#SBATCH --array=(\d+)-(\d+)$", script, re.M).groups())
    cpus = re.search(r"^#SBATCH --cpus-per-task=(\d+)$", script, re.M)[1]
    assert (first, last) == (1, SHARDS)
    for task in range(first, last + 1):  # the variables Slurm sets in each array task
        ran(shell(script, course, {"SLURM_ARRAY_TASK_ID": str(task), "SLURM_ARRAY_TASK_COUNT": str(last - first + 1),
                                   "SLURM_SUBMIT_DIR": str(course), "SLURM_CPUS_PER_TASK": cpus}))
    merge_script = recipe("slurm-merge")[1]
    ran(shell(merge_script, course, {"SLURM_SUBMIT_DIR": str(course)}))
    assert (course / "grades.csv").read_text() == whole_table(course)
    # A task that never ran: the merge says which shard is missing, and writes nothing.
    (course / "grades.csv").unlink()
    (course / "shard-2.json").unlink()
    failed = shell(merge_script, course, {"SLURM_SUBMIT_DIR": str(course)})
    assert failed.returncode == 2 and "shard 2/3 is missing" in failed.stderr
    assert not (course / "grades.csv").exists()
