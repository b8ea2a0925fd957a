"""Which editor opens the learner's file, and what is said when none can."""

from __future__ import annotations

from pathlib import Path

import pytest

from torch_dojo.tui.editor import EditorError, command

FILE = Path("/ws/01_add.py")


def test_visual_comes_before_editor_and_is_split_like_a_shell(monkeypatch):
    monkeypatch.setenv("VISUAL", "true --wait 'two words'")
    monkeypatch.setenv("EDITOR", "false")
    assert command(FILE) == ["true", "--wait", "two words", str(FILE)]


def test_editor_is_used_without_visual(monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "true")
    assert command(FILE) == ["true", str(FILE)]


def test_no_editor_says_how_to_set_one_and_where_the_file_is(monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    with pytest.raises(EditorError, match=r"Set \$EDITOR.*01_add.py"):
        command(FILE)


def test_an_editor_that_is_not_installed_is_named(monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-here -w")
    with pytest.raises(EditorError, match="'no-such-editor-here', which is not on your PATH"):
        command(FILE)
