"""The learner's folder: created once, found from below, reset with a backup."""

from __future__ import annotations

from torch_dojo import workspace


def test_create_copies_starters_but_never_checks_or_solutions(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    names = sorted(p.name for p in found.root.iterdir())
    assert names == [".dojo", "01_add.py", "02_greet.py"]
    assert (found.root / "01_add.py").read_text() == mini_pack.find("add").starter.read_text()


def test_create_keeps_what_the_learner_already_has(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    (found.root / "01_add.py").write_text("mine")
    workspace.create(tmp_path / "torch-dojo", mini_pack)
    assert (found.root / "01_add.py").read_text() == "mine"


def test_found_from_the_folder_above_inside_and_below(tmp_path, mini_pack):
    created = workspace.create(tmp_path / "torch-dojo", mini_pack)
    (created.root / "notes" / "deep").mkdir(parents=True)
    assert workspace.find(tmp_path).root == created.root
    assert workspace.find(created.root).root == created.root
    assert workspace.find(created.root / "notes" / "deep").root == created.root


def test_explicit_and_environment_workspace_override_the_search(tmp_path, mini_pack, monkeypatch):
    here = workspace.create(tmp_path / "a" / "torch-dojo", mini_pack)
    there = workspace.create(tmp_path / "b" / "torch-dojo", mini_pack)
    assert workspace.find(tmp_path / "a", explicit=there.root).root == there.root
    monkeypatch.setenv(workspace.ENV_VAR, str(tmp_path / "b"))
    assert workspace.find(here.root).root == there.root
    monkeypatch.setenv(workspace.ENV_VAR, str(tmp_path / "nowhere"))
    assert workspace.find(here.root) is None


def test_no_workspace_is_none(tmp_path):
    assert workspace.find(tmp_path) is None


def test_reset_backs_up_the_learners_file_and_restores_the_starter(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    exercise = mini_pack.find("add")
    (found.root / "01_add.py").write_text("my attempt")
    backup = workspace.reset(found, exercise)
    assert backup.read_text() == "my attempt"
    assert backup.parent == found.backups
    assert (found.root / "01_add.py").read_text() == exercise.starter.read_text()
    (found.root / "01_add.py").write_text("second attempt")
    second = workspace.reset(found, exercise)
    assert second != backup and backup.read_text() == "my attempt"


def test_reset_of_a_deleted_file_brings_it_back(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    (found.root / "01_add.py").unlink()
    assert workspace.reset(found, mini_pack.find("add")) is None
    assert (found.root / "01_add.py").is_file()
