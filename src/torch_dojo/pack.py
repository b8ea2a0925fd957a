"""A pack: its manifest (``pack.toml``) and where each exercise's files are.

A pack is a folder::

    pack.toml        the manifest: [pack] and one [[exercise]] table per exercise
    exercises/F      the starter the learner edits
    checks/F         the hidden checks (a pytest file)
    solutions/F      the reference solution

where ``F`` is the exercise's ``file``. The built-in pack and an instructor's pack load
the same way. Loading validates everything first and raises one ``PackError`` listing
every problem with its file and field, so nothing is ever half-loaded. A pack that needs
a newer torch-dojo (``requires_torch_dojo``) fails with that one problem alone: the rest
of its manifest may use fields this version does not know.
"""

from __future__ import annotations

import difflib
import importlib.resources
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from torch_dojo import __version__
from torch_dojo.apidocs import names as api_names

MANIFEST = "pack.toml"
REQUIREMENTS = ("cuda", "torchvision", "distributed")

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_ID = re.compile(r"^[A-Za-z0-9]+$")
_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$")
_PACK_KEYS = {"name", "title", "description", "version", "requires_torch_dojo"}
_EXERCISE_KEYS = {
    "id", "slug", "title", "chapter", "book", "file", "task", "hints", "requires",
    "time_limit", "memory_limit_mb", "points", "docs",
}
DEFAULT_TIME_LIMIT = 60.0
DEFAULT_MEMORY_LIMIT_MB = 4096


@dataclass(frozen=True)
class Problem:
    file: Path
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class PackError(Exception):
    """The pack cannot be used; ``problems`` says every reason, with file and field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownExercise(LookupError):
    def __init__(self, key: str, pack: "Pack"):
        self.key = key
        choices = [e.id for e in pack.exercises] + [e.slug for e in pack.exercises]
        close = difflib.get_close_matches(key, choices, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        super().__init__(
            f"No exercise '{key}' in pack '{pack.name}'.{hint} "
            "`torch-dojo list` shows every exercise with its id and slug."
        )


@dataclass(frozen=True)
class Exercise:
    id: str
    slug: str
    title: str
    chapter: str
    book: str
    file: str
    task: str
    hints: tuple[str, ...]
    requires: frozenset[str]
    time_limit: float
    memory_limit_mb: int
    root: Path
    pack: str = ""  # the name of the pack it belongs to
    points: float = 1  # what passing it is worth when no check carries points (scoring.py)
    docs: tuple[api_names.DocName, ...] = ()  # the APIs it teaches (apidocs/names.py)

    @property
    def starter(self) -> Path:
        return self.root / "exercises" / self.file

    @property
    def checks(self) -> Path:
        return self.root / "checks" / self.file

    @property
    def solution(self) -> Path:
        return self.root / "solutions" / self.file

    @property
    def label(self) -> str:
        return f"{self.id} {self.slug}"


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    root: Path
    exercises: tuple[Exercise, ...]
    version: str = ""  # the pack's own version, as its author numbers it
    description: str = ""
    requires_torch_dojo: str = ""  # a version specifier such as ">=0.1"

    def find(self, key: str) -> Exercise:
        """An exercise by id (``07``, also ``7``) or slug."""
        for exercise in self.exercises:
            if key in (exercise.id, exercise.slug):
                return exercise
        if key.isdigit():
            for exercise in self.exercises:
                if exercise.id.isdigit() and int(exercise.id) == int(key):
                    return exercise
        raise UnknownExercise(key, self)


def builtin_pack_root() -> Path:
    """Where the built-in pack is: at the top of a checkout, or inside an installed wheel."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / MANIFEST).is_file() and (checkout / "src" / "torch_dojo").is_dir():
        return checkout
    packaged = importlib.resources.files("torch_dojo").joinpath("_pack")
    if packaged.joinpath(MANIFEST).is_file():
        return Path(str(packaged))
    raise PackError([Problem(Path("torch_dojo"), "built-in pack",
                             "not found next to the package; reinstall torch-dojo")])


def load_builtin_pack() -> Pack:
    return load_pack(builtin_pack_root())


def load_pack(root: Path) -> Pack:
    root = Path(root).resolve()
    manifest = root / MANIFEST
    if root.is_file() and root.name == MANIFEST:
        root, manifest = root.parent, root
    if not manifest.is_file():
        raise PackError([Problem(root, MANIFEST, "no pack.toml here: a pack is a folder with a pack.toml manifest")])
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise PackError([Problem(manifest, "(file)", f"not valid TOML: {err}")]) from None
    problems: list[Problem] = []
    pack_table = data.get("pack")
    if not isinstance(pack_table, dict):
        problems.append(Problem(manifest, "[pack]", "missing: the manifest needs a [pack] table with a name"))
        pack_table = {}
    problems += _version_problems(manifest, pack_table.get("requires_torch_dojo"))
    problems += _unknown_keys(manifest, "[pack]", pack_table, _PACK_KEYS)
    for key in ("title", "version", "description"):
        if key in pack_table and not isinstance(pack_table[key], str):
            problems.append(Problem(manifest, f"pack.{key}", "must be a string"))
    name = pack_table.get("name")
    if not isinstance(name, str) or not _SLUG.match(name):
        problems.append(Problem(manifest, "pack.name", "must be a short lowercase name like 'core' (letters, digits, _)"))
    for key in set(data) - {"pack", "exercise"}:
        problems.append(Problem(manifest, key, "unknown table; a manifest has [pack] and [[exercise]] tables"))
    tables = data.get("exercise", [])
    if not isinstance(tables, list) or not tables:
        problems.append(Problem(manifest, "[[exercise]]", "no exercises: add at least one [[exercise]] table"))
        tables = []
    exercises = []
    for index, table in enumerate(tables):
        exercise, found = _exercise(manifest, index, table, root, name if isinstance(name, str) else "")
        problems += found
        if exercise is not None:
            exercises.append(exercise)
    problems += _duplicates(manifest, exercises)
    if problems:
        raise PackError(problems)
    return Pack(name=name, title=str(pack_table.get("title", name)), root=root, exercises=tuple(exercises),
                version=pack_table.get("version", ""), description=pack_table.get("description", ""),
                requires_torch_dojo=pack_table.get("requires_torch_dojo", ""))


def _exercise(manifest: Path, index: int, table: object, root: Path,
              pack: str) -> tuple[Exercise | None, list[Problem]]:
    where = _exercise_name(index, table)
    if not isinstance(table, dict):
        return None, [Problem(manifest, where, "must be a table")]
    problems = _unknown_keys(manifest, where, table, _EXERCISE_KEYS)

    def text(key: str, pattern: re.Pattern | None = None, rule: str = "", required: bool = True) -> str:
        value = table.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(manifest, f"{where}.{key}", "missing or empty: must be a non-empty string"))
            return ""
        if pattern is not None and not pattern.match(value):
            problems.append(Problem(manifest, f"{where}.{key}", f"'{value}' is not allowed: {rule}"))
        return value

    ex_id = text("id", _ID, "letters and digits only, like '07'")
    slug = text("slug", _SLUG, "lowercase letters, digits and _, starting with a letter")
    title = text("title")
    chapter = text("chapter")
    book = text("book", required=False)
    task = text("task")
    file = text("file", _FILE, "a plain file name ending in .py, like '01_tensor_dtypes.py'")

    hints = table.get("hints")
    if not isinstance(hints, list) or not all(isinstance(h, str) and h.strip() for h in hints):
        problems.append(Problem(manifest, f"{where}.hints", "must be a list of non-empty strings"))
        hints = []
    elif len(hints) < 2:
        problems.append(Problem(manifest, f"{where}.hints", f"needs at least two hints (a nudge, then near the answer), found {len(hints)}"))

    requires = table.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        problems.append(Problem(manifest, f"{where}.requires", f"must be a list drawn from {list(REQUIREMENTS)}"))
        requires = []
    for unknown in sorted(set(requires) - set(REQUIREMENTS)):
        problems.append(Problem(manifest, f"{where}.requires", f"unknown requirement '{unknown}'; known: {', '.join(REQUIREMENTS)}"))

    time_limit = _positive(table, "time_limit", DEFAULT_TIME_LIMIT, 3600, manifest, where, problems)
    memory = _positive(table, "memory_limit_mb", DEFAULT_MEMORY_LIMIT_MB, 1 << 20, manifest, where, problems)
    points = _positive(table, "points", 1, 1000, manifest, where, problems)
    docs, wrong = api_names.parse(table.get("docs"), REQUIREMENTS)
    problems += [Problem(manifest, f"{where}.docs", message) for message in wrong]

    if file and _FILE.match(file):
        for folder in ("exercises", "checks", "solutions"):
            if not (root / folder / file).is_file():
                problems.append(Problem(manifest, f"{where}.file", f"{folder}/{file} does not exist"))
    if problems:
        return None, problems
    return Exercise(
        id=ex_id, slug=slug, title=title, chapter=chapter, book=book, file=file, task=task,
        hints=tuple(hints), requires=frozenset(requires), time_limit=float(time_limit),
        memory_limit_mb=int(memory), root=root, pack=pack, points=points, docs=docs,
    ), []


def _exercise_name(index: int, table: object) -> str:
    """How a problem names an exercise: counted from 1 in the manifest's order, with its id
    and slug when it has them ("exercise 2 (id 02, half)")."""
    known = table if isinstance(table, dict) else {}
    names = [f"id {known['id']}" if isinstance(known.get("id"), str) else "",
             known["slug"] if isinstance(known.get("slug"), str) else ""]
    shown = ", ".join(n for n in names if n)
    return f"exercise {index + 1}" + (f" ({shown})" if shown else "")


def _positive(table: dict, key: str, default: float, most: float, manifest: Path, where: str,
              problems: list[Problem]) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= most:
        problems.append(Problem(manifest, f"{where}.{key}", _not_positive(key, value, most)))
        return default
    return value


def _not_positive(key: str, value: object, most: float) -> str:
    rule = f"must be a number above 0 and at most {most}"
    if isinstance(value, str):
        try:
            as_number = float(value)
        except ValueError:
            return f"{rule}, got the string {value!r}"
        shown = value.strip() if 0 < as_number <= most else "10"
        return f"{rule}, got the string {value!r}: write the number without quotes, like {key} = {shown}"
    if isinstance(value, bool):
        return f"{rule}, got {str(value).lower()}"
    return f"{rule}, got {value!r}"


def _unknown_keys(manifest: Path, where: str, table: dict, known: set[str]) -> list[Problem]:
    problems = []
    for key in sorted(set(table) - known):
        close = difflib.get_close_matches(key, known, n=1)
        tip = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(Problem(manifest, f"{where}.{key}", f"unknown field{tip}"))
    return problems


def _duplicates(manifest: Path, exercises: list[Exercise]) -> list[Problem]:
    problems = []
    for field in ("id", "slug", "file"):
        seen: set[str] = set()
        for exercise in exercises:
            value = getattr(exercise, field)
            if value in seen:
                problems.append(Problem(manifest, f"exercise {exercise.id} ({exercise.slug}).{field}",
                                        f"'{value}' is used by two exercises"))
            seen.add(value)
    return problems


# requires_torch_dojo ------------------------------------------------------------------------
# A PEP 440 specifier on plain release numbers ("1.2.3"), which is all torch-dojo publishes;
# a small comparison instead of a dependency on `packaging`.

_CLAUSE = re.compile(r"^\s*(~=|==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)(\.\*)?\s*$")
_RELEASE = re.compile(r"^\d+(?:\.\d+)*")


def _release(version: str) -> tuple[int, ...]:
    match = _RELEASE.match(version)
    return tuple(int(part) for part in match.group().split(".")) if match else (0,)


def _padded(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)), b + (0,) * (width - len(b))


def satisfies(version: str, specifier: str) -> bool:
    """Whether ``version`` meets every clause of ``specifier`` (">=0.1,<2", "~=0.3", "==0.1.*").

    Raises ValueError for a clause that is not an operator and a dotted number."""
    have = _release(version)
    for clause in specifier.split(","):
        match = _CLAUSE.match(clause)
        if match is None or (match.group(3) and match.group(1) not in ("==", "!=")) or (
                match.group(1) == "~=" and "." not in match.group(2)):
            raise ValueError(clause.strip())
        op, want = match.group(1), _release(match.group(2))
        if match.group(3):  # ==1.2.* : the leading numbers match
            same = _padded(have, want)[0][:len(want)] == want
            ok = same if op == "==" else not same
        elif op == "~=":  # ~=1.4.2 means >=1.4.2, ==1.4.*
            mine, theirs = _padded(have, want)
            ok = mine >= theirs and mine[:len(want) - 1] == want[:-1]
        else:
            mine, theirs = _padded(have, want)
            ok = {"==": mine == theirs, "!=": mine != theirs, "<=": mine <= theirs, ">=": mine >= theirs,
                  "<": mine < theirs, ">": mine > theirs}[op]
        if not ok:
            return False
    return True


def _version_problems(manifest: Path, specifier: object) -> list[Problem]:
    """What is wrong with the requirement. A pack this torch-dojo is too old for raises at
    once: the rest of its manifest may use what only a newer torch-dojo knows."""
    field = "pack.requires_torch_dojo"
    if specifier is None:
        return []
    if not isinstance(specifier, str) or not specifier.strip():
        return [Problem(manifest, field, "must be a version requirement like \">=0.1\"")]
    try:
        ok = satisfies(__version__, specifier)
    except ValueError as err:
        return [Problem(manifest, field, f"'{err}' is not a version requirement; write one like \">=0.1\" "
                                         "(operators ==, !=, <, <=, >, >=, ~=, clauses joined by commas)")]
    if not ok:
        raise PackError([Problem(manifest, field, f"this pack needs torch-dojo {specifier}, and this is "
                                                  f"torch-dojo {__version__}. Update it: pip install -U torch-dojo")])
    return []


# Control characters (ESC and the other C0 codes but tab and newline, DEL, the C1 codes):
# written to a terminal, they move the cursor, clear the screen, retitle the window, ...
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text_problems(of: "Exercise | Pack") -> list[tuple[str, str]]:
    """The text of an exercise (title, chapter, book, task, hints) or of a pack (title,
    description) that would drive the learner's terminal rather than be read: ``(field,
    message)`` for each field holding a control character such as ESC. For ``pack verify``;
    the CLI and the TUI show such text escaped."""
    if isinstance(of, Pack):
        fields = [("title", of.title), ("description", of.description)]
    else:
        fields = [("title", of.title), ("chapter", of.chapter), ("book", of.book), ("task", of.task)]
        fields += [(f"hints[{number}]", text) for number, text in enumerate(of.hints)]
    found = []
    for name, text in fields:
        match = _CONTROL.search(text or "")
        if match:
            code = match.group()
            what = "an escape sequence (ESC" if code == "\x1b" else f"a control character ({code!r}"
            found.append((f"field '{name}'",
                          f"holds {what}, at character {match.start() + 1}): written to a terminal it would "
                          "move the cursor, change colours or clear the screen instead of being read. "
                          "Remove it; for colour or emphasis use plain words or Markdown."))
    return found
