"""What the one-off screens say: the first start, the finished pack, the help."""

from __future__ import annotations

from torch_dojo.session import Session

KEYS = [
    ("r", "run the checks now"),
    ("n / p", "next / previous exercise (↑ ↓ move in the list too)"),
    ("h", "the next hint, one at a time (remembered)"),
    ("s", "the reference solution (after a pass; before it, you are asked first)"),
    ("e", "open your file in $VISUAL / $EDITOR"),
    ("x", "reset the exercise to a fresh starter (your file is backed up first)"),
    ("f", "show only the exercises not passed yet"),
    ("1 … 5", "task, verdict, your file, output, chart"),
    ("ctrl+p", "the command palette: every action by name, and themes"),
    ("?", "this help"),
    ("q", "quit (your progress is saved as you go)"),
]


def keys_table() -> str:
    return "\n".join(["| key | does |", "|---|---|", *(f"| `{k}` | {d} |" for k, d in KEYS)])


def welcome(session: Session) -> str:
    total = len(session.exercises)
    return f"""# Welcome to torch-dojo

**{session.title}**: {total} exercises, each a small Python file you complete.

Your files are in **`{session.workspace.root}`**, one per exercise. They are yours: open
the current one in any editor (or press `e`), write the code its docstring asks for, and
**save**. Every save runs hidden checks in a separate process, and this screen shows what
passed, what was expected, and a hint aimed at your mistake.

Stuck? `h` opens one hint at a time. After a pass, `s` shows the reference solution to
compare with. Your progress is saved as you go: quit with `q`, come back with `torch-dojo`.

{keys_table()}
"""


def finished(session: Session) -> str:
    return f"""# Every exercise passed

You finished **{session.title}**: {len(session.exercises)} of
{len(session.exercises)} exercises. Well done.

- Compare your files with the reference solutions (`s` on any exercise).
- Run the whole pack headless, as a CI job would: `torch-dojo check --all`.
- Your files stay in `{session.workspace.root}`; `x` resets one to practise again.
"""


def help_text(polling: str) -> str:
    watch = (f"**Saves are noticed by polling** ({polling}): a save shows up within a second. "
             "If one never does, press `r`." if polling else
             "Saves are noticed as they happen. If your editor saves somewhere the dojo cannot see, press `r`.")
    return f"# Keys\n\n{keys_table()}\n\n{watch}\n"
