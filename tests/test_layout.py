"""The shape of the package, checked: no import cycle, the runner by process, module paths that exist.

Module paths the runner hands to ``python -m`` or preloads are data, not imports: a typo or
a rename breaks nothing at import time, it only makes checks fail (or warm checks slower).
These tests hold them to the modules that exist.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "torch_dojo"
RUNNER = PACKAGE / "runner"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same tree it imports, at the top or inside a function."""
    modules = {_module_name(path, root): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name in modules)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parent + ([node.module] if node.module else []))
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    found.add(submodule if submodule in modules else base)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other, directly or around a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_in_the_package():
    assert cycles(import_graph(PACKAGE)) == []


def test_the_cycle_finder_finds_one_through_an_import_inside_a_function(tmp_path):
    root = tmp_path / "torch_dojo"
    (root / "runner").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "runner" / "__init__.py").write_text("")
    (root / "runner" / "a.py").write_text("from torch_dojo.runner.b import x\n")
    (root / "runner" / "b.py").write_text("def x():\n    from .c import y\n")
    (root / "runner" / "c.py").write_text("from torch_dojo.runner import a\n")
    assert cycles(import_graph(root)) == [["torch_dojo.runner.a", "torch_dojo.runner.b", "torch_dojo.runner.c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_runner_says_by_its_tree_which_process_runs_what():
    top = sorted(p.name for p in RUNNER.glob("*.py"))
    assert len(top) <= 12, top
    processes = sorted(p.name for p in RUNNER.iterdir() if (p / "__init__.py").is_file())
    assert processes == ["check_process", "judged", "probe_process", "supervisor_process"]
    for name in processes:  # each is a program: python -m torch_dojo.runner.NAME
        assert (RUNNER / name / "__main__.py").is_file(), name
    too_long = {str(p.relative_to(RUNNER)): n for p in RUNNER.rglob("*.py")
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert too_long == {}


def test_every_preloaded_module_imports():
    """The warm supervisor preloads these (``modules`` before it is ready, ``LATER`` after) so
    that no check waits for them: a name that does not import is a check that silently pays
    for its import."""
    code = (
        "import importlib\n"
        "from torch_dojo.runner.supervisor_process import warmup\n"
        "failed = []\n"
        "for name in warmup.modules() + warmup.LATER:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as err:\n"
        "        failed.append(f'{name}: {err}')\n"
        "print(len(warmup.modules())); print(failed)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    count, failed = done.stdout.split("\n", 1)
    assert int(count) > 20 and failed.strip() == "[]", failed


def test_the_later_preload_has_what_the_first_optimizer_imports():
    """Made lazily, these cost a second or more in every check that builds an optimizer."""
    from torch_dojo.runner.supervisor_process import warmup

    assert {"torch._dynamo", "torch.profiler", "multiprocessing.queues"} <= set(warmup.LATER)


def test_the_preload_finds_every_module_of_the_check_processes():
    from torch_dojo.runner.supervisor_process import warmup

    preloaded = set(warmup.modules())
    for package in ("check_process", "judged"):
        for path in (RUNNER / package).glob("*.py"):
            if path.stem not in ("__init__", "__main__"):
                assert f"torch_dojo.runner.{package}.{path.stem}" in preloaded


def test_run_torchrun_names_the_rank_module_that_exists():
    from torch_dojo.runner.check_process import rank
    from torch_dojo.testing import distributed

    assert distributed.RANK_MODULE == rank.__name__


def test_run_torchrun_reads_the_launcher_where_the_check_process_says_it_is():
    from torch_dojo.runner.check_process import launcher
    from torch_dojo.testing import distributed

    assert distributed.LAUNCHER_ENV == launcher.LAUNCHER_ENV


def test_run_torchrun_names_the_wall_that_exists():
    from torch_dojo.runner import confinement
    from torch_dojo.testing import distributed

    assert (distributed.WALL_MODULE, distributed.WALL_ENV) == (confinement.__name__, confinement.WALL_ENV)
    assert callable(confinement.main)
