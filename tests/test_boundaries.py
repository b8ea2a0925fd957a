"""The boundaries the design relies on, checked rather than hoped for."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_by(module: str) -> set[str]:
    """The top-level packages that importing ``module`` loads, in a fresh interpreter."""
    code = f"import sys, {module}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_the_cli_imports_neither_torch_nor_textual():
    assert {"torch", "textual"} & imported_by("torch_dojo.cli") == set()


def test_the_tui_never_imports_torch():
    loaded = imported_by("torch_dojo.tui.app")
    assert "textual" in loaded  # the import really happened
    assert "torch" not in loaded


def test_import_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    done = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
