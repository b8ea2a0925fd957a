"""The task of the exercise (Markdown), where its file is, and the hints opened so far."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownBlock

from torch_dojo.pack import Exercise


def task_markdown(exercise: Exercise, file: str, hints: list[str]) -> str:
    name = Path(file).name  # the whole path is in the line above; a name never breaks at 80 columns
    parts = [f"## {exercise.id} · {exercise.title}",
             f"*Book section {exercise.book}* · your file: `{name}`" if exercise.book else f"Your file: `{name}`",
             exercise.task.strip()]
    if hints:
        parts.append("### Hints")
        parts += [f"{n}. {text}" for n, text in enumerate(hints, start=1)]
    left = len(exercise.hints) - len(hints)
    parts.append(f"*{left} more hint{'s' if left != 1 else ''}: press h.*" if left else "*No more hints: "
                 "s shows the solution.*")
    return "\n\n".join(parts)


class TaskView(VerticalScroll):
    def compose(self):
        yield Markdown(id="task-body")
        yield Static("", id="task-record")  # the learner's record of the exercise (tui/reviewing.py)

    def show(self, exercise: Exercise, file: str, hints: list[str], *, at_hints: bool = False) -> None:
        """``at_hints``: scrolled so that the hints head the view (a new one just came: the
        toast that repeats it, at the bottom, covers none of them)."""
        drawn = self.query_one(Markdown).update(task_markdown(exercise, file, hints))
        if at_hints and hints:
            async def scroll() -> None:
                await drawn
                heads = [b for b in self.query(MarkdownBlock) if (b.source or "").startswith("### Hints")]
                if heads:
                    self.scroll_to_widget(heads[-1], top=True, animate=False)
            self.run_worker(scroll(), group="task-scroll", exclusive=True)
