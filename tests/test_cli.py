"""The CLI as a script or CI job uses it: a subprocess, no terminal, exit codes and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import MINI

from torch_dojo.pack import load_builtin_pack

SOLVED = "def add(a, b):\n    return a + b\n"


def mini(dojo):
    """The CLI on the mini pack."""
    return lambda *args, **kw: dojo("--pack", str(MINI), *args, **kw)


def test_first_run_creates_the_workspace_and_says_what_to_do(dojo, tmp_path):
    run = mini(dojo)()
    assert run.returncode == 0, run.stderr
    assert f"Created your workspace at {tmp_path / 'torch-dojo'}" in run.stdout
    assert "torch-dojo check 01" in run.stdout
    assert (tmp_path / "torch-dojo" / "01_add.py").is_file()
    again = mini(dojo)()
    assert "Your workspace is" in again.stdout


def test_start_says_which_files_moved_when_the_pack_renumbered(dojo, tmp_path):
    mini(dojo)()
    (tmp_path / "torch-dojo" / "01_add.py").rename(tmp_path / "torch-dojo" / "05_add.py")  # an older numbering
    run = mini(dojo)()
    assert run.returncode == 0, run.stderr
    assert "05_add.py -> 01_add.py" in run.stdout
    assert not (tmp_path / "torch-dojo" / "05_add.py").exists()


def test_check_exit_codes_follow_the_verdict(dojo, tmp_path):
    cli = mini(dojo)
    cli()
    failing = cli("check", "01")
    assert failing.returncode == 1
    assert "not written yet" in failing.stdout
    assert "hint:" not in failing.stdout and "hint 01" in failing.stdout  # no hint, but the ladder
    (tmp_path / "torch-dojo" / "01_add.py").write_text(SOLVED)
    passing = cli("check", "add", cwd=tmp_path / "torch-dojo")
    assert passing.returncode == 0, passing.stdout
    assert "PASSED" in passing.stdout and "torch-dojo check 02" in passing.stdout
    assert cli("list", "--json").stdout.count('"passed"') == 1


def test_check_json_is_one_versioned_document(dojo, tmp_path):
    cli = mini(dojo)
    cli()
    run = cli("check", "01", "--json")
    doc = json.loads(run.stdout)
    assert doc["schema"] == "torch-dojo/verdict@1"
    assert doc["exercise"] == {"id": "01", "slug": "add", "title": "Add two numbers"}
    assert doc["status"] == "failed" and doc["passed"] is False
    assert {"name", "status", "message", "hint", "duration"} <= set(doc["checks"][0])
    assert run.returncode == 1


def test_check_file_works_outside_a_workspace_and_keeps_no_progress(dojo, tmp_path):
    solved = tmp_path / "elsewhere.py"
    solved.write_text(SOLVED)
    run = mini(dojo)("check", "01", "--file", str(solved))
    assert run.returncode == 0
    assert not (tmp_path / "torch-dojo").exists()


def test_usage_errors_exit_2_with_a_message(dojo, tmp_path):
    cli = mini(dojo)
    no_workspace = cli("check", "01")
    assert no_workspace.returncode == 2 and "no workspace" in no_workspace.stderr
    cli()
    unknown = cli("check", "99")
    assert unknown.returncode == 2 and "No exercise '99'" in unknown.stderr
    missing = cli("check", "01", "--file", str(tmp_path / "nope.py"))
    assert missing.returncode == 2 and "no file at" in missing.stderr
    assert cli("check").returncode == 2
    assert cli("check", "01", "--timeout", "soon").returncode == 2
    bad_pack = dojo("--pack", str(tmp_path), "list")
    assert bad_pack.returncode == 2 and "pack.toml" in bad_pack.stderr
    for run in (no_workspace, unknown, missing, bad_pack):
        assert "Traceback" not in run.stderr


def test_check_all_reports_every_exercise(dojo, tmp_path):
    cli = mini(dojo)
    cli()
    (tmp_path / "torch-dojo" / "01_add.py").write_text(SOLVED)
    run = cli("check", "--all", "--json")
    doc = json.loads(run.stdout)
    assert doc["summary"]["passed"] == 1 and doc["summary"]["total"] == 2
    assert [v["status"] for v in doc["verdicts"]] == ["passed", "failed"]
    assert run.returncode == 1


def test_hints_come_one_at_a_time_and_are_remembered(dojo):
    cli = mini(dojo)
    cli()
    first = cli("hint", "01")
    assert "> Hint 1 of 2: Python has an operator" in first.stdout
    second = cli("hint", "01")
    assert "> Hint 2 of 2" in second.stdout and "last hint" in second.stdout
    assert json.loads(cli("list", "--json").stdout)["exercises"][0]["hints_shown"] == 2


def test_solution_opens_after_a_pass_or_with_force(dojo, tmp_path):
    cli = mini(dojo)
    cli()
    refused = cli("solution", "01")
    assert refused.returncode == 1 and "opens once your file passes" in refused.stderr
    assert "return a + b" in cli("solution", "01", "--force").stdout
    (tmp_path / "torch-dojo" / "01_add.py").write_text(SOLVED)
    cli("check", "01")
    assert "return a + b" in cli("solution", "01").stdout


def test_reset_restores_the_starter_and_shows_the_backup(dojo, tmp_path):
    cli = mini(dojo)
    cli()
    mine = tmp_path / "torch-dojo" / "01_add.py"
    mine.write_text("my work")
    run = cli("reset", "01")
    assert run.returncode == 0
    backup = Path(run.stdout.split("saved at ")[1].strip())
    assert backup.read_text() == "my work"
    assert "NotImplementedError" in mine.read_text()


def test_workspace_option_and_environment_variable(dojo, tmp_path):
    cli = mini(dojo)
    cli("--workspace", str(tmp_path / "ws"))
    assert (tmp_path / "ws" / "01_add.py").is_file()
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    run = cli("list", "--json", cwd=elsewhere, env={"TORCH_DOJO_WORKSPACE": str(tmp_path / "ws")})
    assert json.loads(run.stdout)["workspace"] == str(tmp_path / "ws")


def test_a_broken_progress_file_warns_and_goes_on(dojo, tmp_path):
    cli = mini(dojo)
    cli()
    (tmp_path / "torch-dojo" / ".dojo" / "progress.json").write_text("{not json")
    run = cli("list")
    assert run.returncode == 0 and "could not be read" in run.stderr


def test_pack_verify_on_a_good_and_a_bad_pack(dojo, tmp_path):
    good = dojo("pack", "verify", str(MINI), "--json")
    assert good.returncode == 0, good.stdout
    assert json.loads(good.stdout)["ok"] is True
    import shutil
    bad = tmp_path / "bad"
    shutil.copytree(MINI, bad)
    (bad / "exercises" / "01_add.py").write_text(SOLVED)
    run = dojo("pack", "verify", str(bad))
    assert run.returncode == 1
    assert "exercises/01_add.py: exercise 01 (add): the starter already passes its checks" in run.stdout


def test_doctor_reports_torch_and_cuda(dojo):
    run = dojo("doctor", "--json")
    doc = json.loads(run.stdout)
    assert doc["schema"] == "torch-dojo/doctor@1"
    assert doc["torch"].startswith("2.")
    assert isinstance(doc["cuda_available"], bool) and doc["torchrun"] is True
    text = dojo("doctor")
    assert "torch" in text.stdout and "torchvision" in text.stdout and text.returncode == 0


def test_the_builtin_reference_passes_through_the_cli(dojo):
    exercise = load_builtin_pack().find("tensor_dtypes")
    run = dojo("check", "tensor_dtypes", "--file", str(exercise.solution))
    assert run.returncode == 0, run.stdout


def test_the_ddp_starter_fails_with_a_hint_through_the_cli(dojo):
    exercise = load_builtin_pack().find("ddp_script")
    run = dojo("check", exercise.id, "--file", str(exercise.starter), "--json")
    doc = json.loads(run.stdout)
    assert run.returncode == 1
    assert doc["status"] != "passed" and doc["hint"]


def test_pack_and_workspace_go_before_or_after_any_command(tmp_path):
    from torch_dojo.cli.parser import build_parser as _parser

    for argv in (["--pack", "p", "--workspace", "w", "list"], ["list", "--pack", "p", "--workspace", "w"],
                 ["--pack", "p", "check", "01", "--workspace", "w"], ["grade", "subs", "--pack", "p", "--workspace", "w"],
                 ["pack", "verify", "--pack", "p", "--workspace", "w"], ["hint", "01", "--pack", "p", "--workspace", "w"]):
        args = _parser().parse_args(argv)
        assert (args.pack, args.workspace) == ("p", Path("w")), argv
    unsaid = _parser().parse_args(["check", "01"])
    assert (unsaid.pack, unsaid.workspace) == (None, None)
    after_wins = _parser().parse_args(["--pack", "before", "list", "--pack", "after"])
    assert after_wins.pack == "after"
    assert _parser().parse_args(["check", "01", "-v"]).verbose and not unsaid.verbose


def test_pack_after_the_command_works_as_before_it(dojo, tmp_path):
    after = dojo("list", "--json", "--pack", str(MINI))
    assert after.returncode == 0, after.stderr
    assert [e["slug"] for e in json.loads(after.stdout)["exercises"]] == ["add", "greet"]


def test_a_file_that_ends_python_while_loading_is_told_so(dojo, tmp_path):
    quits = tmp_path / "quits.py"
    quits.write_text("import os\nos._exit(3)\ndef add(a, b):\n    return a + b\n")
    run = dojo("check", "01", "--file", str(quits), "--pack", str(MINI))
    assert run.returncode == 1
    assert "while it was being loaded" in run.stdout and "put it inside a function" in run.stdout
    assert "A function should return its result" not in run.stdout


def test_another_packs_exercise_outside_a_workspace_says_there_is_no_workspace(dojo, tmp_path):
    run = dojo("check", "week2/01")
    assert run.returncode == 2 and "no workspace in this folder or above it" in run.stderr
    assert "no pack 'week2'" not in run.stderr
    solved = tmp_path / "solved.py"
    solved.write_text(SOLVED)
    with_file = dojo("check", "week2/01", "--file", str(solved))
    assert with_file.returncode == 2 and "there is no workspace in this folder or above it" in with_file.stderr
    assert "Run the command inside your workspace" in with_file.stderr


BLAME = Path(__file__).parent / "packs" / "blame"
WRONG_SCALE = "def scale(xs, k):\n    return xs\n\ndef total(xs):\n    return sum(xs)\n"


def test_a_checks_own_bug_says_not_your_fault_in_text_and_json(dojo, tmp_path):
    cli = lambda *args: dojo("--pack", str(BLAME), *args)  # noqa: E731
    cli()
    (tmp_path / "torch-dojo" / "01_scale.py").write_text(WRONG_SCALE)
    text = cli("check", "01")
    assert text.returncode == 1
    assert "The check itself failed, not your code: checks/01_scale.py, line 21" in text.stdout
    assert "Not your fault: this check has a bug of its own" in text.stdout
    assert "Traceback" not in text.stdout + text.stderr
    checks = {c["name"]: c for c in json.loads(cli("check", "01", "--json").stdout)["checks"]}
    assert checks["the check's own code works"]["blame"] == "check"
    assert checks["the check's own code works"]["status"] == "error"
    assert checks["scale multiplies every number by k"]["blame"] == "learner"
    assert checks["total adds the numbers"]["blame"] == ""


def test_a_check_that_fails_again_shows_its_second_hint_then_the_nudge_after_a_pass(dojo, tmp_path):
    cli = lambda *args: dojo("--pack", str(BLAME), *args)  # noqa: E731
    cli()
    mine = tmp_path / "torch-dojo" / "01_scale.py"
    mine.write_text(WRONG_SCALE)
    first = cli("check", "01")
    assert "hint: Each number is multiplied by k." in first.stdout
    assert "return [x * k for x in xs]" not in first.stdout
    second = cli("check", "01")
    assert "hint (second time): return [x * k for x in xs]" in second.stdout
    assert "Each number is multiplied by k." not in second.stdout
    third = json.loads(cli("check", "01", "--json").stdout)
    scales = third["checks"][0]
    assert scales["hint"] == scales["then"] == "return [x * k for x in xs]"
    assert third["hint"] == "return [x * k for x in xs]"
    mine.write_text(WRONG_SCALE.replace("return xs", "return [x * k for x in xs]"))
    fixed = json.loads(cli("check", "01", "--json").stdout)
    assert fixed["checks"][0]["status"] == "passed"  # (the check's own bug still fails the exercise)
    mine.write_text(WRONG_SCALE)
    again = cli("check", "01")
    assert "hint: Each number is multiplied by k." in again.stdout  # a nudge first, after a pass
    outside = dojo("--pack", str(BLAME), "check", "01", "--file", str(mine))
    assert "hint (second time)" not in outside.stdout  # --file keeps no progress: no second hints


def test_check_all_shows_what_did_not_pass_then_ends_with_one_row_each(dojo, tmp_path):
    cli = mini(dojo)
    cli()
    (tmp_path / "torch-dojo" / "01_add.py").write_text(SOLVED)
    run = cli("check", "--all")
    assert run.returncode == 1, run.stderr
    assert "✗ 02 greet: FAILED" in run.stdout and "`greet` is not written yet" in run.stdout
    assert "add gives the sum of two ints" not in run.stdout  # a pass is one row, no details
    table = run.stdout.rstrip().splitlines()[-5:]
    assert table[0].split() == ["id", "exercise", "status", "checks", "time"]
    assert table[1].split()[:6] == ["✓", "01", "add", "passed", "2", "of"]
    assert table[2].split()[:6] == ["✗", "02", "greet", "failed", "2", "of"]
    assert table[2].endswith(" s") and len({line.index(" s") for line in table[1:3]}) == 1  # columns line up
    assert table[4].startswith("1 of 2 exercises passed")
    assert "\033[" not in run.stdout  # piped: no colour


def test_commands_that_need_an_exercise_say_how_to_name_one(dojo, tmp_path):
    cli = mini(dojo)
    cli()
    (tmp_path / "torch-dojo" / "01_add.py").write_text(SOLVED)
    cli("check", "01")
    for command, example in (("hint", "`torch-dojo hint 02` (02: the first you have not passed)"),
                             ("check", "`torch-dojo check 02` (02: the first you have not passed)"),
                             ("solution", "`torch-dojo solution 01`"), ("reset", "`torch-dojo reset 01`")):
        run = cli(command)
        assert run.returncode == 2, (command, run.stderr)
        assert f"torch-dojo: say which exercise, by its id or slug: {example}" in run.stderr
        assert "usage:" not in run.stderr and "Traceback" not in run.stderr


def test_after_a_pass_the_next_step_skips_exercises_passed_already(dojo, tmp_path):
    cli = mini(dojo)
    cli()
    (tmp_path / "torch-dojo" / "02_greet.py").write_text('def greet(name):\n    return f"Hello, {name}!"\n')
    assert cli("check", "02").returncode == 0
    (tmp_path / "torch-dojo" / "01_add.py").write_text(SOLVED)
    run = cli("check", "01")
    assert run.returncode == 0
    assert "check 02" not in run.stdout and "every exercise has passed" in run.stdout
