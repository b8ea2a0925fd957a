"""What the one-off screens say: the first start, the finished pack, the help."""

from __future__ import annotations

from torch_dojo import record
from torch_dojo.session import Session
from torch_dojo.tui import keys
from torch_dojo.tui.widgets.title import shown_path


def welcome(session: Session) -> str:
    total = len(session.exercises)
    return f"""# Welcome to torch-dojo

**{session.title}**: {total} exercises, each a small Python file you complete.

Your files are in **`{shown_path(session.workspace.root)}`**, one per exercise. They are yours: open
the current one in any editor (or press `e`), write the code its docstring asks for, and
**save**. Every save runs hidden checks in a separate process, and this screen shows what
passed, what was expected, and a hint aimed at your mistake.

Stuck? `h` opens one hint at a time. After a pass, `s` shows the reference solution to
compare with. Your progress is saved as you go: quit with `q`, come back with `torch-dojo`.

{keys.help_table()}
"""


def finished(session: Session) -> str:
    summed = record.summary([(f"{e.id} {e.title}", session.record_of(e)) for e in session.exercises])
    return f"""# Every exercise passed

You finished **{session.title}**: {len(session.exercises)} of
{len(session.exercises)} exercises. Well done.

{"### Your record" if summed else ""}

{chr(10).join(f"- {line}" for line in summed)}

- Compare your files with the reference solutions (`s` on any exercise).
- Run the whole pack headless, as a CI job would: `torch-dojo check --all`.
- Your files stay in `{shown_path(session.workspace.root)}`; `x` resets one to practise again.
- What you passed comes back for review after 1, 3, 7 and 21 days (`v`, or `torch-dojo review`).
"""


def help_text(polling: str) -> str:
    watch = (f"**Saves are noticed by polling** ({polling}): a save shows up within a second. "
             "If one never does, press `r`." if polling else
             "Saves are noticed as they happen. If your editor saves somewhere the dojo cannot see, press `r`.")
    return f"# Keys\n\n{keys.help_table()}\n\n{watch}\n"
