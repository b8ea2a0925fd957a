"""Loading a pack: the built-in one, and every way a manifest can be wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from torch_dojo.pack import PackError, UnknownExercise, builtin_pack_root, load_builtin_pack, load_pack

CORE = ["tensor_dtypes", "reshape_view", "autograd_grads", "parameter_counting", "training_loop",
        "matmul_timing", "ddp_script"]


def test_builtin_pack_keeps_the_core_exercises_in_book_order():
    pack = load_builtin_pack()
    slugs = [e.slug for e in pack.exercises]
    assert len(slugs) >= 20, "the whole of Appendix A, in small steps"
    assert [s for s in slugs if s in CORE] == CORE
    for position, exercise in enumerate(pack.exercises, start=1):
        assert exercise.id == f"{position:02d}", "ids are display positions: 01, 02, … in order"
        assert exercise.file == f"{exercise.id}_{exercise.slug}.py"
        assert exercise.starter.is_file() and exercise.checks.is_file() and exercise.solution.is_file()
        assert len(exercise.hints) >= 2
        assert "TODO(" not in exercise.task and not any("TODO(" in h for h in exercise.hints)


def test_builtin_pack_is_found_at_the_top_of_the_checkout():
    assert (builtin_pack_root() / "pack.toml").is_file()


def test_find_by_id_number_or_slug(mini_pack):
    assert mini_pack.find("01").slug == "add"
    assert mini_pack.find("1").slug == "add"
    assert mini_pack.find("greet").id == "02"


def test_unknown_exercise_suggests_a_close_one(mini_pack):
    with pytest.raises(UnknownExercise, match="Did you mean 'greet'"):
        mini_pack.find("gret")


@pytest.fixture
def broken(tmp_path, mini_pack):
    """A copy of the mini pack whose manifest the test rewrites."""
    root = tmp_path / "pack"
    shutil.copytree(mini_pack.root, root)

    def broken(manifest: str) -> Path:
        (root / "pack.toml").write_text(manifest, encoding="utf-8")
        return root
    return broken


EXERCISE = '''
[[exercise]]
id = "01"
slug = "add"
title = "Add"
chapter = "Basics"
file = "01_add.py"
task = "Write add."
hints = ["one", "two"]
'''


def problems_of(root: Path) -> str:
    with pytest.raises(PackError) as caught:
        load_pack(root)
    assert all(p.file for p in caught.value.problems)
    return str(caught.value)


def test_a_valid_minimal_manifest_loads(broken):
    pack = load_pack(broken('[pack]\nname = "x"\n' + EXERCISE))
    assert pack.exercises[0].time_limit == 60


@pytest.mark.parametrize("manifest, expected", [
    ("[pack\nname=", "not valid TOML"),
    (EXERCISE, "[pack]: missing"),
    ('[pack]\nname = "Bad Name"\n' + EXERCISE, "pack.name"),
    ('[pack]\nname = "x"\n', "no exercises"),
    ('[pack]\nname = "x"\n' + EXERCISE.replace('hints = ["one", "two"]', 'hints = ["one"]'),
     "exercise 1 (id 01, add).hints: needs at least two hints"),
    ('[pack]\nname = "x"\n' + EXERCISE.replace('hints = ["one", "two"]', 'hints = "one"'),
     "exercise 1 (id 01, add).hints: must be a list"),
    ('[pack]\nname = "x"\n' + EXERCISE.replace('task = "Write add."', ''), "exercise 1 (id 01, add).task: missing"),
    ('[pack]\nname = "x"\n' + EXERCISE.replace('file = "01_add.py"', 'file = "nope.py"'),
     "exercises/nope.py does not exist"),
    ('[pack]\nname = "x"\n' + EXERCISE.replace('file = "01_add.py"', 'file = "../evil.py"'),
     "a plain file name"),
    ('[pack]\nname = "x"\n' + EXERCISE.replace('slug = "add"', 'slug = "Add-It"'), "slug"),
    ('[pack]\nname = "x"\n' + EXERCISE + 'requires = ["gpu"]\n', "unknown requirement 'gpu'"),
    ('[pack]\nname = "x"\n' + EXERCISE + "time_limit = -5\n", "time_limit: must be a number above 0"),
    ('[pack]\nname = "x"\n' + EXERCISE + "hint = ['x']\n", "unknown field (did you mean 'hints'?)"),
    ('[pack]\nname = "x"\n' + EXERCISE + EXERCISE, "'01' is used by two exercises"),
    ('[pack]\nname = "x"\n[extra]\n' + EXERCISE, "extra: unknown table"),
])
def test_every_manifest_problem_names_file_and_field(broken, manifest, expected):
    assert expected in problems_of(broken(manifest))


def test_a_problem_counts_exercises_from_1_in_manifest_order_and_names_the_id(broken):
    second = EXERCISE.replace('id = "01"', 'id = "02"').replace('slug = "add"', 'slug = "greet"') \
        .replace('file = "01_add.py"', 'file = "02_greet.py"').replace('task = "Write add."', '')
    text = problems_of(broken('[pack]\nname = "x"\n' + EXERCISE + second))
    assert "pack.toml: exercise 2 (id 02, greet).task: missing" in text
    nameless = problems_of(broken('[pack]\nname = "x"\n' + EXERCISE + '[[exercise]]\ntitle = "?"\n'))
    assert "exercise 2.id: missing" in nameless and "exercise 2 (" not in nameless


@pytest.mark.parametrize("written, says", [
    ('time_limit = "60"', "got the string '60': write the number without quotes, like time_limit = 60"),
    ('memory_limit_mb = "lots"', "memory_limit_mb: must be a number above 0 and at most 1048576, got the string 'lots'"),
    ("time_limit = true", "got true"),
])
def test_a_limit_written_as_a_string_says_so_and_what_to_write(broken, written, says):
    assert says in problems_of(broken('[pack]\nname = "x"\n' + EXERCISE + written + "\n"))


def test_all_problems_are_reported_at_once(broken):
    text = problems_of(broken('[pack]\nname = "x"\n' + EXERCISE.replace('hints = ["one", "two"]', 'hints = ["one"]')
                              .replace('title = "Add"', 'title = ""')))
    assert "hints" in text and "title" in text


def test_a_folder_without_a_manifest_says_so(tmp_path):
    assert "no pack.toml here" in problems_of(tmp_path)
