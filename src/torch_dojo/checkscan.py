"""What a check file touches and declares, read without running it (for ``pack verify``).

A check that uses CUDA or torchvision must say so (``@requires("cuda")``, or the
exercise's ``requires``), or it fails on every machine without them instead of being
skipped with the reason. This reads the file's syntax tree: for each check (a ``test_``
function, with the helpers and fixtures of the same file it reaches), the first use of

- CUDA: ``x.cuda()``, a ``"cuda"`` / ``"cuda:N"`` device given to a call
  (``t.to("cuda")``, ``torch.zeros(2, device="cuda")``, ``f(torch.device("cuda"))``),
  or ``torch.cuda.F()`` for any F but those that never start CUDA (``is_available``…);
- torchvision: ``import torchvision`` / ``from torchvision …``,

that is not under ``if torch.cuda.is_available():`` (or any test that asks ``is_available``
or ``device_count``) and not in a ``try`` block. ``torch.device("cuda")`` alone starts
nothing, and neither do strings in messages. A "cuda" device handed to a function that is
not torch's (``learner.train_on(model, "cuda")``) is only *maybe* a use: the learner's
function may be a stand-in the check put there. Code at the top of the file counts for
every check. What reading cannot see (a device name built at run time, a learner's file that
touches CUDA) the runner watches while ``pack verify`` runs the solution (``watch_cuda``).

It also reads how checks talk to learners (notes, for the author to judge): a check's name
(the first line of its docstring) or first hint (``@hint``'s first argument, a ``hint=``
keyword, the second argument of ``fail``, ``CheckFailure`` and ``hint_on``) that shows code
by the look of it (``CODE``: a call with arguments, indexing with content, an assignment,
``@`` between names, ``lambda``); ``then=`` texts may show code. Only static strings count
(of an f-string, its constant parts). And a float compared with ``==`` or ``!=`` (a side is
``.item()``, ``float(...)`` or a float literal): it wants a tolerance.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

NEEDS = ("cuda", "torchvision")
_CUDA_DEVICE = re.compile(r"^cuda(:\d+)?$")
# torch.cuda functions that answer without starting CUDA (seeding is queued until it starts).
_CUDA_SAFE = {"is_available", "device_count", "is_initialized", "manual_seed", "manual_seed_all"}
_GUARDS = ("is_available", "device_count")
Use = tuple[str, int, str, bool]  # need, line, what, certain


@dataclass(frozen=True)
class Touch:
    """A use of CUDA or torchvision that its check does not declare."""

    check: str  # the check's name as learners see it; "" for the top of the file
    need: str  # "cuda" or "torchvision"
    line: int
    what: str  # how it is used, e.g. "`.cuda()`"
    via: str = ""  # the helper or fixture of the file the check reaches it through
    certain: bool = True  # False: a "cuda" device handed to a function of unknown kind (maybe a fake)


@dataclass(frozen=True)
class BadPoints:
    check: str
    line: int
    text: str  # the marker as written


# What in a name or first hint reads as code, and how to say it.
CODE = (
    (re.compile(r"\w\(\s*[^)\s]"), "a call with arguments"),
    (re.compile(r"\w\[[^\]]+\]"), "indexing"),
    (re.compile(r" = |\+="), "an assignment"),
    (re.compile(r"\w\s*@\s*\w"), "@ between names"),
    (re.compile(r"\blambda\b"), "lambda"),
)
_HINTED = {"fail": 1, "CheckFailure": 1, "hint_on": 1}  # the position of the first hint


@dataclass(frozen=True)
class CodeHint:
    """A check name or first hint that shows code."""

    check: str  # the check it belongs to ("" for a helper's)
    line: int
    kind: str  # "name" or "hint"
    text: str
    why: str  # what looks like code: "a call with arguments"…


@dataclass(frozen=True)
class FloatEquals:
    check: str
    line: int
    text: str  # the comparison as written


@dataclass
class CheckFile:
    undeclared: list[Touch] = field(default_factory=list)
    bad_points: list[BadPoints] = field(default_factory=list)
    carries_points: bool = False  # some check has @points
    syntax_error: str = ""
    code_hints: list[CodeHint] = field(default_factory=list)
    float_equals: list[FloatEquals] = field(default_factory=list)


def shows_code(text: str) -> str:
    """What in ``text`` reads as code ("" for nothing)."""
    for pattern, why in CODE:
        if pattern.search(text):
            return why
    return ""


def scan(source: str, declared: frozenset[str] | set[str] = frozenset()) -> CheckFile:
    """Read a check file; ``declared``: what the exercise ``requires`` for every check."""
    found = CheckFile()
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        found.syntax_error = f"line {err.lineno}: {err.msg}"
        return found
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    file_marks = set(declared) | _pytestmark_needs(tree)
    evidence = {name: _evidence(node.body, guarded=False) for name, node in functions.items()}

    top = [n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    for need, line, what, certain in _first_per_need(_evidence(top, guarded=False, top_level=True)):
        if need not in file_marks:
            found.undeclared.append(Touch("", need, line, what, certain=certain))

    for test, decorators in _tests(tree):
        name = check_name(test)
        marks = file_marks | _marked_needs(decorators) | _importorskips(test)
        found.bad_points += [BadPoints(name, d.lineno, ast.unparse(d)) for d in decorators if _bad_points(d)]
        found.carries_points |= any(_is_mark(d, "points") for d in decorators)
        reached = [(test.name, _parametrized_cuda(decorators) + _evidence(test.body, guarded=False))]
        reached += [(helper, evidence[helper]) for helper in _reachable(test, functions)]
        uses = [(via, use) for via, found_there in reached for use in found_there]
        uses.sort(key=lambda pair: not pair[1][3])  # a certain use first
        seen: set[str] = set()
        for via, (need, line, what, certain) in uses:
            if need not in marks and need not in seen:
                seen.add(need)
                found.undeclared.append(Touch(name, need, line, what, "" if via == test.name else via, certain))
    found.carries_points |= any(_is_mark(d, "points") for d in _pytestmark_values(tree))
    _talk(tree, found)
    return found


# How checks talk -----------------------------------------------------------------------

def _talk(tree: ast.Module, found: CheckFile) -> None:
    """Names and first hints that show code; floats compared with ==."""
    owner: dict[int, str] = {}  # id of a node -> the name of the check it lies in
    for test, decorators in _tests(tree):
        name = check_name(test)
        for part in [test, *decorators]:
            for node in ast.walk(part):
                owner[id(node)] = name
        doc = ast.get_docstring(test)
        first = doc.strip().splitlines()[0].strip() if doc and doc.strip() else ""
        why = shows_code(first)
        if why:
            found.code_hints.append(CodeHint(name, test.body[0].lineno, "name", first, why))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for text, line in _first_hints(node):
                why = shows_code(text)
                if why:
                    found.code_hints.append(CodeHint(owner.get(id(node), ""), line, "hint", text, why))
        elif isinstance(node, ast.Compare) and _float_equality(node):
            found.float_equals.append(FloatEquals(owner.get(id(node), ""), node.lineno, ast.unparse(node)))
    found.code_hints.sort(key=lambda c: c.line)
    found.float_equals.sort(key=lambda c: c.line)


def _first_hints(call: ast.Call) -> list[tuple[str, int]]:
    """The static texts of the hints this call gives at once (never its then=)."""
    name = _dotted(call.func).rsplit(".", 1)[-1]
    values = [k.value for k in call.keywords if k.arg == "hint"]
    if name == "hint" and call.args:
        values.append(call.args[0])
    elif name in _HINTED and len(call.args) > _HINTED[name]:
        values.append(call.args[_HINTED[name]])
    return [(text, value.lineno) for value in values for text in _static(value)]


def _static(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return []


def _float_equality(node: ast.Compare) -> bool:
    if not any(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
        return False
    sides = [node.left, *node.comparators]
    return any(_floaty(side) for side in sides)


def _floaty(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, float)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _floaty(node.operand)
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "item" and not node.args:
            return True
        return isinstance(node.func, ast.Name) and node.func.id == "float"
    return False


def check_name(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """As the runner names a check: its docstring's first line, else its name in words."""
    doc = (ast.get_docstring(function) or "").strip()
    return doc.splitlines()[0].strip() if doc else function.name.removeprefix("test_").replace("_", " ")


# The checks and their markers ----------------------------------------------------------

def _tests(tree: ast.Module) -> list[tuple[ast.FunctionDef, list[ast.expr]]]:
    """Every test function with the decorators that apply to it (its class's too)."""
    found = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            found.append((node, list(node.decorator_list)))
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    found.append((item, list(node.decorator_list) + list(item.decorator_list)))
    return found


def _pytestmark_values(tree: ast.Module) -> list[ast.expr]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            value = node.value
            return list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else [value]
    return []


def _pytestmark_needs(tree: ast.Module) -> set[str]:
    return _marked_needs(_pytestmark_values(tree))


def _marked_needs(decorators: list[ast.expr]) -> set[str]:
    """``requires("cuda")``, ``pytest.mark.requires(...)``, and ``skipif`` conditions that
    name a need (``skipif(not torch.cuda.is_available(), ...)``)."""
    needs: set[str] = set()
    for decorator in decorators:
        if _is_mark(decorator, "requires"):
            needs |= {a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
        elif _is_mark(decorator, "skipif"):
            text = ast.unparse(decorator)
            needs |= {need for need in NEEDS if need in text}
    return needs


def _parametrized_cuda(decorators: list[ast.expr]) -> list[Use]:
    """A case on the "cuda" device in ``parametrize`` (one in ``pytest.param(..., marks=…)``
    decides for itself)."""
    uses = []
    for decorator in decorators:
        if not (_is_mark(decorator, "parametrize") and len(decorator.args) >= 2):
            continue
        cases = decorator.args[1]
        for case in cases.elts if isinstance(cases, (ast.List, ast.Tuple)) else []:
            values = case.elts if isinstance(case, ast.Tuple) else [case]
            if any(_names_cuda(v) for v in values):
                uses.append(("cuda", case.lineno, f"the parametrized case {ast.unparse(case)}", True))
    return uses


def _importorskips(function: ast.AST) -> set[str]:
    needs = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and _dotted(node.func).endswith("importorskip") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                needs.add(first.value.split(".")[0])
    return needs


def _is_mark(decorator: ast.expr, mark: str) -> bool:
    """``mark(...)`` (the torch_dojo.testing helper) or ``pytest.mark.mark(...)``."""
    return isinstance(decorator, ast.Call) and _dotted(decorator.func) in (mark, f"pytest.mark.{mark}",
                                                                            f"mark.{mark}")


def _bad_points(decorator: ast.expr) -> bool:
    if not _is_mark(decorator, "points"):
        return False
    if len(decorator.args) != 1 or decorator.keywords:
        return True
    value = decorator.args[0]
    if not isinstance(value, ast.Constant):
        return False  # worked out at run time: the helper checks it then
    return isinstance(value.value, bool) or not isinstance(value.value, (int, float)) or not value.value > 0


# What a piece of code touches ----------------------------------------------------------

def _evidence(body: list[ast.stmt], *, guarded: bool, top_level: bool = False) -> list[Use]:
    """(need, line, what, certain) for each use in ``body`` outside guards and try blocks; nested
    functions and classes are left to the call graph (top level: they are not run)."""
    uses: list[Use] = []
    for statement in body:
        uses += _uses(statement, guarded, top_level)
    return uses


def _uses(node: ast.AST, guarded: bool, top_level: bool) -> list[Use]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) and top_level:
        return []
    if isinstance(node, (ast.If, ast.IfExp, ast.While)) and _is_guard(node.test):
        guarded = True
    if guarded:  # code under `if torch.cuda.is_available():` decides for itself
        return []
    if isinstance(node, ast.Try) and node.handlers:  # `try: import torchvision` / `except ...:`
        rest = [*node.handlers, *node.orelse, *node.finalbody]
        return [use for part in rest for use in _uses(part, guarded, top_level)]
    uses = []
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        if any(m.split(".")[0] == "torchvision" for m in modules):
            uses.append(("torchvision", node.lineno, "`import torchvision`", True))
    elif isinstance(node, ast.Call):
        what, certain = _cuda_call(node)
        if what:
            uses.append(("cuda", node.lineno, what, certain))
    for child in ast.iter_child_nodes(node):
        uses += _uses(child, guarded, top_level)
    return uses


def _cuda_call(call: ast.Call) -> tuple[str, bool]:
    """How this call uses CUDA ("" for not at all), and whether it surely does."""
    name = _dotted(call.func)
    if isinstance(call.func, ast.Attribute) and call.func.attr == "cuda":
        return "`.cuda()`", True
    if name.startswith("torch.cuda.") and name.rsplit(".", 1)[1] not in _CUDA_SAFE:
        return f"`{name}()`", True
    if _is_device(call):
        return "", False  # torch.device("cuda") names a device; using it is what counts
    for value in [*call.args, *(k.value for k in call.keywords)]:
        if _names_cuda(value):
            torchs = name.startswith("torch.") or (isinstance(call.func, ast.Attribute) and call.func.attr == "to")
            return f"the device {ast.unparse(value)} given to `{name or 'a call'}(...)`", torchs
    return "", False


def _names_cuda(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(_CUDA_DEVICE.match(node.value))
    return isinstance(node, ast.Call) and _is_device(node) and any(_names_cuda(a) for a in node.args)


def _is_device(call: ast.Call) -> bool:
    return _dotted(call.func) in ("torch.device", "device")


def _is_guard(test: ast.expr) -> bool:
    text = ast.unparse(test)
    return any(word in text for word in _GUARDS)


def _dotted(node: ast.expr) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):  # super().cuda(), torch.zeros(2).cuda()
        parts.append("()")
    return ".".join(reversed(parts))


def _reachable(test: ast.FunctionDef, functions: dict[str, ast.AST]) -> list[str]:
    """The file's functions a test reaches: those it names (called, or handed on, like a
    torchrun probe), the fixtures it asks for, and theirs in turn."""
    order: list[str] = []
    todo = [a.arg for a in test.args.args if a.arg in functions] + _named(test, functions)
    while todo:
        name = todo.pop(0)
        if name in order or name == test.name:
            continue
        order.append(name)
        node = functions[name]
        todo += [a.arg for a in node.args.args if a.arg in functions] + _named(node, functions)
    return order


def _named(node: ast.AST, functions: dict[str, ast.AST]) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in functions]


def _first_per_need(uses: list[Use]) -> list[Use]:
    first: dict[str, Use] = {}
    for use in sorted(uses, key=lambda u: not u[3]):
        first.setdefault(use[0], use)
    return list(first.values())
