"""Packs from everywhere: entry points, folders, git checkouts; several in one workspace."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MINI, copy_of_mini

from torch_dojo import __version__, catalog, progress, workspace
from torch_dojo.pack import PackError, load_pack, satisfies

SOLVED = "def add(a, b):\n    return a + b\n"


def distribution(site: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str] | None = None,
                 packs_in: dict[str, str] | None = None) -> Path:
    """An installed distribution, as pip leaves one: ``DIST.dist-info`` beside its modules in ``site``.

    ``modules``: module name -> source; ``packs_in``: package -> pack name, a copy of the mini
    pack inside that package (pack.toml beside __init__.py)."""
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = ["[torch_dojo.packs]", *(f"{name} = {value}" for name, value in entry_points.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for module, source in (modules or {}).items():
        (site / f"{module}.py").write_text(source)
    for package, name in (packs_in or {}).items():
        copy_of_mini(site / package, name)
        (site / package / "__init__.py").write_text("")
    return site


def on_path(*sites: Path) -> dict:
    """The environment of a CLI run that sees the distributions in ``sites`` (and this checkout)."""
    return {"PYTHONPATH": os.pathsep.join([*map(str, sites), os.environ.get("PYTHONPATH", "")])}


def listed(dojo, *args, **kw) -> dict:
    run = dojo(*args, "packs", "--json", **kw)
    assert run.returncode == 0, run.stderr
    return {p["name"]: p for p in json.loads(run.stdout)["packs"]}


# requires_torch_dojo -------------------------------------------------------------------------

@pytest.mark.parametrize("version, spec, ok", [
    ("0.1.0", ">=0.1", True), ("0.1.0", ">=0.2", False), ("0.1.0", ">=0.1,<1", True),
    ("1.0", "<1", False), ("0.1.5", "~=0.1.1", True), ("0.2.0", "~=0.1.1", False),
    ("0.1.0", "==0.1.*", True), ("0.2.0", "!=0.1.*", True), ("0.1.0", "==0.1", True), ("0.1.0", "!=0.1.0", False),
])
def test_version_requirements_compare_release_numbers(version, spec, ok):
    assert satisfies(version, spec) is ok


def test_a_pack_for_a_newer_torch_dojo_says_so_and_how_to_update(tmp_path):
    root = copy_of_mini(tmp_path / "p", manifest_extra='requires_torch_dojo = ">=99.0"\nnew_field_of_v99 = 1')
    with pytest.raises(PackError) as caught:
        load_pack(root)
    text = str(caught.value)
    assert len(caught.value.problems) == 1  # not drowned in the fields only a newer version knows
    assert str(root / "pack.toml") in text and "pack.requires_torch_dojo" in text
    assert ">=99.0" in text and __version__ in text and "pip install -U torch-dojo" in text


def test_a_satisfied_requirement_loads_with_version_and_description(tmp_path):
    extra = f'requires_torch_dojo = ">={__version__}"\nversion = "2.3"\ndescription = "Week one."'
    pack = load_pack(copy_of_mini(tmp_path / "p", "week1", extra))
    assert (pack.name, pack.version, pack.description) == ("week1", "2.3", "Week one.")
    assert {e.pack for e in pack.exercises} == {"week1"}


def test_a_requirement_that_is_no_specifier_is_a_problem_of_its_field(tmp_path):
    with pytest.raises(PackError, match=r"pack.requires_torch_dojo: 'soon' is not a version requirement"):
        load_pack(copy_of_mini(tmp_path / "p", manifest_extra='requires_torch_dojo = "soon"'))


# Entry points ---------------------------------------------------------------------------------

def test_an_installed_pack_is_listed_added_and_checked_by_name(dojo, tmp_path):
    site = distribution(tmp_path / "site", "mlcourse-pack", {"mlcourse": "mlcourse_pack"},
                        packs_in={"mlcourse_pack": "mlcourse"})
    env = on_path(site)
    found = listed(dojo, env=env)
    assert found["mlcourse"]["origin"] == "entry point" and found["mlcourse"]["from"] == "mlcourse-pack 1.0"
    assert found["mlcourse"]["exercises"] == 2 and found["mlcourse"]["ok"] is True
    assert found["core"]["origin"] == "built-in" and found["core"]["version"] == __version__

    assert dojo(env=env).returncode == 0  # a workspace with the built-in pack
    added = dojo("--pack", "mlcourse", env=env)
    assert added.returncode == 0, added.stderr
    assert "torch-dojo check mlcourse/01" in added.stdout
    ws = tmp_path / "torch-dojo"
    (ws / "mlcourse" / "01_add.py").write_text(SOLVED)
    run = dojo("check", "mlcourse/add", env=env, cwd=ws)
    assert run.returncode == 0, run.stdout + run.stderr
    assert 'path' not in (ws / ".dojo" / "workspace.toml").read_text()  # found again by name, wherever pip puts it
    assert listed(dojo, env=env)["mlcourse"]["in_workspace"] is True


def test_entry_points_may_name_a_function_or_a_path(tmp_path, monkeypatch):
    copy_of_mini(tmp_path / "elsewhere" / "fn_pack", "fnpack")
    copy_of_mini(tmp_path / "elsewhere" / "str_pack", "strpack")
    where = tmp_path / "elsewhere"
    site = distribution(tmp_path / "site", "two-packs", {"fnpack": "tdj_fn_mod:folder", "strpack": "tdj_fn_mod:PACK"},
                        modules={"tdj_fn_mod": f"from pathlib import Path\nPACK = {str(where / 'str_pack' / 'pack.toml')!r}\n"
                                              f"def folder():\n    return Path({str(where / 'fn_pack')!r})\n"})
    monkeypatch.syspath_prepend(str(site))
    found = {a.name: a for a in catalog.available()}
    assert found["fnpack"].ok and found["fnpack"].root == where / "fn_pack"
    assert found["strpack"].ok and found["strpack"].root == where / "str_pack"
    assert catalog.resolve("fnpack").name == "fnpack"


def test_a_broken_entry_point_is_listed_with_its_problem_and_stops_nothing(dojo, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "empty_pkg").mkdir()
    (tmp_path / "site" / "empty_pkg" / "__init__.py").write_text("")
    site = distribution(tmp_path / "site", "broken-packs", {
        "crashes": "tdj_crashing_mod", "number": "tdj_number_mod:VALUE", "nofolder": "empty_pkg",
        "renamed": "mini_inside"}, modules={"tdj_crashing_mod": "raise RuntimeError('boom at import')\n",
                                            "tdj_number_mod": "VALUE = 42\n"},
        packs_in={"mini_inside": "mini"})
    env = on_path(site)
    run = dojo("packs", env=env)
    assert run.returncode == 0 and "Traceback" not in run.stderr
    found = listed(dojo, env=env)
    assert "RuntimeError: boom at import" in found["crashes"]["problem"]
    assert "it gives a int" in found["number"]["problem"]
    assert "no pack.toml here" in found["nofolder"]["problem"]
    assert "names the pack 'mini'" in found["renamed"]["problem"]
    assert found["core"]["ok"] is True
    assert dojo("list", env=env).returncode == 0
    broken = dojo("--pack", "crashes", "list", env=env)
    assert broken.returncode == 2 and "boom at import" in broken.stderr and "Traceback" not in broken.stderr


def test_two_packs_of_one_name_is_an_error_naming_both(dojo, tmp_path):
    one = distribution(tmp_path / "one", "first-dist", {"twin": "twin_a"}, packs_in={"twin_a": "twin"})
    two = distribution(tmp_path / "two", "second-dist", {"twin": "twin_b"}, packs_in={"twin_b": "twin"})
    env = on_path(one, two)
    run = dojo("--pack", "twin", "list", env=env)
    assert run.returncode == 2
    assert "two packs are named 'twin'" in run.stderr
    assert "first-dist" in run.stderr and "second-dist" in run.stderr
    found = json.loads(dojo("packs", "--json", env=env).stdout)["packs"]
    assert [p["problem"] for p in found if p["name"] == "twin"][-1].startswith("another pack is named 'twin'")
    # a folder may not take the name of an installed pack either
    dojo()
    clash = dojo("--pack", str(copy_of_mini(tmp_path / "mine", "twin")), env=on_path(one))
    assert clash.returncode == 2 and "two packs are named 'twin'" in clash.stderr and "first-dist" in clash.stderr


# Folders -------------------------------------------------------------------------------------

def test_a_git_checkout_is_a_pack_folder_like_any_other(dojo, tmp_path):
    checkout = copy_of_mini(tmp_path / "course", "course")
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    subprocess.run([git, "init", "-q", str(checkout)], check=True)
    subprocess.run([git, "-C", str(checkout), "add", "."], check=True)
    subprocess.run([git, "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
                   check=True)
    assert (checkout / ".git").is_dir()
    for given in (str(checkout), str(checkout / "pack.toml")):
        run = dojo("--pack", given, "list", "--json")
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["packs"][0]["name"] == "course"
    assert dojo("--pack", str(checkout)).returncode == 0
    assert (tmp_path / "torch-dojo" / "01_add.py").is_file()  # the workspace's first pack: at the root
    assert listed(dojo)["course"]["origin"] == "workspace"
    assert "course" in listed(dojo, "--pack", str(checkout))


def test_bad_pack_names_and_paths_say_what_to_do(dojo, tmp_path):
    unknown = dojo("--pack", "nosuchpack", "list")
    assert unknown.returncode == 2
    assert "no pack named 'nosuchpack'" in unknown.stderr and "core" in unknown.stderr
    (tmp_path / "empty").mkdir()
    no_manifest = dojo("--pack", str(tmp_path / "empty"), "list")
    assert no_manifest.returncode == 2 and "no pack.toml here" in no_manifest.stderr
    missing = dojo("--pack", "./not-there", "list")
    assert missing.returncode == 2 and "no pack.toml here" in missing.stderr
    builtin_name = dojo("--pack", str(copy_of_mini(tmp_path / "fake-core", "core")))
    assert builtin_name.returncode == 2 and "the built-in pack's name" in builtin_name.stderr
    for run in (unknown, no_manifest, missing, builtin_name):
        assert "Traceback" not in run.stderr


# Workspaces of several packs ---------------------------------------------------------------

@pytest.fixture
def two_packs(dojo, tmp_path):
    """A workspace made with the mini pack, then given `mini2` (a copy under another name)."""
    second = copy_of_mini(tmp_path / "packs" / "mini2", "mini2")
    assert dojo("--pack", str(MINI)).returncode == 0
    added = dojo("--pack", str(second))
    assert added.returncode == 0, added.stderr
    return tmp_path / "torch-dojo"


def test_a_second_pack_gets_a_subfolder_and_leaves_the_first_alone(two_packs):
    assert sorted(p.name for p in two_packs.iterdir()) == [".dojo", "01_add.py", "02_greet.py", "mini2"]
    assert sorted(p.name for p in (two_packs / "mini2").iterdir()) == ["01_add.py", "02_greet.py"]
    found = workspace.find(two_packs)
    assert [m.name for m in found.members] == ["mini", "mini2"]
    assert workspace.pack_name(found) == "mini"  # what an older torch-dojo reads


def test_exercises_are_addressed_by_pack_and_progress_is_kept_apart(dojo, two_packs):
    (two_packs / "mini2" / "01_add.py").write_text(SOLVED)
    ambiguous = dojo("check", "01")
    assert ambiguous.returncode == 2 and "`mini/01` or `mini2/01`" in ambiguous.stderr
    passed = dojo("check", "mini2/add")
    assert passed.returncode == 0, passed.stdout
    assert "torch-dojo check mini2/02" in passed.stdout
    assert dojo("check", "mini/01").returncode == 1
    assert "Hint 1 of 2" in dojo("hint", "mini2/01").stdout
    state = progress.load(two_packs / ".dojo" / "progress.json")
    assert state.of("mini2/add").status == "passed" and state.of("mini2/add").hints_shown == 1
    assert state.of("add").status == "failed" and state.of("add").hints_shown == 0
    assert "return a + b" in dojo("solution", "mini2/01").stdout
    assert dojo("solution", "mini/01").returncode == 1
    rows = json.loads(dojo("list", "--json").stdout)["exercises"]
    assert [(r["address"], r["status"]) for r in rows] == [
        ("mini/01", "failed"), ("mini/02", "not tried"), ("mini2/01", "passed"), ("mini2/02", "not tried")]
    reset = dojo("reset", "mini2/01")
    assert reset.returncode == 0 and "/backups/mini2/01_add." in reset.stdout
    assert "NotImplementedError" in (two_packs / "mini2" / "01_add.py").read_text()
    unknown = dojo("hint", "other/01")
    assert unknown.returncode == 2 and "no pack 'other'" in unknown.stderr and "mini, mini2" in unknown.stderr


def test_check_all_and_list_cover_every_pack_or_the_one_named(dojo, two_packs):
    (two_packs / "01_add.py").write_text(SOLVED)
    every = json.loads(dojo("check", "--all", "--json").stdout)
    assert every["summary"] == {**every["summary"], "passed": 1, "total": 4}
    one = json.loads(dojo("--pack", "mini2", "check", "--all", "--json").stdout)
    assert one["summary"]["total"] == 2 and one["summary"]["passed"] == 0
    text = dojo("list").stdout
    assert "Mini pack for tests" in text and "(exercises of this pack are mini2/ID" in text
    assert len(json.loads(dojo("--pack", "mini", "list", "--json").stdout)["exercises"]) == 2


def test_a_bare_id_means_the_built_in_pack_beside_another(dojo, tmp_path):
    dojo()
    dojo("--pack", str(MINI))
    assert "Hint 1 of" in dojo("hint", "01").stdout
    state = progress.load(tmp_path / "torch-dojo" / ".dojo" / "progress.json")
    assert state.of("environment_check").hints_shown == 1 and state.of("mini/add").hints_shown == 0
    elsewhere = dojo("hint", "greet")
    assert elsewhere.returncode == 2 and "`mini/greet`" in elsewhere.stderr


def test_a_pack_not_in_the_workspace_is_not_judged_against_it(dojo, tmp_path):
    dojo()
    run = dojo("--pack", str(MINI), "check", "01")
    assert run.returncode == 2
    assert "does not hold the pack 'mini'" in run.stderr and "--pack" in run.stderr


def test_a_workspace_of_torch_dojo_0_1_keeps_working(dojo, tmp_path):
    """workspace.toml with `pack` alone, files at the root, progress keyed by slug."""
    root = tmp_path / "torch-dojo"
    (root / ".dojo").mkdir(parents=True)
    (root / ".dojo" / "workspace.toml").write_text('pack = "mini"\ncreated = "2026-11-01T10:00:00"\n')
    (root / ".dojo" / "progress.json").write_text(json.dumps(
        {"version": 1, "exercises": {"add": {"status": "passed", "hints_shown": 1, "ever_passed": True}}}))
    (root / "01_add.py").write_text(SOLVED)
    rows = json.loads(dojo("--pack", str(MINI), "list", "--json").stdout)["exercises"]
    assert [(r["address"], r["status"], r["file"]) for r in rows][0] == ("01", "passed", str(root / "01_add.py"))
    forgotten = dojo("list")  # 0.1 never wrote down where the mini pack was
    assert forgotten.returncode == 2 and "--pack PATH" in forgotten.stderr
    assert dojo("--pack", str(MINI)).returncode == 0  # says where, once
    assert dojo("check", "add").returncode == 0
    assert progress.load(root / ".dojo" / "progress.json").of("add").hints_shown == 1
    assert sorted(p.name for p in root.iterdir()) == [".dojo", "01_add.py", "02_greet.py"]


def test_a_workspace_pack_that_went_missing_is_warned_about(dojo, tmp_path):
    second = copy_of_mini(tmp_path / "packs" / "mini2", "mini2")
    dojo()
    dojo("--pack", str(second))
    shutil.rmtree(second)
    run = dojo("list")
    assert run.returncode == 0 and "PyTorch basics" in run.stdout
    assert "the pack 'mini2' of your workspace cannot be loaded" in run.stderr
