"""The learner's folder: created once, found from below, reset with a backup."""

from __future__ import annotations

import os
import shutil

import pytest

from torch_dojo import filesafe, workspace
from torch_dojo.pack import load_pack


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


def _renumbered(mini_pack, tmp_path):
    """The mini pack as a later version ships it: `add` moved from 01 to 03, a new 01 before it."""
    root = tmp_path / "pack-v2"
    shutil.copytree(mini_pack.root, root)
    for folder in ("exercises", "checks", "solutions"):
        (root / folder / "01_add.py").rename(root / folder / "03_add.py")
        (root / folder / "01_sub.py").write_text("def sub(a, b):\n    raise NotImplementedError\n")
    manifest = (root / "pack.toml").read_text()
    manifest = manifest.replace('id = "01"\nslug = "add"', 'id = "03"\nslug = "add"')
    manifest = manifest.replace('file = "01_add.py"', 'file = "03_add.py"')
    manifest += ('\n[[exercise]]\nid = "01"\nslug = "sub"\ntitle = "Subtract"\nchapter = "Basics"\n'
                 'file = "01_sub.py"\ntask = "Write `sub(a, b)`."\nhints = ["a nudge", "`return a - b`"]\n')
    (root / "pack.toml").write_text(manifest)
    return load_pack(root)


def test_a_renumbered_exercise_keeps_the_learners_file_under_its_new_name(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    (found.root / "01_add.py").write_text("my add")
    changes = workspace.add_missing_starters(found, _renumbered(mini_pack, tmp_path))
    assert changes.moved == [workspace.Moved(found.root / "01_add.py", found.root / "03_add.py")]
    assert (found.root / "03_add.py").read_text() == "my add"
    assert not (found.root / "01_add.py").exists()
    assert changes.added == [found.root / "01_sub.py"]  # the new exercise gets its starter
    assert (found.root / "02_greet.py").is_file()


def test_nothing_moves_when_the_new_name_is_already_there(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    (found.root / "01_add.py").write_text("old attempt")
    (found.root / "03_add.py").write_text("newer attempt")
    changes = workspace.add_missing_starters(found, _renumbered(mini_pack, tmp_path))
    assert changes.moved == []
    assert (found.root / "03_add.py").read_text() == "newer attempt"
    assert (found.root / "01_add.py").read_text() == "old attempt"


def test_another_exercises_current_file_is_never_taken(tmp_path, mini_pack):
    """`01_sub.py` is the new exercise 01's own file: it must not be mistaken for an old `sub`."""
    pack = _renumbered(mini_pack, tmp_path)
    found = workspace.create(tmp_path / "torch-dojo", pack)
    (found.root / "01_sub.py").write_text("my sub")
    (found.root / "03_add.py").unlink()
    (found.root / "9_my_add.py").write_text("not an exercise file")  # `my_add` is no slug: left alone
    changes = workspace.add_missing_starters(found, pack)
    assert changes.moved == [] and changes.added == [found.root / "03_add.py"]
    assert (found.root / "01_sub.py").read_text() == "my sub"
    assert (found.root / "9_my_add.py").read_text() == "not an exercise file"


def test_two_old_files_for_one_slug_are_left_for_the_learner(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    (found.root / "01_add.py").write_text("one")
    (found.root / "07_add.py").write_text("two")
    changes = workspace.add_missing_starters(found, _renumbered(mini_pack, tmp_path))
    assert changes.moved == []
    assert (found.root / "01_add.py").read_text() == "one" and (found.root / "07_add.py").read_text() == "two"


def test_another_pack_goes_in_its_own_subfolder_with_its_own_progress_keys(tmp_path, mini_pack):
    from conftest import copy_of_mini

    second = load_pack(copy_of_mini(tmp_path / "second", "second"))
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    (found.root / "01_add.py").write_text("mine")
    found, changes = workspace.add_pack(found, second, path=str(second.root))
    assert changes.added == [found.root / "second" / "01_add.py", found.root / "second" / "02_greet.py"]
    assert (found.root / "01_add.py").read_text() == "mine"  # the first pack is left alone
    first_add, second_add = mini_pack.find("add"), second.find("add")
    assert found.file_for(first_add) == found.root / "01_add.py"
    assert found.file_for(second_add) == found.root / "second" / "01_add.py"
    assert (found.key(first_add), found.key(second_add)) == ("add", "second/add")
    again = workspace.find(found.root)
    assert again.members == (workspace.Member("mini"), workspace.Member("second", "second", str(second.root)))
    assert workspace.add_pack(again, second, path=str(second.root))[0] == again  # adding twice changes nothing


def test_a_workspace_of_torch_dojo_0_1_holds_its_one_pack_at_the_root(tmp_path, mini_pack):
    (tmp_path / "ws" / ".dojo").mkdir(parents=True)
    (tmp_path / "ws" / ".dojo" / "workspace.toml").write_text('pack = "core"\ncreated = "2026-11-01T10:00:00"\n')
    found = workspace.find(tmp_path / "ws")
    assert found.members == (workspace.Member("core"),)
    assert found.folder_for("core") == found.root
    assert found.folder_for("mini") == found.root / "mini"  # where an added pack would go
    assert workspace.Workspace(tmp_path).file_for(mini_pack.find("add")) == tmp_path / "01_add.py"  # a bare folder


def test_the_recorded_path_survives_quotes_and_backslashes(tmp_path, mini_pack):
    odd = 'C:\\packs\\"week" 1 \u00e9'
    found = workspace.create(tmp_path / "ws", mini_pack, path=odd)
    assert workspace.find(found.root).members == (workspace.Member("mini", "", odd),)


def test_creating_over_a_workspace_of_another_pack_adds_it_beside(tmp_path, mini_pack):
    from conftest import copy_of_mini

    second = load_pack(copy_of_mini(tmp_path / "second", "second"))
    workspace.create(tmp_path / "ws", mini_pack)
    found = workspace.create(tmp_path / "ws", second)
    assert [m.name for m in found.members] == ["mini", "second"]
    assert (found.root / "second" / "01_add.py").is_file() and (found.root / "01_add.py").is_file()


# A marker that cannot be read, writes that fail, files that are not files (issue 12) -------


@pytest.mark.parametrize("text", ["pack = [", "\xff\xfe", 'pack = "mini"\npacks = 3\n'])
def test_an_unreadable_marker_is_an_error_never_no_workspace(tmp_path, mini_pack, text):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    marker = found.state / workspace.MARKER
    marker.write_bytes(text.encode("latin-1"))
    with pytest.raises(workspace.WorkspaceError, match="cannot read .*workspace.toml"):
        workspace.find(tmp_path)
    with pytest.raises(workspace.WorkspaceError):
        workspace.create(tmp_path / "torch-dojo", mini_pack)
    assert marker.read_bytes() == text.encode("latin-1")


def test_a_marker_that_is_a_folder_is_not_a_fresh_place(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    (found.state / workspace.MARKER).unlink()
    (found.state / workspace.MARKER).mkdir()
    (found.root / "01_add.py").unlink()
    with pytest.raises(workspace.WorkspaceError, match="cannot read"):
        workspace.create(tmp_path / "torch-dojo", mini_pack)
    assert not (found.root / "01_add.py").exists()


def test_write_file_leaves_nothing_when_it_fails(tmp_path, monkeypatch):
    target = tmp_path / "01_add.py"
    target.write_text("mine")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        filesafe.write_file(target, b"x" * 100_000)
    monkeypatch.undo()
    assert target.read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == ["01_add.py"]


def test_an_empty_starter_is_repaired_and_a_file_appearing_is_kept(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    (found.root / "01_add.py").write_text("")
    changes = workspace.add_missing_starters(found, mini_pack)
    assert changes.repaired == [found.root / "01_add.py"]
    assert (found.root / "01_add.py").read_text() == mini_pack.find("add").starter.read_text()
    assert filesafe.write_file(found.root / "02_greet.py", b"new", replace=False) is False
    assert (found.root / "02_greet.py").read_text() == mini_pack.find("greet").starter.read_text()


def test_file_problem_names_what_is_there(tmp_path):
    assert filesafe.file_problem(tmp_path / "none.py").startswith("there is no file")
    os.mkfifo(tmp_path / "fifo.py")
    assert "named pipe" in filesafe.file_problem(tmp_path / "fifo.py")
    (tmp_path / "loop.py").symlink_to("loop.py")
    assert "loops" in filesafe.file_problem(tmp_path / "loop.py")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    assert "does not exist" in filesafe.file_problem(tmp_path / "dangling.py")
    (tmp_path / "dir.py").mkdir()
    assert "a folder" in filesafe.file_problem(tmp_path / "dir.py")
    (tmp_path / "ok.py").write_text("x = 1")
    (tmp_path / "link.py").symlink_to("ok.py")
    assert filesafe.file_problem(tmp_path / "ok.py") == "" == filesafe.file_problem(tmp_path / "link.py")


def test_reset_moves_what_is_not_a_file_into_the_backups(tmp_path, mini_pack):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    exercise = mini_pack.find("add")
    target = found.root / "01_add.py"
    target.unlink()
    os.mkfifo(target)
    backup = workspace.reset(found, exercise)
    assert target.read_text() == exercise.starter.read_text()
    assert backup.parent == found.backups and os.path.lexists(backup) and not backup.is_file()


def test_two_resets_in_a_row_keep_both_backups(tmp_path, mini_pack, monkeypatch):
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    exercise = mini_pack.find("add")

    class Frozen(workspace.datetime):
        @classmethod
        def now(cls, tz=None):
            return workspace.datetime(2026, 1, 1)

    monkeypatch.setattr(workspace, "datetime", Frozen)
    (found.root / "01_add.py").write_text("first")
    one = workspace.reset(found, exercise)
    (found.root / "01_add.py").write_text("second")
    two = workspace.reset(found, exercise)
    assert one != two and (one.read_text(), two.read_text()) == ("first", "second")
