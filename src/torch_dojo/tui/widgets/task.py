"""The task of the exercise (Markdown), where its file is, and the hints opened so far."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from torch_dojo.pack import Exercise


def task_markdown(exercise: Exercise, file: str, hints: list[str]) -> str:
    parts = [f"## {exercise.id} · {exercise.title}",
             f"*Book section {exercise.book}* · your file: `{file}`" if exercise.book else f"Your file: `{file}`",
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

    def show(self, exercise: Exercise, file: str, hints: list[str]) -> None:
        self.query_one(Markdown).update(task_markdown(exercise, file, hints))
