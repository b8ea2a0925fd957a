"""A pack's mistakes: learner files that prove its checks catch what they should.

A pack may hold ``mistakes/<exercise file stem>/*.py`` (``mistakes/01_squares/``): each a
complete learner file for that exercise, whose docstring says what must happen::

    Wrong on purpose: what the mistake is.

    Must fail: "name of a check" and "another check".   (each named check must not pass)
    Passes: "name of a check".                            (optional: these must pass)
    Says: "words the verdict must contain".               (optional: in a message or hint)
    Caught only with: cuda.                               (optional: a note where it is missing)

or, for a correct answer written another way::

    Right, written another way: what differs from the solution. Must pass every check.

A check is named by its name or the start of it; a name starting with "…" or "..." is the
end of a check's name. "Says" texts are found case-insensitively in the verdict's messages
and hints. ``pack verify`` and the project's own tests judge every file with ``prove``.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from torch_dojo.pack import Exercise, Pack
from torch_dojo.verdict import CheckResult, Status, Verdict
from torch_dojo.runner import environment

FOLDER = "mistakes"


@functools.cache
def _environment() -> environment.Environment:
    return environment.probe()


def missing(need: str) -> str | None:
    """Why this machine lacks ``need`` (None when it has it), as the check processes find it:
    asked of a fresh interpreter, once (torch is never imported where pack verify runs)."""
    return _environment().missing(need)
WRONG = "Wrong on purpose"
RIGHT = "Right, written another way"
EVERY = "Must pass every check"
_LABELS = {"Must fail:": "must_fail", "Passes:": "must_pass", "Says:": "says"}


class GrammarError(ValueError):
    """The docstring is in neither form; the message says what the file should start with."""


@dataclass(frozen=True)
class Expectation:
    """What a mistake file's docstring asks of its verdict."""

    passes: bool  # "Right, written another way": every check passes
    must_fail: tuple[str, ...] = ()
    must_pass: tuple[str, ...] = ()
    says: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()  # "Caught only with: cuda"


@dataclass(frozen=True)
class Outcome:
    """One mistake file, run and judged."""

    file: str  # relative to the pack: "mistakes/01_squares/mistake_int64.py"
    expects: str  # "mistake", "right", or "" when the docstring could not be read
    status: str  # the verdict's status, or "" when it did not run
    problems: tuple[tuple[str, str], ...] = ()  # (where, message); where: "check 'name'" or ""
    note: str = ""  # why it was not run here (a requirement this machine lacks)

    @property
    def outcome(self) -> str:
        return "problem" if self.problems else "skipped" if self.note else "proved"

    def to_json(self) -> dict:
        return {"file": self.file, "expects": self.expects, "status": self.status, "outcome": self.outcome,
                "problems": [f"{where}: {message}" if where else message for where, message in self.problems],
                "note": self.note}


@dataclass
class Found:
    """The mistake files of a pack, by exercise id, and what under mistakes/ names no exercise."""

    by_exercise: dict[str, list[Path]] = field(default_factory=dict)
    strays: list[tuple[str, str]] = field(default_factory=list)  # (file, message)


def parse(doc: str) -> Expectation:
    """The expectation a docstring states; ``GrammarError`` when it is in neither form."""
    doc = doc.strip()
    if doc.startswith("Right"):
        if EVERY not in doc:
            raise GrammarError(f'a correct alternative says "{EVERY}." after "{RIGHT}: …"')
        return Expectation(passes=True)
    if not doc.startswith(WRONG):
        raise GrammarError(f'the docstring must start "{WRONG}: …" (a mistake the checks must catch) or '
                           f'"{RIGHT}: … {EVERY}." (a correct answer they must accept)')
    needs: tuple[str, ...] = ()
    found = re.search(r"Caught only with: ([\w, ]+)", doc)
    if found:
        needs = tuple(n.strip() for n in found.group(1).split(",") if n.strip())
        doc = doc[:found.start()] + doc[found.end():]
    parts: dict[str, list[str]] = {"must_fail": [], "must_pass": [], "says": []}
    sections = re.split(r"(Must fail:|Passes:|Says:)", doc)
    for label, text in zip(sections[1::2], sections[2::2]):
        quoted = [" ".join(q.split()).rstrip(".…").strip() for q in re.findall(r'"([^"]+)"', text)]
        parts[_LABELS[label]].extend(q for q in quoted if q)
    return Expectation(False, tuple(parts["must_fail"]), tuple(parts["must_pass"]), tuple(parts["says"]), needs)


def read(path: Path) -> Expectation:
    """The expectation of a mistake file (its module docstring)."""
    source = Path(path).read_text(encoding="utf-8", errors="replace")
    try:
        doc = ast.get_docstring(ast.parse(source)) or ""
    except SyntaxError:  # a mistake may be a file that does not parse: read the docstring as text
        quoted = re.match(r'\s*[rRuU]?("""|\'\'\')(.*?)\1', source, re.S)
        doc = quoted.group(2) if quoted else ""
    return parse(doc)


def find(pack: Pack) -> Found:
    """Every ``mistakes/<stem>/*.py`` of the pack, by exercise, in name order."""
    found = Found()
    folder = pack.root / FOLDER
    if not folder.is_dir():
        return found
    stems = {Path(e.file).stem: e for e in pack.exercises}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        relative = f"{FOLDER}/{entry.name}"
        if entry.is_file():
            if entry.suffix == ".py":
                found.strays.append((relative, "a mistake file lies in a folder named as its exercise's file: "
                                     f"{FOLDER}/<file stem>/{entry.name}"))
            continue
        exercise = stems.get(entry.name)
        if exercise is None:
            close = ", ".join(sorted(stems)) or "none"
            found.strays.append((relative + "/", f"names no exercise of the pack: a folder here is named as an "
                                 f"exercise's file without .py (the exercises' are: {close})"))
            continue
        files = sorted(entry.glob("*.py"))
        if files:
            found.by_exercise[exercise.id] = files
    return found


def prove(exercise: Exercise, path: Path, check: Callable[..., Verdict]) -> Outcome:
    """Run one mistake file with ``check`` (a runner's) and judge its verdict."""
    relative = _relative(exercise, path)
    try:
        expected = read(path)
    except GrammarError as err:
        return Outcome(relative, "", "", (("", str(err)),))
    expects = "right" if expected.passes else "mistake"
    for need in sorted(exercise.requires):  # the whole exercise is skipped here, right or wrong
        if missing(need):
            return Outcome(relative, expects, "", note=f"exercise {exercise.id} needs {need}: {missing(need)}")
    for need in expected.needs:
        if missing(need):
            return Outcome(relative, expects, "", note=f"this mistake shows only with {need}: {missing(need)}")
    verdict = check(exercise, path)
    if verdict.status is Status.SKIPPED:  # every check needs what this machine lacks
        return Outcome(relative, expects, verdict.status.value,
                       note=f"every check was skipped here: {verdict.message or 'a requirement is missing'}")
    return Outcome(relative, expects, verdict.status.value, tuple(judge(expected, verdict)))


def judge(expected: Expectation, verdict: Verdict) -> list[tuple[str, str]]:
    """Every way ``verdict`` falls short of ``expected``: (where, message) pairs."""
    problems: list[tuple[str, str]] = []
    for crashed in (c for c in verdict.checks if c.blame == "check"):
        problems.append((f"check '{crashed.name}'", "the check itself crashed on this file, so it judged nothing: "
                         f"{' / '.join(crashed.message.split(chr(10))).strip() or crashed.status}. Fix the check."))
    if expected.passes:
        if not verdict.passed:
            failing = [c for c in verdict.checks if not c.passed_or_skipped and c.blame != "check"]
            why = "; ".join(f"{c.name}: {_first_line(c.message) or c.status}" for c in failing[:3])
            problems.append(("", f"declared right, but the verdict is {verdict.status}: "
                             f"{why or _first_line(verdict.message) or 'no check says why'}. A correct answer must "
                             "never fail: widen the check, or fix the file if it is wrong."))
        return problems
    if verdict.passed:
        problems.append(("", "a declared mistake passes every check: the checks do not catch it. Add a check "
                         "that does, or fix the file if the mistake is not in it."))
        return problems
    names = [c.name for c in verdict.checks]
    for name in expected.must_fail:
        matching = named(verdict, name)
        if not matching:
            problems.append(("", f"Must fail names no check {name!r}; the checks are {names}"))
            continue
        failing = [c for c in matching if not c.passed_or_skipped]
        if not failing:
            problems.append((f"check '{matching[0].name}'", "passes, but the file says it must fail: the check "
                             "does not catch this mistake"))
        for check in failing:
            if check.blame != "check" and not (check.message.strip() and check.hint.strip()):
                lacking = " and ".join(w for w, t in (("a message", check.message), ("a hint", check.hint))
                                       if not t.strip())
                problems.append((f"check '{check.name}'", f"catches the mistake without {lacking}: say what went "
                                 "wrong and what to try"))
    for name in expected.must_pass:
        matching = named(verdict, name)
        if not matching:
            problems.append(("", f"Passes names no check {name!r}; the checks are {names}"))
        for check in (c for c in matching if not c.passed_or_skipped):
            problems.append((f"check '{check.name}'", f"{check.status}, but the file says it passes: "
                             f"{_first_line(check.message)}"))
    said = everything_said(verdict)
    for text in expected.says:
        if text.lower() not in said:
            problems.append(("", f'Says "{text}", but no message or hint of the failing checks says it'))
    return problems


def named(verdict: Verdict, name: str) -> list[CheckResult]:
    """The checks a docstring's quoted name means: by the start of the name, or by its end
    ("…the end")."""
    if name.startswith(("...", "…")):
        return [c for c in verdict.checks if name.lstrip(".… ") in c.name]
    return [c for c in verdict.checks if c.name.startswith(name)]


def everything_said(verdict: Verdict) -> str:
    """The verdict's messages and the hints shown at once, lowercased."""
    parts = [verdict.message, verdict.hint]
    for check in verdict.checks:
        parts += [check.message, check.hint]
    return "\n".join(parts).lower()


def _relative(exercise: Exercise, path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(exercise.root).resolve()).as_posix()
    except ValueError:
        return str(path)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
