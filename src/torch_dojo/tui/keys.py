"""Every key of the workbook, in one table: it feeds the screen's bindings (and so the
footer), the command palette's entries and the help screen's table."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

TABS = ("task", "verdict", "file", "output", "chart", "docs")


@dataclass(frozen=True)
class Key:
    key: str  # Textual's name of the key
    action: str  # the screen's action it runs ("" for a row of the help table alone)
    label: str = ""  # in the footer ("" keeps it out)
    command: str = ""  # its name in the command palette ("" keeps it out)
    explains: str = ""  # the palette's line under that name
    help: tuple[str, str] | None = None  # its row in the help table: the keys, what they do
    footer: bool = True  # shown in the footer
    priority: bool = False  # before the focused widget's own binding of the key (the list's PgDn)

    @property
    def typed(self) -> str:
        """The key as the learner types it ("?", not Textual's "question_mark")."""
        return "?" if self.key == "question_mark" else self.key

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.label, show=self.footer, priority=self.priority)


KEYS = (
    Key("r", "run", "Run", "Run the checks", "Judge the current exercise's file now",
        ("r", "run the checks now")),
    Key("n", "move(1)", "Next", "Next exercise", "Move to the next exercise",
        ("n / p", "next / previous exercise (↑ ↓ move in the list too)")),
    Key("p", "move(-1)", "Prev", "Previous exercise", "Move to the previous exercise"),
    Key("h", "hint", "Hint", "Next hint", "Reveal one more hint (remembered)",
        ("h", "the next hint, one at a time (remembered)")),
    Key("s", "solution", "Solution", "Show the solution", "The reference solution (asks first before a pass)",
        ("s", "the reference solution (after a pass; before it, you are asked first)")),
    Key("e", "edit", "Edit", "Open in editor", "Open the exercise's file in $VISUAL / $EDITOR",
        ("e", "open your file in $VISUAL / $EDITOR")),
    Key("x", "reset", "Reset", "Reset the exercise", "A fresh starter; your file is backed up",
        ("x", "reset the exercise to a fresh starter (your file is backed up first)")),
    Key("f", "filter", "Left to do", "Show what is left to do", "Toggle: only exercises not passed yet",
        ("f", "show only the exercises not passed yet")),
    Key("v", "review", "Review", "Start a review", "Solve a passed exercise again on a fresh copy; v again checks it",
        ("v", "review: solve a passed exercise again on a fresh copy (↻ in the list: due); v again checks it"),
        footer=False),
    *(Key(str(n), f"tab('{tab}')", tab.title(), footer=False,
          help=("1 … 6", "task, verdict, your file, output, chart, docs") if n == 1 else None)
      for n, tab in enumerate(TABS, start=1)),
    Key("pagedown", "scroll_page(1)", footer=False, priority=True,
        help=("PgDn / PgUp", "scroll the tab shown (the verdict, the task …), wherever the focus is")),
    Key("pageup", "scroll_page(-1)", footer=False, priority=True),
    Key("tab", "", help=("Tab", "move the focus from the list into the tab shown (there ↑ ↓ scroll it)")),
    Key("ctrl+p", "", help=("ctrl+p", "the command palette: every action by name, jump to an exercise "
                            "by id, name or title (\"04\", \"autograd\"), themes")),
    Key("question_mark", "help", "Help", "Keys", "Every key of the workbook", ("?", "this help")),
    Key("q", "app.quit", "Quit", help=("q", "quit (your progress is saved as you go)")),
)


def bindings() -> list[Binding]:
    return [k.binding() for k in KEYS if k.action]


def commands() -> list[Key]:
    """The keys the command palette lists, by name."""
    return [k for k in KEYS if k.command]


def help_table() -> str:
    rows = [k.help for k in KEYS if k.help]
    return "\n".join(["| key | does |", "|---|---|", *(f"| `{keys}` | {does} |" for keys, does in rows)])
