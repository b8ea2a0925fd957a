"""The exercise list, grouped by pack (when there are several) and chapter, each with its
status; the progress of them all below."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from torch_dojo.pack import Exercise
from torch_dojo.tui.messages import ExerciseChosen
from torch_dojo.session import Session

# status -> (mark, style); the styles are theme-aware names from the stylesheet's palette
MARKS = {
    "passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("✗", "red"), "timeout": ("⏱", "red"),
    "memory": ("M", "red"), "skipped": ("–", "yellow"), "not tried": ("·", "dim"), "running": ("⟳", "cyan"),
    "not_run": ("·", "dim"),  # a check a timeout or crash kept from running
    "changed": ("•", "yellow"),  # saved since its last verdict: being checked again
}


DUE = ("↻", "yellow")  # passed, and due for review (review.py)


def entry(exercise: Exercise, status: str, missing: str, due: bool = False) -> Text:
    mark, style = DUE if due and status == "passed" else MARKS.get(status, ("?", ""))
    text = Text.assemble((mark, style), " ", (exercise.id, "bold"), " ", exercise.title)
    if missing:
        text.append(f"\n     {missing}", style="dim yellow")
    return text


class ExerciseList(Vertical):
    """Posts ``ExerciseChosen`` when the learner moves to an exercise."""

    _by_key: dict[str, Exercise] = {}

    def compose(self) -> ComposeResult:
        yield OptionList(id="exercises")
        yield ProgressBar(id="pack-progress", show_eta=False)
        yield Label("", id="pack-progress-label")

    def show(self, session: Session, current: Exercise, *, running: str = "",
             pending_only: bool = False) -> None:
        """Draw every exercise (or only those not passed) with ``current`` highlighted."""
        self._by_key = {session.key(e): e for e in session.exercises}
        options: list[Option] = []
        several = len(session.packs) > 1
        for pack in session.packs:
            if several:  # the pack's title and its own progress head its chapters
                head = f"{pack.title}  {session.passed_count(pack)}/{len(pack.exercises)}"
                options.append(Option(Text(head, style="bold reverse"), disabled=True))
            chapter = None
            for exercise in pack.exercises:
                key = session.key(exercise)
                status = "running" if key == running else session.status(exercise)
                if pending_only and status == "passed" and exercise != current:
                    continue
                if exercise.chapter != chapter:
                    chapter = exercise.chapter
                    options.append(Option(Text(chapter, style="bold"), disabled=True))
                options.append(Option(entry(exercise, status, session.missing(exercise), session.is_due(exercise)),
                                      id=key))
        listing = self.query_one(OptionList)
        with listing.prevent(OptionList.OptionHighlighted):
            listing.set_options(options)
            listing.highlighted = listing.get_option_index(session.key(current))
        total, done = len(session.exercises), session.passed_count()
        self.query_one(ProgressBar).update(total=total, progress=done)
        filtered = "  (showing what is left: f shows all)" if pending_only else ""
        due = len(session.reviews()[0])
        reviews = f" · {due} ↻ due (v)" if due else ""
        self.query_one("#pack-progress-label", Label).update(f"{done} of {total} passed{reviews}{filtered}")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id in self._by_key:
            self.post_message(ExerciseChosen(self._by_key[event.option.id]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # Enter on an exercise: already chosen by highlighting it
