"""`torch-dojo review` and `torch-dojo progress export/import`, run as a learner's shell runs
them (a subprocess, no terminal), on the torch-free mini pack; "tomorrow" is told through
$TORCH_DOJO_NOW."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import MINI, copy_of_mini

from torch_dojo import progress, workspace

SOLVED = "def add(a, b):\n    return a + b\n"
WRONG = "def add(a, b):\n    return a - b\n"
TODAY = date(2026, 12, 1)


def on(day: int) -> dict:
    """The environment of a command run ``day`` days after TODAY."""
    return {"TORCH_DOJO_NOW": (TODAY + timedelta(days=day)).isoformat() + "T10:00"}


def iso(day: int) -> str:
    return (TODAY + timedelta(days=day)).isoformat()


@pytest.fixture
def cli(dojo):
    """The CLI on the mini pack, on TODAY unless told another day (``env=on(n)``)."""
    def run(*args, env=None, **kw):
        return dojo("--pack", str(MINI), *args, env=env or on(0), **kw)
    return run


@pytest.fixture
def ws(tmp_path, mini_pack, monkeypatch) -> Path:
    """A workspace whose 01 passed on TODAY, after one failed check and one hint (made here,
    not by the CLI: the first test shows the CLI records the same)."""
    found = workspace.create(tmp_path / "torch-dojo", mini_pack, path=str(MINI))
    monkeypatch.setenv("TORCH_DOJO_NOW", on(0)["TORCH_DOJO_NOW"])
    progress.record_verdict(found.progress_file, "add", "failed", ["adds"])
    progress.reveal_hint(found.progress_file, "add", 2)
    progress.record_verdict(found.progress_file, "add", "passed")
    monkeypatch.delenv("TORCH_DOJO_NOW")
    found.file_for(mini_pack.exercises[0]).write_text(SOLVED)
    return found.root


def listed(cli, **kw) -> dict:
    return {e["slug"]: e for e in json.loads(cli("list", "--json", **kw).stdout)["exercises"]}


def reviews(cli, day: int) -> dict:
    run = cli("review", "--json", env=on(day))
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["schema"] == "torch-dojo/review@1" and doc["today"] == iso(day)
    return doc


def hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.py"))}


# The record ---------------------------------------------------------------------------------

def test_checks_from_the_cli_are_counted_and_list_json_says_when_it_first_passed(cli, tmp_path):
    cli()
    cli("check", "01")
    cli("hint", "01")
    (tmp_path / "torch-dojo" / "01_add.py").write_text(SOLVED)
    assert cli("check", "01", env=on(1)).returncode == 0
    add, greet = listed(cli).values()
    assert (add["attempts"], add["first_passed_at"], add["attempts_to_pass"], add["hints_before_pass"]) == (
        2, f"{iso(1)}T10:00:00", 2, 1)
    assert add["review_due"] == iso(2) and add["seconds_to_pass"] == 24 * 3600  # from the first check to the pass
    assert (greet["attempts"], greet["first_passed_at"], greet["review_due"]) == (0, None, None)


# Review ---------------------------------------------------------------------------------------

def test_a_pass_comes_due_tomorrow_and_a_passed_review_moves_it_to_three_days(cli, ws):
    today = reviews(cli, 0)
    assert today["due"] == [] and [(r["slug"], r["due"]) for r in today["upcoming"]] == [("add", iso(1))]
    tomorrow = reviews(cli, 1)
    assert [(r["slug"], r["address"], r["due"]) for r in tomorrow["due"]] == [("add", "01", iso(1))]
    assert "Due for review (1)" in cli("review", env=on(1)).stdout
    solved_before = (ws / "01_add.py").read_bytes()
    start = cli("review", "01", env=on(1))
    copy = ws / ".dojo" / "review" / "01_add.py"
    assert start.returncode == 0 and str(copy) in start.stdout and "It is due today" in start.stdout
    assert copy.read_bytes() == (MINI / "exercises" / "01_add.py").read_bytes()
    untouched = cli("review", "01", env=on(1))
    assert untouched.returncode == 1 and "still the starter" in untouched.stdout
    copy.write_text(SOLVED)
    passed = cli("review", "01", env=on(1))
    assert passed.returncode == 0, passed.stdout
    assert f"Review passed: 01 add comes back in 3 days ({iso(4)})" in passed.stdout
    assert (ws / "01_add.py").read_bytes() == solved_before and not copy.exists()  # put away in the backups
    assert list((ws / ".dojo" / "backups" / "review").glob("01_add.*.py"))
    later = reviews(cli, 1)
    assert later["due"] == [] and [r["due"] for r in later["upcoming"]] == [iso(4)]
    assert listed(cli, env=on(1))["add"]["attempts"] == 2  # a review is not a check of the learner's file


def test_a_failed_review_brings_it_back_to_one_day(cli, ws):
    cli("review", "01", env=on(1))
    (ws / ".dojo" / "review" / "01_add.py").write_text(SOLVED)
    cli("review", "01", env=on(1))  # passed: next in 3 days, on day 4
    cli("review", "01", env=on(4))
    (ws / ".dojo" / "review" / "01_add.py").write_text(WRONG)
    failed = cli("review", "01", env=on(4))
    assert failed.returncode == 1 and "Review not passed" in failed.stdout
    assert f"comes back tomorrow ({iso(5)})" in failed.stdout and "Your copy stays at" in failed.stdout
    assert [r["due"] for r in reviews(cli, 4)["upcoming"]] == [iso(5)]
    assert (ws / "01_add.py").read_text() == SOLVED


def test_review_refuses_what_cannot_be_reviewed(cli, ws, dojo, tmp_path):
    not_passed = cli("review", "02")
    assert not_passed.returncode == 2 and "once you passed it" in not_passed.stderr
    with_json = cli("review", "01", "--json")
    assert with_json.returncode == 2 and "`review --json` lists" in with_json.stderr
    (tmp_path / "elsewhere").mkdir()
    nowhere = cli("review", cwd=tmp_path / "elsewhere", env={**on(0), "TORCH_DOJO_WORKSPACE": str(tmp_path / "none")})
    assert nowhere.returncode == 2 and "no workspace" in nowhere.stderr
    for run in (not_passed, with_json, nowhere):
        assert "Traceback" not in run.stderr


# Export and import ----------------------------------------------------------------------------

def test_export_then_import_on_a_fresh_workspace_shows_the_same_progress_twice_imported_still(cli, ws, tmp_path,
                                                                                             tmp_path_factory):
    carried = tmp_path / "carried.json"
    out = cli("progress", "export", str(carried))
    assert out.returncode == 0 and "Exported the progress of 1 exercise" in out.stdout
    desk = tmp_path_factory.mktemp("desk")  # not below the first workspace: it would be found
    cli(cwd=desk)
    before = hashes(desk / "torch-dojo")
    first = cli("progress", "import", str(carried), cwd=desk)
    assert first.returncode == 0 and "1 newly passed" in first.stdout and "not touched" in first.stdout
    here, there = listed(cli), listed(cli, cwd=desk)
    record = ("status", "attempts", "first_passed_at", "hints_shown", "hints_before_pass", "review_due")
    assert [[e[k] for k in record] for e in here.values()] == [[e[k] for k in record] for e in there.values()]
    again = cli("progress", "import", str(carried), cwd=desk)
    assert again.returncode == 0 and "Nothing new" in again.stdout
    assert listed(cli, cwd=desk) == there
    assert hashes(desk / "torch-dojo") == before  # the exercise files are never touched


def test_import_refuses_another_pack_a_newer_schema_and_garbage_and_changes_nothing(cli, ws, dojo, tmp_path):
    carried = tmp_path / "carried.json"
    cli("progress", "export", str(carried))
    data = json.loads(carried.read_text())
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**data, "pack": "mlcourse"}))
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**data, "schema": "torch-dojo/progress-export@9"}))
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\x01 not json")
    before, progress_before = hashes(ws), (ws / ".dojo" / "progress.json").read_bytes()
    for source, says in ((other, 'the pack "mlcourse"'), (newer, "newer torch-dojo"),
                         (garbage, "not a torch-dojo progress export"), (tmp_path / "none.json", "no file at")):
        run = cli("progress", "import", str(source))
        assert run.returncode == 2 and says in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert hashes(ws) == before and (ws / ".dojo" / "progress.json").read_bytes() == progress_before
    over = cli("progress", "export", str(ws / "01_add.py"))
    assert over.returncode == 2 and "is not a torch-dojo progress export" in over.stderr
    assert hashes(ws) == before


def test_another_packs_export_is_refused_by_name(dojo, tmp_path):
    """A workspace of another pack (same slugs, other exercises) is not merged into."""
    other = copy_of_mini(tmp_path / "other", "other")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    dojo("--pack", str(MINI), cwd=tmp_path / "a")
    dojo("--pack", str(other), cwd=tmp_path / "b")
    dojo("progress", "export", str(tmp_path / "mini.json"), cwd=tmp_path / "a")
    refused = dojo("progress", "import", str(tmp_path / "mini.json"), cwd=tmp_path / "b")
    assert refused.returncode == 2 and '"mini", and this workspace\'s is "other"' in refused.stderr
