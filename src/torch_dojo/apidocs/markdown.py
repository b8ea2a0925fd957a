"""A PyTorch docstring as Markdown, for Textual's Markdown widget and rich's.

PyTorch writes its docstrings for Sphinx: Google-style sections (``Args:``, ``Returns:``,
``Shape:``), reStructuredText directives (``.. note::``, ``.. math::``, ``.. method::``),
literal blocks after ``::``, doctest blocks (``>>>``) and roles (``:class:`~torch.Tensor```,
``:math:`y = xA^T```, ``:ref:`text <target>```). Shown as they are, they read like markup;
here sections become headings, arguments a list, notes quotes, literal and doctest blocks
fenced code, and roles code spans (``~torch.Tensor`` shown as ``Tensor``, as Sphinx does).
Offline, line by line: no docutils, whose errors on PyTorch's loose reST would reach the
learner.
"""

from __future__ import annotations

import re

SECTIONS = ("args", "arguments", "parameters", "params", "keyword args", "keyword arguments", "kwargs",
            "returns", "return", "return type", "yields", "raises", "shape", "attributes", "example",
            "examples", "note", "notes", "warning", "warnings", "see also", "references", "variables",
            "inputs", "outputs", "example usage")
LISTED = {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments", "kwargs",
          "attributes", "raises", "variables", "inputs", "outputs"}  # "name (type): what" items
QUOTED = {"note", "warning", "tip", "important", "caution", "attention", "danger", "hint", "seealso",
          "deprecated", "versionadded", "versionchanged", "versionremoved", "admonition", "todo"}
CODE = {"code", "code-block", "sourcecode", "testcode", "testoutput", "doctest", "math", "highlight"}
SIGNATURES = {"method", "function", "class", "attribute", "data", "property", "decorator"}
DROPPED = {"autosummary", "toctree", "image", "figure", "raw", "only", "include", "currentmodule",
           "autofunction", "autoclass", "automethod", "automodule", "module", "index"}
_TITLES = {"seealso": "See also", "versionadded": "New in version", "versionchanged": "Changed in version",
           "versionremoved": "Removed in version"}

_SECTION = re.compile(r"^(?P<title>[A-Za-z ]+?)\s*(?P<colons>::?)\s*$")
_DIRECTIVE = re.compile(r"^\.\.\s+(?:py:)?(?P<name>[\w-]+)::\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^:[\w-]+:(\s.*)?$")
_BULLET = re.compile(r"^([-*+]|\d+[.)]) ")
_SIGNATURE = re.compile(r"^[\w.]+\(.*\)(\s*->\s*\S.*)?$")
_ITEM = re.compile(r"^(?P<name>\*{0,2}[\w.]+(?:\s*,\s*\*{0,2}[\w.]+)*)\s*(?:\((?P<type>[^)]*(?:\([^)]*\)[^)]*)*)\))?"
                   r"\s*:\s*(?P<what>.*)$")
_ROLE = re.compile(r":(?:py:)?(?P<role>[a-z]+):``?(?P<text>[^`]+)``?")  # (``x``: a slip PyTorch makes)
_LITERAL = re.compile(r"``(?P<text>[^`]+?)``")
_LINK = re.compile(r"`(?P<text>[^`<]+?)\s*<(?P<url>[^>]+)>`__?")
_REFERENCE = re.compile(r"`(?P<text>[^`]+)`__?(?=\W|$)")


def to_markdown(doc: str) -> str:
    """The docstring ``doc`` (as ``inspect.getdoc`` gives it) as Markdown."""
    lines = _dedent(doc.expandtabs(4).splitlines())
    if lines and _SIGNATURE.match(lines[0].strip()):  # a builtin's docstring opens with its signature
        out = _fence([lines[0].strip()], "python")
        lines = lines[1:]
    else:
        out = []
    out += _render(lines)
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def inline(text: str) -> str:
    """Roles, literals and links of one line of prose, as Markdown."""
    text = _ROLE.sub(_role, text)
    text = _LITERAL.sub(lambda m: _code(m.group("text")), text)
    text = _LINK.sub(lambda m: f"[{m.group('text')}]({m.group('url')})", text)
    return _REFERENCE.sub(lambda m: m.group("text"), text)


def _role(match: re.Match) -> str:
    role, text = match.group("role"), match.group("text")
    titled = re.match(r"^(?P<title>.+?)\s*<(?P<target>[^>]+)>$", text)
    if role in ("ref", "doc", "term"):
        return titled.group("title") if titled else text
    if role == "math":
        return _code(text)
    if titled:
        return _code(titled.group("title"))
    text = text.lstrip("!")
    if text.startswith("~"):
        text = text[1:].rsplit(".", 1)[-1]
    return _code(text)


def _code(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _render(lines: list[str]) -> list[str]:
    """Markdown lines for ``lines``, whose shallowest line starts at column 0."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.strip()
        if not text:
            out.append("")
            i += 1
            continue
        indent = _indent(line)
        if indent:  # a block quote in reST: read as it is, one level out
            body, i = _block(lines, i, indent - 1)
            out += _render(_dedent(body))
            continue
        if text.startswith(">>>"):
            end = i
            while end < len(lines) and lines[end].strip():
                end += 1
            out += _fence(lines[i:end], "python")
            i = end
            continue
        directive = _DIRECTIVE.match(text)
        if directive:
            body, i = _block(lines, i + 1, 0)
            out += _directive(directive.group("name").lower(), directive.group("arg").strip(), _dedent(body))
            continue
        if text.startswith(".."):  # a comment or a target (".. _label:"): not for reading
            _, i = _block(lines, i + 1, 0)
            continue
        section = _SECTION.match(text)
        if section and section.group("title").strip().lower() in SECTIONS:
            title = section.group("title").strip()
            body, i = _block(lines, i + 1, 0)
            out += ["", f"#### {title[0].upper()}{title[1:]}", ""]
            body = _dedent(body)
            if section.group("colons") == "::":
                out += _fence(body, "python")
            elif title.lower() in LISTED:
                out += _items(body)
            else:
                out += _render(body)
            continue
        i = _paragraph(lines, i, out)
    return out


def _paragraph(lines: list[str], i: int, out: list[str]) -> int:
    """Prose up to a blank line or a block; a paragraph ending in ``::`` introduces code."""
    start = i
    listed = bool(_BULLET.match(lines[i]))  # a list: its items' deeper lines continue them
    i += 1
    while i < len(lines) and lines[i].strip() and (listed or not _indent(lines[i])) and not _opens_block(lines[i]):
        i += 1
    para = [line.strip() for line in lines[start:i]]
    literal = para[-1].endswith("::")
    if literal:
        para[-1] = para[-1][:-2].rstrip() + ("" if para[-1] == "::" or para[-1].endswith(" ::") else ":")
    if _is_table(para):
        out += _fence(para, "text")
    else:  # roles and literals may run over a line's end
        out += inline("\n".join(p for p in para if p)).split("\n")
    if literal:
        j = i
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j < len(lines) and _indent(lines[j]):
            body, i = _block(lines, j, 0)
            out += [""] + _fence(_dedent(body), "python")
    return i


def _opens_block(line: str) -> bool:
    text = line.strip()
    section = _SECTION.match(text)
    return text.startswith((">>>", ".. ")) or bool(section and section.group("title").strip().lower() in SECTIONS)


def _items(lines: list[str]) -> list[str]:
    """An ``Args:``-like section: "name (type): what" items, each with its deeper lines."""
    out: list[str] = []
    item: list[str] = []  # the item's name and type as Markdown, then its lines as written

    def flush() -> None:
        if item:
            what = inline(" ".join(item[1:]).strip())
            out.append(item[0] + (f": {what}" if what else ""))
            item.clear()

    i = 0
    while i < len(lines):
        line, text = lines[i], lines[i].strip()
        if not text:
            flush()
            out.append("")
            i += 1
            continue
        block = text.startswith(("- ", "* ", ">>>", ".."))
        match = None if _indent(line) or block else _ITEM.match(text)
        if match:
            flush()
            kind = f" ({inline(match.group('type').strip())})" if match.group("type") else ""
            item += [f"- {_code(match.group('name'))}{kind}", match.group("what").strip()]
        elif item and not block:  # deeper, or PyTorch's unindented continuation line
            item.append(text)
        else:  # prose, a list, an example: as anywhere else
            flush()
            end = i
            while end < len(lines) and lines[end].strip():
                end += 1
            out += ["", *_render(_dedent(lines[i:end])), ""]
            i = end
            continue
        i += 1
    flush()
    return out


def _directive(name: str, arg: str, body: list[str]) -> list[str]:
    while body and _OPTION.match(body[0].strip()):
        body = body[1:]
    body = _dedent(body)
    if name in DROPPED:
        return []
    if name in CODE:
        if name in ("math", "testoutput"):  # ".. math:: x = y" holds its formula on the line
            return ["", *_fence(([arg] if arg else []) + body, "text"), ""]
        return ["", *_fence(body, arg.split()[0] if arg else "python"), ""]
    if name in SIGNATURES:
        return ["", *_fence([arg], "python"), "", *_render(body)]
    if name in QUOTED:
        title = _TITLES.get(name, name.title())
        said = _trimmed(_render(body))
        first = f"**{title}**" + (f" {inline(arg)}" if arg else "")
        return ["", *(f"> {line}".rstrip() for line in [first, "", *said]), ""]
    return _render(([arg] if arg else []) + body)


def _block(lines: list[str], i: int, indent: int) -> tuple[list[str], int]:
    """The lines from ``i`` on that are blank or indented deeper than ``indent`` (trailing
    blank lines left for the caller), and the index after them."""
    end = i
    last = i
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
        if lines[end - 1].strip():
            last = end
    return lines[i:last], last


def _fence(lines: list[str], lang: str) -> list[str]:
    lines = _trimmed(_dedent(lines))
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", *lines, fence]


def _is_table(para: list[str]) -> bool:
    """A reST simple or grid table: its rules are runs of = or -+ only."""
    return any(re.fullmatch(r"[=+\- ]{3,}", p) and ("=" in p or "+" in p) for p in para) and len(para) > 2


def _trimmed(lines: list[str]) -> list[str]:
    """Without the blank lines at either end."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dedent(lines: list[str]) -> list[str]:
    depth = min((_indent(line) for line in lines if line.strip()), default=0)
    return [line[depth:] if line.strip() else "" for line in lines]
