"""The Docs tab: PyTorch's own documentation of the APIs the current exercise teaches.

Cheap to compose (one Markdown widget with a line of text); the text is asked of the
installed torch (``apidocs.lookup``: a probe process, or the cache) in a thread worker, and
only once the tab is shown: an exercise whose docs nobody opens costs nothing. The worker
posts ``DocsLoaded``; a page that arrives for an exercise no longer shown is dropped.
"""

from __future__ import annotations

from typing import Callable

from textual import work
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from torch_dojo.apidocs import page
from torch_dojo.apidocs.lookup import Docs, lookup
from torch_dojo.pack import Exercise
from torch_dojo.tui.messages import DocsLoaded


def loading(exercise: Exercise) -> str:
    names = " · ".join(f"`{n.name}`" for n in exercise.docs)
    return f"*Asking the installed torch for its documentation of {names}…* (the first time takes a few seconds)"


def failed(error: str) -> str:
    return (f"torch-dojo could not gather the docs ({error}). Your exercise is not affected. Switch to "
            "another exercise and back to try again, or run `torch-dojo docs ID` to see more.")


class DocsView(VerticalScroll):
    def __init__(self, docs: Callable[..., Docs] = lookup, **kwargs) -> None:
        super().__init__(**kwargs)
        self._docs = docs
        self.exercise: Exercise | None = None  # the exercise shown in the workbook
        self.loaded: Exercise | None = None  # the exercise whose page is shown, or loading

    def compose(self):
        yield Markdown("", id="docs-body")

    def show(self, exercise: Exercise) -> None:
        """The workbook moved to ``exercise``: its docs load when this tab is next shown."""
        self.exercise = exercise
        if self.is_on_screen:
            self.load()

    def on_show(self) -> None:
        self.load()

    def load(self) -> None:
        exercise = self.exercise
        if exercise is None or exercise == self.loaded:
            return
        self.loaded = exercise
        body = self.query_one("#docs-body", Markdown)
        if not exercise.docs:
            body.update(page.NONE_NAMED)
            return
        body.update(loading(exercise))
        self.fetch(exercise)

    @work(thread=True, exclusive=True, group="docs", exit_on_error=False)
    def fetch(self, exercise: Exercise) -> None:
        try:
            text = page.markdown(exercise, self._docs(exercise.docs))
        except Exception as err:  # our bug, not the learner's: said, and the workbook goes on
            text = failed(f"{type(err).__name__}: {err}")
            self.post_message(DocsLoaded(exercise, text, failed=True))
            return
        self.post_message(DocsLoaded(exercise, text))

    def on_docs_loaded(self, message: DocsLoaded) -> None:
        message.stop()
        if message.exercise != self.loaded:
            return
        if message.failed:
            self.loaded = None  # asked again when the tab is shown next
        self.query_one("#docs-body", Markdown).update(message.text)
        self.scroll_home(animate=False)
