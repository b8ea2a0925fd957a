"""The docs in the loop: the `docs` field, the probe that reads torch's docstrings, the cache,
the Markdown they become, `torch-dojo docs`, and `pack verify` on a name that is wrong.

One probe process (module-scoped ``real``) reads real docstrings of the installed torch;
the cache and the page are tested with a fake probe.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import MINI

from torch_dojo.apidocs import cache, page
from torch_dojo.apidocs.lookup import Docs, lookup
from torch_dojo.apidocs.markdown import to_markdown
from torch_dojo.apidocs.names import DocName, parse
from torch_dojo.pack import REQUIREMENTS, PackError, load_pack
from torch_dojo.runner.environment import ApiDoc, api_docs
from torch_dojo.verdict import CheckResult, Status, Verdict
from torch_dojo.verify import verify_pack

REAL = ["torch.Tensor.to", "torch.nn.Linear", "torch.nn.functional.cross_entropy", "torch.utils.data.DataLoader",
        "torch.optim.SGD", "torch.nn.Module.zero_grad", "torch.distributed.init_process_group", "torch.tensor"]


@pytest.fixture(scope="module")
def real() -> dict[str, ApiDoc]:
    """Real docstrings of the installed torch, and two names that do not resolve here."""
    asked = [(name, "") for name in REAL] + [("torch.Tensor.too", ""), ("torchvision.transforms.v2.Compose",
                                                                        "torchvision")]
    torch, docs, problem = api_docs(asked)
    assert problem == "" and torch
    return {d.name: d for d in docs}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    return folder


def pack_with_docs(tmp_path: Path, docs: str) -> Path:
    """A copy of the mini pack whose first exercise names ``docs`` (TOML)."""
    root = shutil.copytree(MINI, tmp_path / "pack")
    manifest = root / "pack.toml"
    manifest.write_text(manifest.read_text().replace('file = "01_add.py"\n', f'file = "01_add.py"\ndocs = {docs}\n'))
    return root


# The field -------------------------------------------------------------------------------

def test_names_are_strings_or_tables_and_torchvision_and_distributed_need_themselves():
    names, problems = parse(["torch.Tensor.to", "torchvision.models.resnet18", "torch.distributed.barrier",
                             {"name": "torch.cuda.mem_get_info", "requires": "cuda"}], REQUIREMENTS)
    assert problems == []
    assert names == (DocName("torch.Tensor.to"), DocName("torchvision.models.resnet18", "torchvision"),
                     DocName("torch.distributed.barrier", "distributed"), DocName("torch.cuda.mem_get_info", "cuda"))


@pytest.mark.parametrize("value, said", [
    ("torch.Tensor.to", "must be a list of dotted names"),
    (["torch.Tensor.to", "torch.Tensor.to"], "'torch.Tensor.to' is named twice"),
    (["numpy.array"], "'numpy.array' is not a dotted name under torch or torchvision"),
    (["torch.Tensor..to"], "is not a dotted name"),
    ([{"name": "torch.cuda.mem_get_info", "requires": "gpu"}], "requires = 'gpu' is not one of cuda, torchvision"),
    ([{"name": "torch.x", "needs": "cuda"}], "unknown key 'needs'"),
    ([3], "entry 1: must be a list"),
])
def test_a_wrong_field_says_which_entry_and_why(value, said):
    names, problems = parse(value, REQUIREMENTS)
    assert any(said in p for p in problems), problems


def test_a_pack_with_a_wrong_docs_field_does_not_load_and_names_exercise_and_field(tmp_path):
    with pytest.raises(PackError) as raised:
        load_pack(pack_with_docs(tmp_path, '["torch.Tensor.to", 7]'))
    assert "exercise 1 (id 01, add).docs: entry 2" in str(raised.value)


def test_a_pack_names_its_docs_and_an_exercise_without_names_none(tmp_path):
    pack = load_pack(pack_with_docs(tmp_path, '["torch.add"]'))
    assert [n.name for n in pack.exercises[0].docs] == ["torch.add"] and pack.exercises[1].docs == ()


def test_every_builtin_exercise_names_two_to_six_apis():
    from torch_dojo.pack import load_builtin_pack

    for exercise in load_builtin_pack().exercises:
        assert 2 <= len(exercise.docs) <= 6, exercise.slug


# The probe, on the installed torch ---------------------------------------------------------

def test_the_probe_gives_the_signature_and_docstring_of_real_names(real):
    linear = real["torch.nn.Linear"]
    assert linear.kind == "class" and linear.signature.startswith("(in_features")
    assert "Applies an affine linear transformation" in linear.doc
    assert real["torch.Tensor.to"].kind == "method" and real["torch.Tensor.to"].doc.startswith("to(")
    assert real["torch.utils.data.DataLoader"].found and real["torch.nn.Module.zero_grad"].found
    assert real["torch.distributed.init_process_group"].found or real["torch.distributed.init_process_group"].needs


def test_a_wrong_name_says_which_part_is_wrong_and_the_closest(real):
    assert real["torch.Tensor.too"].problem == "torch.Tensor has no 'too': did you mean torch.Tensor.to?"


def test_a_name_whose_requirement_is_missing_says_it_needs_it(real):
    vision = real["torchvision.transforms.v2.Compose"]
    assert vision.found or (vision.needs == "torchvision" and "needs torchvision" in vision.problem)


# Markdown -----------------------------------------------------------------------------------

def prose_and_code(markdown: str) -> tuple[str, str]:
    """The text Markdown shows as prose, and as code blocks."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    code = "\n".join(t.content for t in tokens if t.type in ("fence", "code_block"))
    prose = "\n".join(t.content for t in tokens if t.type == "inline")
    return prose, code


@pytest.mark.parametrize("name", REAL)
def test_real_docstrings_read_as_markdown_without_their_markup(real, name):
    markdown = to_markdown(real[name].doc)
    prose, code = prose_and_code(markdown)
    assert not re.search(r":(class|func|meth|attr|math|ref|doc):`", prose), prose
    assert ".. note::" not in prose and ".. math::" not in prose and "::\n" not in prose
    assert ">>>" not in prose, "a doctest block outside a code block"
    assert "``" not in prose.replace("`` ", "")
    if ">>>" in real[name].doc:
        assert ">>>" in code


def test_sections_arguments_notes_and_examples_take_markdown_forms(real):
    linear = to_markdown(real["torch.nn.Linear"].doc)
    assert "#### Args" in linear and "- `in_features`: size of each input sample" in linear
    assert "`y = xA^T + b`" in linear
    assert "```python\n>>> m = nn.Linear(20, 30)" in linear
    to = to_markdown(real["torch.Tensor.to"].doc)
    assert to.startswith("```python\nto(*args, **kwargs) -> Tensor\n```")
    assert "> **Note**" in to and "`torch.dtype`" in to


def test_roles_literals_and_links_become_code_spans_and_links():
    markdown = to_markdown("See :class:`~torch.nn.CrossEntropyLoss`, :func:`torch.add`, ``x.to()``, "
                           ":ref:`the notes <autograd-notes>` and `the paper <https://x.org>`_.")
    assert markdown.strip() == ("See `CrossEntropyLoss`, `torch.add`, `x.to()`, the notes and "
                                "[the paper](https://x.org).")


def test_a_literal_block_after_double_colon_is_code_and_a_comment_is_dropped():
    markdown = to_markdown("Use it like this::\n\n    y = f(x)\n\n.. _label:\n\nThe end.")
    assert markdown == "Use it like this:\n\n```python\ny = f(x)\n```\n\nThe end.\n"


# The cache ------------------------------------------------------------------------------------

class FakeProbe:
    def __init__(self, torch: str = "2.13.0", problem: str = ""):
        self.asked: list[list[str]] = []
        self.torch, self.problem = torch, problem

    def __call__(self, names):
        self.asked.append([name for name, _ in names])
        if self.problem:
            return "", [], self.problem
        docs = [ApiDoc(name, kind="function", doc=f"The doc of {name}.") if not name.endswith("too")
                else ApiDoc(name, problem="torch.Tensor has no 'too'") for name, _ in names]
        return self.torch, docs, ""


NAMES = [DocName("torch.add"), DocName("torch.Tensor.too"), DocName("torch.mul")]


def test_a_second_look_is_answered_from_the_cache_but_a_name_not_found_is_asked_again(cache_dir):
    probe = FakeProbe()
    first = lookup(NAMES, ask=probe)
    second = lookup(NAMES, ask=probe)
    assert [d.name for d in first.entries] == [n.name for n in NAMES] and first.torch == "2.13.0"
    assert second == first
    assert probe.asked == [[n.name for n in NAMES], ["torch.Tensor.too"]]
    assert list((cache_dir / "docs").glob("*.json")) == [cache.path(cache.key())]


def test_the_cache_is_kept_per_torch_version(cache_dir, monkeypatch):
    probe = FakeProbe()
    lookup(NAMES[:1], ask=probe)
    monkeypatch.setattr(cache, "key", lambda: "torch-9.9-torchvision-none-v1")
    lookup(NAMES[:1], ask=probe)
    assert probe.asked == [["torch.add"], ["torch.add"]]


def test_a_corrupt_cache_is_ignored_and_written_anew(cache_dir):
    target = cache.path(cache.key())
    target.parent.mkdir(parents=True)
    for junk in ("{not json", '{"format": 1, "torch": "x", "docs": []}', '["a list"]'):
        target.write_text(junk)
        probe = FakeProbe()
        assert lookup(NAMES[:1], ask=probe).entries[0].doc == "The doc of torch.add."
        assert probe.asked == [["torch.add"]]
        assert json.loads(target.read_text())["docs"]["torch.add"]["doc"] == "The doc of torch.add."


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_cache_that_cannot_be_written_only_costs_time(cache_dir):
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    try:
        assert lookup(NAMES[:1], ask=FakeProbe()).entries[0].found
    finally:
        cache_dir.chmod(0o700)


def test_a_cache_folder_that_is_a_file_only_costs_time(cache_dir):
    cache_dir.write_text("in the way")
    assert lookup(NAMES[:1], ask=FakeProbe()).entries[0].found


def test_torch_that_cannot_be_asked_is_the_problem_of_the_whole_lookup(cache_dir):
    found = lookup(NAMES, ask=FakeProbe(problem="torch does not import: boom"))
    assert found == Docs("", (), "torch does not import: boom")


# The page ---------------------------------------------------------------------------------------

def test_the_page_shows_each_name_or_says_why_not(tmp_path):
    exercise = load_pack(pack_with_docs(tmp_path, '["torch.add", "torch.Tensor.too", "torchvision.io"]')).exercises[0]
    docs = Docs("2.13.0", (ApiDoc("torch.add", kind="function", signature="(input, other)", doc="Adds.\n\nArgs:\n"
                                  "    input (Tensor): the input."),
                           ApiDoc("torch.Tensor.too", problem="torch.Tensor has no 'too'"),
                           ApiDoc("torchvision.io", problem="needs torchvision, which is not installed",
                                  needs="torchvision")))
    shown = page.markdown(exercise, docs)
    assert "from torch 2.13.0" in shown and "## `torch.add` (function)\n\n```python\nadd(input, other)\n```" in shown
    assert "- `input` (Tensor): the input." in shown
    assert "*Not found in torch 2.13.0: torch.Tensor has no 'too'." in shown
    assert "*Not shown here: needs torchvision, which is not installed.*" in shown
    assert page.to_json(exercise, docs, "01")["docs"][2]["requires"] == "torchvision"


def test_an_exercise_without_names_and_a_torch_that_cannot_be_asked_are_said(tmp_path):
    pack = load_pack(pack_with_docs(tmp_path, '["torch.add"]'))
    assert page.markdown(pack.exercises[1], Docs("", ())) == page.NONE_NAMED
    assert "could not be asked: torch does not import" in page.markdown(pack.exercises[0],
                                                                       Docs("", (), "torch does not import"))


# pack verify and the CLI, for real --------------------------------------------------------------

def sound(exercise, file, **_):
    """The verdicts of a sound exercise (a starter fails with a message, the solution passes):
    what verify_pack finds here is about the docs alone."""
    if file == exercise.solution:
        return Verdict(exercise.id, exercise.slug, exercise.title, Status.PASSED, duration=0.1)
    return Verdict(exercise.id, exercise.slug, exercise.title, Status.FAILED,
                   checks=(CheckResult("adds", Status.FAILED, message="add(1, 2) gave None, not 3"),))


def test_pack_verify_rejects_a_docs_name_that_does_not_resolve(tmp_path, cache_dir):
    pack = load_pack(pack_with_docs(tmp_path, '["torch.Tensor.to", "torch.Tensor.too"]'))
    found = verify_pack(pack, check=sound)
    assert not found.ok
    said = [str(p) for e in found.exercises for p in e.problems]
    assert said == ["pack.toml: exercise 01 (add) docs 'torch.Tensor.too': does not resolve in torch "
                    f"{lookup(pack.exercises[0].docs[:1]).torch}: torch.Tensor has no 'too': did you mean "
                    "torch.Tensor.to?. A learner would read 'not found' in the Docs tab; fix the name or remove it."]


@pytest.mark.slow
def test_torch_dojo_docs_prints_the_page_plain_when_piped_and_json_too(dojo, tmp_path):
    env = {cache.ENV_VAR: str(tmp_path / "cache")}
    as_json = dojo("docs", "03", "--json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["schema"] == page.SCHEMA and data["exercise"]["slug"] == "tensor_dtypes"
    assert [d["name"] for d in data["docs"]][:2] == ["torch.tensor", "torch.Tensor.to"] and all(
        d["found"] for d in data["docs"])
    plain = dojo("docs", "tensor_dtypes", env=env)  # from the cache the first run filled
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("# 03 · Tensor data types\n") and "## `torch.Tensor.to` (method)" in plain.stdout
    assert "\x1b[" not in plain.stdout and ":class:`" not in plain.stdout
    unknown = dojo("docs", "99", env=env)
    assert unknown.returncode == 2 and "No exercise '99'" in unknown.stderr


def test_pack_verify_notes_the_names_it_cannot_check_here_in_one_line(tmp_path):
    pack = load_pack(pack_with_docs(tmp_path, '["torchvision.io", "torchvision.ops", "torch.add"]'))

    def docs(names):
        return Docs("2.13.0", (ApiDoc("torchvision.io", problem="needs torchvision, which is not installed",
                                      needs="torchvision"),
                               ApiDoc("torchvision.ops", problem="needs torchvision, which is not installed",
                                      needs="torchvision"),
                               ApiDoc("torch.add", kind="function", doc="")))

    found = verify_pack(pack, check=sound, docs=docs)
    assert found.ok
    assert [str(n) for n in found.exercises[0].notes if n.where.startswith("docs")] == [
        "pack.toml: exercise 01 (add) docs 'torch.add': has no docstring in this torch: the Docs tab shows only "
        "its name; a name with documentation teaches more.",
        "pack.toml: exercise 01 (add) docs: torchvision.io, torchvision.ops not checked here: needs torchvision, "
        "which is not installed"]


def test_a_role_that_runs_over_a_line_end_in_a_list_item_is_still_a_code_span():
    markdown = to_markdown("Shape:\n    - weight: :math:`(\\text{out},\n      \\text{in})` and :attr:``grad``\n")
    assert markdown == "#### Shape\n\n- weight: `(\\text{out},\n\\text{in})` and `grad`\n"


def test_a_docstring_the_conversion_fails_on_is_shown_as_written(monkeypatch):
    def broken(doc):
        raise IndexError("a docstring no torch has had yet")

    monkeypatch.setattr(page, "to_markdown", broken)
    shown = page.entry_markdown(ApiDoc("torch.add", kind="function", doc="Adds ``x``."), "2.13.0")
    assert shown.endswith("```text\nAdds ``x``.\n```")
