"""Moving around the workbook: to another exercise (the list, n / p, the command palette),
to another tab, and through the tab shown (PgUp / PgDn, whatever has the focus)."""

from __future__ import annotations

from textual.widgets import TabbedContent

from torch_dojo.pack import Exercise
from torch_dojo.tui.messages import ExerciseChosen


class Navigation:
    """The workbook screen's moves (a part of ``WorkbookScreen``, which draws and checks)."""

    def on_exercise_chosen(self, message: ExerciseChosen) -> None:
        self.go_to(message.exercise)

    def go_to(self, exercise: Exercise) -> None:
        """Show ``exercise`` (picked in the list or the command palette)."""
        if exercise != self.current:
            self.show_exercise(exercise)

    def action_move(self, step: int) -> None:
        other = self.session.neighbour(self.current, step, pending_only=self.pending_only)
        if other is None:
            self.notify("That was the last exercise." if step > 0 else "This is the first exercise.")
        else:
            self.show_exercise(other)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_scroll_page(self, step: int) -> None:
        """A page down (or up) in the tab shown, the verdict most often: PgUp / PgDn scroll it
        wherever the focus is (the list keeps ↑ ↓ and Home / End)."""
        pane = self.query_one(TabbedContent).active_pane
        view = pane.children[0] if pane is not None and pane.children else None
        if view is not None:
            (view.scroll_page_down if step > 0 else view.scroll_page_up)(animate=False)

    def action_filter(self) -> None:
        self.pending_only = not self.pending_only
        self.redraw_list()
