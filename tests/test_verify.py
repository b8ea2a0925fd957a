"""`pack verify`: what it finds in a pack, and that every finding names file, exercise and check."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

from conftest import MINI, TESTS

import pytest

from torch_dojo import runner
from torch_dojo.checkscan import scan
from torch_dojo.pack import Exercise, load_pack
from torch_dojo.report import CheckResult, Status, Verdict
from torch_dojo.verify import verify_exercise

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
