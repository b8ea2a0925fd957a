"""An installed wheel carries the built-in pack, its mistakes too, and finds it without the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_lists_the_builtin_pack(tmp_path):
    pytest.importorskip("build")
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                            str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("torch_dojo-*.whl"))

    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--no-index", "-q", str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    # The wheel's dependencies come from this test environment (never torch-dojo itself:
    # a .pth in a .pth-added folder is not processed, so the editable install stays out).
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TORCH_DOJO_PACK", "TORCH_DOJO_WORKSPACE")}
    run = subprocess.run([str(fresh / "bin" / "torch-dojo"), "list", "--json"], cwd=elsewhere, env=env,
                         capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert len(doc["exercises"]) >= 7
    assert Path(doc["pack"]["root"]).is_relative_to(site), doc["pack"]["root"]
    assert (Path(doc["pack"]["root"]) / "checks" / "18_ddp_script.py").is_file()

    # The mistakes travel too, every file of the checkout's, and pack verify's code finds them.
    shipped = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "mistakes").glob("*/*.py"))
    found = subprocess.run([str(python), "-c", "from torch_dojo import mistakes; from torch_dojo.pack import "
                            "load_builtin_pack; pack = load_builtin_pack(); found = mistakes.find(pack); "
                            "print(pack.root); print(len(found.strays)); "
                            "[print(p.relative_to(pack.root).as_posix()) for fs in found.by_exercise.values() for p in fs]"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    root, strays, *files = found.stdout.splitlines()
    assert Path(root).is_relative_to(site) and strays == "0"
    assert sorted(files) == shipped and len(shipped) > 100
