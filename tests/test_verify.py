"""`pack verify`: what it finds in a pack, and that every finding names file, exercise and check."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

from conftest import MINI, TESTS

import pytest

from torch_dojo import checkscan, mistakes, runner
from torch_dojo.checkscan import scan
from torch_dojo.mistakes import Expectation, GrammarError
from torch_dojo.pack import Exercise, load_pack
from torch_dojo.verdict import CheckResult, Status, Verdict
from torch_dojo.verify import verify_exercise, verify_pack

SCORED = TESTS / "packs" / "scored"


def scanned(source: str, requires: set[str] | None = None):
    return scan(textwrap.dedent(source), frozenset(requires or ()))


def undeclared(source: str, requires: set[str] | None = None) -> list[tuple[str, str, bool]]:
    return [(t.check, t.need, t.certain) for t in scanned(source, requires).undeclared]


# Reading check files ----------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "torch.zeros(2).cuda()",
    "torch.zeros(2, device='cuda')",
    "learner.model().to('cuda:0')",
    "x.to(torch.device('cuda'))",
    "torch.cuda.synchronize()",
])
def test_a_check_that_uses_cuda_unmarked_is_found(body):
    source = f"import torch\n\ndef test_gpu(learner):\n    {body}\n"
    assert undeclared(source) == [("gpu", "cuda", True)]


def test_a_helper_or_fixture_the_check_reaches_counts_for_it():
    found = scanned('''
        import pytest, torch

        def _on_gpu(t):
            return t.cuda()

        def _twice(t):
            return _on_gpu(t) * 2

        @pytest.fixture
        def gpu_tensor():
            return torch.ones(2, device="cuda")

        def test_helper(learner):
            """doubles on the GPU"""
            _twice(torch.ones(1))

        def test_fixture(learner, gpu_tensor):
            pass
    ''')
    assert [(t.check, t.via) for t in found.undeclared] == [("doubles on the GPU", "_on_gpu"),
                                                             ("fixture", "gpu_tensor")]


@pytest.mark.parametrize("source", [
    # marked, on the check or for the whole file
    '@requires("cuda")\ndef test_gpu(learner):\n    torch.zeros(1).cuda()\n',
    '@pytest.mark.requires("cuda")\ndef test_gpu(learner):\n    torch.zeros(1).cuda()\n',
    'pytestmark = requires("cuda")\n\ndef test_gpu(learner):\n    torch.zeros(1).cuda()\n',
    '@pytest.mark.skipif(not torch.cuda.is_available(), reason="no GPU")\ndef test_gpu(learner):\n'
    '    torch.zeros(1).cuda()\n',
    # guarded, or only naming a device
    'def test_either(learner):\n    if torch.cuda.is_available():\n        torch.zeros(1).cuda()\n',
    'def test_device(learner):\n    assert torch.device("cuda").type == "cuda", "a message about \'cuda\'"\n',
    'def test_ask(learner):\n    torch.cuda.is_available(); torch.cuda.manual_seed(0)\n',
    # torchvision that may be missing
    'def test_optional(learner):\n    try:\n        import torchvision\n    except Exception:\n        pass\n',
    'def test_skips(learner):\n    tv = pytest.importorskip("torchvision")\n',
    'try:\n    import torchvision\nexcept ImportError:\n    torchvision = None\n\ndef test_x(learner):\n    pass\n',
    # a stand-in class at the top of the file is not run by being defined
    'class Fake:\n    def cuda(self):\n        return super().cuda()\n\ndef test_x(learner):\n    pass\n',
    '@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=requires("cuda"))])\n'
    'def test_x(learner, device):\n    torch.zeros(1, device=device)\n',
])
def test_declared_guarded_or_harmless_uses_are_not_reported(source):
    assert undeclared("import pytest, torch\nfrom torch_dojo.testing import requires\n\n" + source) == []


def test_the_exercise_requires_covers_every_check():
    assert undeclared("def test_gpu(learner):\n    learner.x.cuda()\n", {"cuda"}) == []


def test_torchvision_at_the_top_of_the_file_is_found_for_the_whole_file():
    found = scanned("import torchvision\n\ndef test_x(learner):\n    pass\n")
    assert [(t.check, t.need, t.line) for t in found.undeclared] == [("", "torchvision", 1)]
    assert undeclared("import torchvision\n\ndef test_x(learner):\n    pass\n", {"torchvision"}) == []


def test_a_cuda_case_of_a_parametrized_check_is_found():
    source = '@pytest.mark.parametrize("device", ["cpu", "cuda"])\ndef test_x(learner, device):\n    pass\n'
    assert undeclared("import pytest\n" + source) == [("x", "cuda", True)]


def test_a_cuda_device_handed_to_the_learner_is_only_maybe_a_use():
    source = "def test_x(learner):\n    learner.train_on(model, 'cuda')\n"
    assert undeclared(source) == [("x", "cuda", False)]


def test_points_markers_are_read_and_bad_ones_found():
    found = scanned('''
        import pytest
        from torch_dojo.testing import points

        @points(2)
        def test_a(learner):
            pass

        @pytest.mark.points(0)
        def test_b(learner):
            pass

        @points("3")
        def test_c(learner):
            pass
    ''')
    assert found.carries_points
    assert [(b.check, b.text) for b in found.bad_points] == [("b", "pytest.mark.points(0)"), ("c", "points('3')")]
    assert not scanned("def test_a(learner):\n    pass\n").carries_points


# Verifying exercises -----------------------------------------------------------------------

def make_pack(tmp_path: Path, checks: str, *, solution: str = "def f(x):\n    return x\n",
              starter: str = "def f(x):\n    raise NotImplementedError\n", extra: str = "") -> Exercise:
    root = tmp_path / "pack"
    for folder, text in (("exercises", starter), ("checks", textwrap.dedent(checks)), ("solutions", solution)):
        (root / folder).mkdir(parents=True)
        (root / folder / "01_f.py").write_text(text, encoding="utf-8")
    (root / "pack.toml").write_text(textwrap.dedent('''
        [pack]
        name = "t"

        [[exercise]]
        id = "01"
        slug = "f"
        title = "F"
        chapter = "C"
        file = "01_f.py"
        task = "Write f."
        hints = ["one", "two"]
        time_limit = 30
    ''') + extra, encoding="utf-8")
    return load_pack(root).exercises[0]


def fake(starter: Verdict, solution: Verdict):
    """A runner that answers these verdicts: the starter's, then the solution's."""
    def check(exercise, file, **_):
        return starter if file == exercise.starter else solution
    return check


def verdict(status: Status, *checks: CheckResult, duration: float = 0.1, data: dict | None = None) -> Verdict:
    return Verdict("01", "f", "F", status, checks=checks, duration=duration, data=data or {})


PASSED = verdict(Status.PASSED, CheckResult("f", Status.PASSED))
FAILED = verdict(Status.FAILED, CheckResult("f", Status.FAILED, "f(1) should be 1"))


def test_a_sound_exercise_has_no_findings(tmp_path):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    assert learner.f(1) == 1, 'f(1) should be 1'\n")
    found = verify_exercise(exercise, fake(FAILED, PASSED))
    assert found.ok and not found.notes


def test_a_check_failing_on_the_starter_without_a_message_is_named(tmp_path):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    pass\n")
    found = verify_exercise(exercise, fake(verdict(Status.FAILED, CheckResult("f is identity", Status.FAILED)), PASSED))
    assert [str(p) for p in found.problems] == [
        "checks/01_f.py: exercise 01 (f) check 'f is identity': fails on the starter without a message: "
        "say what was expected (fail(\"...\"), or assert ..., \"...\")."]


def test_a_passing_or_slow_starter_and_a_slow_solution_are_problems(tmp_path):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    pass\n")
    found = verify_exercise(exercise, fake(PASSED, verdict(Status.PASSED, duration=16.0)))
    said = [str(p) for p in found.problems]
    assert said[0].startswith("exercises/01_f.py: exercise 01 (f): the starter already passes")
    assert said[1].startswith("pack.toml: exercise 01 (f) field 'time_limit': the solution's checks took 16.0 s of "
                              "the 30 s limit")
    stuck = verify_exercise(exercise, fake(verdict(Status.TIMEOUT), PASSED))
    assert "the starter runs into the time limit (30 s)" in str(stuck.problems[0])


def test_a_solution_skipped_here_is_a_note_not_a_problem(tmp_path):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    pass\n")
    skipped = Verdict("01", "f", "F", Status.SKIPPED, "Every check needs CUDA")
    found = verify_exercise(exercise, fake(FAILED, skipped))
    assert found.ok and "not verified on this machine: Every check needs CUDA" in str(found.notes[0])


def test_an_unmarked_cuda_check_is_a_problem_naming_file_line_exercise_and_check(tmp_path):
    exercise = make_pack(tmp_path, '''
        import torch

        def test_f(learner):
            """f keeps a GPU tensor"""
            x = torch.ones(2).cuda()
            assert learner.f(x) is x, "f(x) should be x"
    ''')
    found = verify_exercise(exercise, fake(FAILED, PASSED))
    assert [str(p) for p in found.problems] == [
        "checks/01_f.py:6: exercise 01 (f) check 'f keeps a GPU tensor': uses CUDA (`.cuda()`, line 6) but is "
        'not marked @requires("cuda"): without CUDA it fails instead of being skipped with the reason.']


def test_a_maybe_use_is_a_note_until_the_run_shows_cuda_started(tmp_path):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    assert learner.f('cuda') == 'cuda', 'f'\n")
    maybe = verify_exercise(exercise, fake(FAILED, PASSED))
    assert maybe.ok and "may use CUDA (the device 'cuda' given to `learner.f(...)`" in str(maybe.notes[0])
    seen = verdict(Status.PASSED, CheckResult("f", Status.PASSED), data={runner.TOUCHED_CUDA: ["f"]})
    found = verify_exercise(exercise, fake(FAILED, seen))
    assert not found.notes and len(found.problems) == 1
    assert "check 'f': uses CUDA" in str(found.problems[0])


def test_points_on_checks_and_on_the_exercise_conflict(tmp_path):
    exercise = make_pack(tmp_path, "from torch_dojo.testing import points\n\n@points(2)\ndef test_f(learner):\n"
                                   "    assert learner.f(1) == 1, 'f(1)'\n", extra="points = 3\n")
    found = verify_exercise(exercise, fake(FAILED, PASSED))
    assert [str(p) for p in found.problems] == [
        "pack.toml: exercise 01 (f) field 'points': points = 3 is ignored: the checks carry @points, so the "
        "exercise is worth the sum of theirs. Remove one or the other."]


@pytest.mark.slow
def test_a_check_that_starts_cuda_where_reading_cannot_see_it_is_caught_running(tmp_path):
    exercise = make_pack(tmp_path, '''
        import torch

        def test_f(learner):
            """f moves nothing"""
            device = "cu" + "da"  # built at run time: reading the file cannot tell
            if torch.cuda.device_count() >= 0:
                x = torch.ones(2, device=device)
            assert learner.f(1) == 1, "f(1) should be 1"
    ''')
    found = verify_exercise(exercise)
    assert any(str(p) == "checks/01_f.py: exercise 01 (f) check 'f moves nothing': started CUDA while it ran on "
               'the solution, but is not marked @requires("cuda"): without a GPU it fails instead of being skipped.'
               for p in found.problems), [str(p) for p in found.problems]


# Through the CLI ---------------------------------------------------------------------------

def test_verify_json_lists_findings_with_their_parts(dojo, tmp_path):
    pack = tmp_path / "scored"
    shutil.copytree(SCORED, pack)
    manifest = pack / "pack.toml"
    manifest.write_text(manifest.read_text().replace('slug = "area"', 'slug = "area"\npoints = 2'))
    run = dojo("pack", "verify", str(pack), "--json")
    doc = json.loads(run.stdout)
    assert run.returncode == 1 and doc["schema"] == "torch-dojo/verify@1" and doc["ok"] is False
    area = doc["exercises"][0]
    assert area["findings"] == [{"level": "problem", "file": "pack.toml", "exercise": "01 (area)",
                                 "where": "field 'points'", "message": area["findings"][0]["message"]}]
    assert area["problems"] == [f"pack.toml: exercise 01 (area) field 'points': {area['findings'][0]['message']}"]


def test_verify_json_of_a_broken_manifest_is_still_one_document(dojo, tmp_path):
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    manifest = pack / "pack.toml"
    manifest.write_text(manifest.read_text().replace('hints = ["Python has an operator for that.", "`return a + b`"]',
                                                     'hints = ["only one"]'))
    run = dojo("pack", "verify", str(pack), "--json")
    doc = json.loads(run.stdout)
    assert run.returncode == 2 and doc["ok"] is False and doc["exercises"] == []
    assert doc["manifest"] == [{"file": str(manifest), "field": "exercise 1 (id 01, add).hints",
                                "message": "needs at least two hints (a nudge, then near the answer), found 1"}]


# Mistake files: the grammar, the judging, and pack verify running them ---------------------


def test_the_mistake_grammar_is_read_into_an_expectation():
    doc = '''Wrong on purpose: f adds one.

    Must fail: "f is identity" and "...on negatives…".
    Passes: "f keeps the dtype".
    Says: "adds one" and "off by
    one".
    Caught only with: cuda, torchvision.
    '''
    assert mistakes.parse(doc) == Expectation(False, ("f is identity", "...on negatives"), ("f keeps the dtype",),
                                              ("adds one", "off by one"), ("cuda", "torchvision"))
    assert mistakes.parse("Right, written another way: with a loop. Must pass every check.") == Expectation(True)
    assert mistakes.parse("Wrong on purpose: anything at all.") == Expectation(False)


@pytest.mark.parametrize("doc, said", [
    ("A file that says nothing of what it is.", 'must start "Wrong on purpose: …"'),
    ("", 'must start "Wrong on purpose: …"'),
    ("Right, written another way: with a loop.", 'says "Must pass every check."'),
])
def test_a_docstring_in_neither_form_is_refused_saying_which_forms_there_are(doc, said):
    with pytest.raises(GrammarError, match=re.escape(said)):
        mistakes.parse(doc)


def test_the_docstring_of_a_file_that_does_not_parse_is_still_read(tmp_path):
    path = tmp_path / "mistake_syntax.py"
    path.write_text('"""Wrong on purpose: a colon is missing.\n\nSays: "line 4".\n"""\n\ndef f(x)\n    return x\n')
    assert mistakes.read(path) == Expectation(False, says=("line 4",))


def checks_verdict(status: Status, *checks: CheckResult) -> Verdict:
    return verdict(status, *checks)


OK = CheckResult("f is identity", Status.PASSED)
CAUGHT = CheckResult("f is identity", Status.FAILED, "f(1) is 2, expected 1", "f returns its argument")
DTYPE = CheckResult("f keeps the dtype", Status.PASSED)


@pytest.mark.parametrize("expected, checks, problem", [
    (Expectation(False), (OK, DTYPE), "a declared mistake passes every check"),
    (Expectation(False, must_fail=("f keeps",)), (CAUGHT, DTYPE), "passes, but the file says it must fail"),
    (Expectation(False, must_fail=("f squares",)), (CAUGHT, DTYPE), "Must fail names no check 'f squares'; "
     "the checks are ['f is identity', 'f keeps the dtype']"),
    (Expectation(False, must_pass=("f keeps",)), (CAUGHT, CheckResult("f keeps the dtype", Status.FAILED, "int64")),
     "failed, but the file says it passes: int64"),
    (Expectation(False, says=("off by one",)), (CAUGHT, DTYPE), 'Says "off by one", but no message or hint'),
    (Expectation(False, must_fail=("f is",)), (CheckResult("f is identity", Status.FAILED, "f(1) is 2"), DTYPE),
     "catches the mistake without a hint"),
    (Expectation(True), (CAUGHT, DTYPE), "declared right, but the verdict is failed: f is identity: f(1) is 2, "
     "expected 1. A correct answer must never fail"),
    (Expectation(False, must_fail=("f is",)),
     (CheckResult("f is identity", Status.ERROR, "the check itself failed: KeyError: 'x' (checks/01_f.py, line 9)",
                  blame="check"), DTYPE),
     "the check itself crashed on this file, so it judged nothing: the check itself failed: KeyError: 'x' "
     "(checks/01_f.py, line 9)"),
])
def test_every_way_a_verdict_falls_short_of_its_mistake_file_is_said(expected, checks, problem):
    status = Status.PASSED if all(c.passed_or_skipped for c in checks) else Status.FAILED
    said = [f"{where}: {message}" for where, message in mistakes.judge(expected, checks_verdict(status, *checks))]
    assert any(problem in s for s in said), said


def test_a_verdict_that_meets_its_mistake_file_has_nothing_said():
    expected = Expectation(False, must_fail=("…identity",), must_pass=("f keeps",), says=("RETURNS ITS",))
    assert mistakes.judge(expected, checks_verdict(Status.FAILED, CAUGHT, DTYPE)) == []
    assert mistakes.judge(Expectation(True), checks_verdict(Status.PASSED, OK, DTYPE)) == []


def add_mistakes(exercise: Exercise, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = exercise.root / "mistakes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


RIGHT = '"""Right, written another way: f as a lambda. Must pass every check."""\nf = lambda x: x\n'
WRONG = '"""Wrong on purpose: f adds one.\n\nMust fail: "f is identity".\n"""\ndef f(x):\n    return x + 1\n'


def by_file(**verdicts: Verdict):
    """A runner that answers by the file's name (starter, solution, or a mistake file's stem)."""
    def check(exercise, file, **_):
        key = "starter" if file == exercise.starter else "solution" if file == exercise.solution else Path(file).stem
        return verdicts[key]
    return check


def test_pack_verify_runs_every_mistake_file_and_names_the_file_of_each_problem(tmp_path):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    assert learner.f(1) == 1, 'f(1) should be 1'\n")
    add_mistakes(exercise, {"01_f/ok_lambda.py": RIGHT, "01_f/mistake_plus_one.py": WRONG,
                            "01_f/mistake_unsaid.py": '"""Nothing said."""\n', "02_gone/mistake.py": WRONG})
    found = verify_pack(load_pack(exercise.root), check=by_file(
        starter=FAILED, solution=PASSED, ok_lambda=PASSED, mistake_plus_one=PASSED))
    assert not found.ok
    assert [str(p) for p in found.problems] == [
        "mistakes/02_gone/: names no exercise of the pack: a folder here is named as an exercise's file without "
        ".py (the exercises' are: 01_f)"]
    [one] = found.exercises
    assert [(m.file, m.expects, m.outcome) for m in one.mistakes] == [
        ("mistakes/01_f/mistake_plus_one.py", "mistake", "problem"),
        ("mistakes/01_f/mistake_unsaid.py", "", "problem"),
        ("mistakes/01_f/ok_lambda.py", "right", "proved")]
    said = [str(p) for p in one.problems]
    assert said[0] == ("mistakes/01_f/mistake_plus_one.py: exercise 01 (f): a declared mistake passes every check: "
                       "the checks do not catch it. Add a check that does, or fix the file if the mistake is not in it.")
    assert said[1].startswith('mistakes/01_f/mistake_unsaid.py: exercise 01 (f): the docstring must start '
                              '"Wrong on purpose: …"')
    assert found.mistake_counts() == {"run": 3, "proved": 1, "skipped": 0, "problem": 2}
    doc = found.to_json()
    assert doc["mistakes"] == found.mistake_counts() and doc["ok"] is False
    assert doc["exercises"][0]["mistakes"][2] == {"file": "mistakes/01_f/ok_lambda.py", "expects": "right",
                                                  "status": "passed", "outcome": "proved", "problems": [], "note": ""}


def test_a_mistake_caught_only_with_what_this_machine_lacks_is_a_note(tmp_path, monkeypatch):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    pass\n")
    [path] = add_mistakes(exercise, {"01_f/mistake_gpu.py": WRONG.replace('".\n', '".\nCaught only with: cuda.\n')})
    monkeypatch.setattr(mistakes, "missing", lambda need: f"needs {need}: not here" if need == "cuda" else "")
    outcome = mistakes.prove(exercise, path, by_file())  # by_file() answers nothing: it must not run
    assert (outcome.outcome, outcome.note) == ("skipped", "this mistake shows only with cuda: needs cuda: not here")
    found = verify_exercise(exercise, by_file(starter=FAILED, solution=PASSED), [path])
    assert found.ok and str(found.notes[-1]) == ("mistakes/01_f/mistake_gpu.py: exercise 01 (f): not run here: this "
                                                 "mistake shows only with cuda: needs cuda: not here")


def test_a_mistake_of_an_exercise_this_machine_cannot_run_is_a_note(tmp_path, monkeypatch):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    pass\n", extra='requires = ["torchvision"]\n')
    [path] = add_mistakes(exercise, {"01_f/ok.py": RIGHT})
    monkeypatch.setattr(mistakes, "missing", lambda need: "no torchvision here")
    assert mistakes.prove(exercise, path, by_file()).note == "exercise 01 needs torchvision: no torchvision here"


def test_a_mistake_whose_every_check_is_skipped_here_is_a_note(tmp_path):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    pass\n")
    [path] = add_mistakes(exercise, {"01_f/ok.py": RIGHT})
    skipped = Verdict("01", "f", "F", Status.SKIPPED, "Every check needs CUDA")
    outcome = mistakes.prove(exercise, path, by_file(ok=skipped))
    assert (outcome.outcome, outcome.note) == ("skipped", "every check was skipped here: Every check needs CUDA")


CRASH = CheckResult("f is identity", Status.ERROR, "the check itself failed: ZeroDivisionError: division by zero\n"
                    "  at checks/01_f.py, line 3", blame="check")


def test_a_check_that_crashes_on_the_starter_or_the_solution_is_the_packs_problem(tmp_path):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    1 / 0\n")
    found = verify_exercise(exercise, fake(verdict(Status.ERROR, CRASH), verdict(Status.ERROR, CRASH)))
    assert [str(p) for p in found.problems] == [
        f"checks/01_f.py: exercise 01 (f) check 'f is identity': the check itself crashed while {what} ran (a learner "
        "would be told it is not their fault): the check itself failed: ZeroDivisionError: division by zero / at "
        "checks/01_f.py, line 3. Fix the check." for what in ("the starter", "the solution")]


def test_a_check_that_crashes_on_a_mistake_file_is_the_packs_problem(tmp_path):
    exercise = make_pack(tmp_path, "def test_f(learner):\n    pass\n")
    [path] = add_mistakes(exercise, {"01_f/mistake_plus_one.py": WRONG})
    found = verify_exercise(exercise, by_file(starter=FAILED, solution=PASSED,
                                              mistake_plus_one=verdict(Status.ERROR, CRASH)), [path])
    assert [str(p) for p in found.problems] == [
        "mistakes/01_f/mistake_plus_one.py: exercise 01 (f) check 'f is identity': the check itself crashed on this "
        "file, so it judged nothing: the check itself failed: ZeroDivisionError: division by zero /   at "
        "checks/01_f.py, line 3. Fix the check."]


def test_verify_json_lists_each_mistake_file_with_its_outcome(dojo, tmp_path):
    exercise = make_pack(tmp_path, "from torch_dojo.testing import hint\n\n@hint('f gives back what it got')\n"
                                   "def test_f(learner):\n    '''f is identity'''\n"
                                   "    assert learner.f(1) == 1, 'f(1) should be 1'\n")
    add_mistakes(exercise, {"01_f/ok_lambda.py": RIGHT, "01_f/mistake_plus_one.py": WRONG,
                            "01_f/mistake_not_caught.py": WRONG.replace("x + 1", "x")})
    run = dojo("pack", "verify", str(exercise.root), "--json")
    doc = json.loads(run.stdout)
    assert run.returncode == 1, run.stdout + run.stderr
    assert len(doc["exercises"][0]["problems"]) == 1, doc["exercises"][0]["problems"]
    assert doc["mistakes"] == {"run": 3, "proved": 2, "skipped": 0, "problem": 1}
    outcomes = {m["file"]: (m["expects"], m["status"], m["outcome"]) for m in doc["exercises"][0]["mistakes"]}
    assert outcomes == {"mistakes/01_f/mistake_not_caught.py": ("mistake", "passed", "problem"),
                        "mistakes/01_f/mistake_plus_one.py": ("mistake", "failed", "proved"),
                        "mistakes/01_f/ok_lambda.py": ("right", "passed", "proved")}
    text = dojo("pack", "verify", str(exercise.root))
    assert "2 of 3 mistake files proved, 1 with problems" in text.stdout
    assert "problem: mistakes/01_f/mistake_not_caught.py: exercise 01 (f): a declared mistake passes" in text.stdout


# How checks talk: code in names and first hints, floats compared with == -----------------

def test_names_and_first_hints_that_show_code_are_found_and_then_is_exempt():
    found = scanned('''
        from torch_dojo.testing import CheckFailure, assert_close, fail, hint, hint_on

        @hint("Use x.mean(dim=0).", then="x.mean(dim=0)")
        def test_mean(learner):
            """mean(x) is x.sum(0) / len(x)"""
            fail(f"got {learner.x}", f"scores[torch.arange(n), labels] for {learner}", then="x @ w")
            with hint_on("shape", "out = x @ w", then="out = x @ w"):
                pass
            assert_close(1.0, 1.0, hint="lambda: 0")

        @hint("Average over the rows: the API's name is mean.", then="x.mean(dim=0)")
        def test_fine(learner):
            """the mean of each column"""
            raise CheckFailure("bad", "losses += loss")

        def helper():
            fail("bad", hint="Try the nudge first.", then="x[0] = 1")
    ''')
    assert [(c.check, c.kind, c.text, c.why) for c in found.code_hints] == [
        ("mean(x) is x.sum(0) / len(x)", "hint", "Use x.mean(dim=0).", "a call with arguments"),
        ("mean(x) is x.sum(0) / len(x)", "name", "mean(x) is x.sum(0) / len(x)", "a call with arguments"),
        ("mean(x) is x.sum(0) / len(x)", "hint", "scores[torch.arange(n), labels] for ", "a call with arguments"),
        ("mean(x) is x.sum(0) / len(x)", "hint", "out = x @ w", "an assignment"),
        ("mean(x) is x.sum(0) / len(x)", "hint", "lambda: 0", "lambda"),
        ("the mean of each column", "hint", "losses += loss", "an assignment"),
    ]


@pytest.mark.parametrize("text, why", [("x.mean(dim=0)", "a call with arguments"), ("x[0]", "indexing"),
                                       ("y = 2", "an assignment"), ("W@x", "@ between names"),
                                       ("lambda x: x", "lambda"), ("Use mean() over dim 0 (the rows).", ""),
                                       ("Index with a list [ ] of rows.", ""), ("@requires marks it", "")])
def test_what_reads_as_code(text, why):
    assert checkscan.shows_code(text) == why


def test_floats_compared_with_equality_are_found():
    found = scanned('''
        def test_acc(learner):
            """accuracy"""
            assert learner.acc() == 0.6, "acc"
            assert learner.t().item() != 3, "item"
            assert float(learner.loss()) == learner.expected, "float"
            assert learner.count() == 3, "an int is exact"
            assert learner.t().item() < 3.0, "not equality"
    ''')
    assert [(f.check, f.line, f.text) for f in found.float_equals] == [
        ("accuracy", 4, "learner.acc() == 0.6"), ("accuracy", 5, "learner.t().item() != 3"),
        ("accuracy", 6, "float(learner.loss()) == learner.expected")]


def test_code_hints_and_float_equality_are_notes_of_pack_verify(tmp_path):
    exercise = make_pack(tmp_path, '''
        from torch_dojo.testing import hint

        @hint("Return torch.clone(x).")
        def test_f(learner):
            """f returns its argument"""
            assert learner.f(1.5) == 1.5, "f(1.5) should be 1.5"
    ''')
    found = verify_exercise(exercise, fake(FAILED, PASSED))
    assert found.ok
    assert [str(n) for n in found.notes] == [
        "checks/01_f.py:4: exercise 01 (f) check 'f returns its argument': the first hint shows code: "
        "'Return torch.clone(x).' (a call with arguments); nudge (the idea, at most the API's name); move the code to "
        "then=...",
        "checks/01_f.py:7: exercise 01 (f) check 'f returns its argument': `learner.f(1.5) == 1.5` compares a float "
        "with ==: float32 arithmetic rarely gives the exact value; compare floats with a tolerance: "
        "`torch_dojo.testing.assert_close`"]


def test_no_check_name_or_first_hint_of_the_shipped_packs_shows_code():
    from torch_dojo.pack import load_builtin_pack

    shown = []
    for pack in (load_builtin_pack(), load_pack(TESTS.parent / "examples" / "intro-pack")):
        for exercise in pack.exercises:
            found = scan(exercise.checks.read_text(encoding="utf-8"), exercise.requires)
            shown += [f"{pack.name} checks/{exercise.file}:{c.line} {c.kind} of {c.check!r}: {c.text!r} ({c.why})"
                      for c in found.code_hints]
    print("\n".join(shown) or "none")
    assert shown == []
