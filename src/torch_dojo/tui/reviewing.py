"""Reviews in the workbook (review.py has the schedule): `v` starts one on a fresh copy of a
passed exercise's starter, and `v` again, once the copy was edited, checks it.

The workbook mixes ``ReviewActions`` in; a review is judged in a thread worker of its own
group, so a save of the learner's file never cancels it (nor it a save's check). The
learner's solved file is never touched: the review copy is under .dojo/review/.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.worker import get_current_worker

from torch_dojo import clock, record, review, runner
from torch_dojo.pack import Exercise
from torch_dojo.session import Session, WorkspaceGone
from torch_dojo.tui.messages import ReviewChecked
from torch_dojo.tui.screens.message import MessageScreen
from torch_dojo.verdict import Status, Verdict


def target(session: Session, current: Exercise) -> Exercise | None:
    """The exercise `v` reviews: the current one when a review of it is under way, is due or
    it passed; else the first one due; None when nothing passed yet."""
    if os.path.lexists(session.review_copy(current)) or session.is_due(current):
        return current
    due, _ = session.reviews()
    if due:
        return due[0].exercise
    return current if session.record_of(current).ever_passed else None


def welcome_back(session: Session) -> str:
    """What the workbook says on opening when reviews are due; "" when none is."""
    due, _ = session.reviews()
    if not due:
        return ""
    names = "\n".join(f"- **{r.exercise.id}** {r.exercise.title}" for r in due[:8])
    more = f"\n- … and {len(due) - 8} more" if len(due) > 8 else ""
    passed = session.passed_count()
    return f"""# Welcome back

{passed} of {len(session.exercises)} exercises passed. **{len(due)} {'is' if len(due) == 1 else 'are'} due
for review** (marked ↻ in the list): solving one again, from a fresh starter, is what makes
it stick.

{names}{more}

Press **`v`** to start a review: a fresh copy of the starter is put in `.dojo/review/`
(your solved file stays as it is); solve it there, then press `v` again to check it.
"""


def started(exercise: Exercise, copy: Path, solved: Path, due: str) -> str:
    return f"""# Review: {exercise.id} · {exercise.title}

A fresh copy of the starter is at

**`{copy}`**

Open it in your editor and solve it again, without looking at your solved file
(`{solved}`, which stays as it is). Then press **`v`** to check it. {due}

A review that passes comes back later (3, then 7, then every 21 days); one that does not
comes back tomorrow.
"""


def result(exercise: Exercise, verdict: Verdict, copy: Path, when: str) -> str:
    if verdict.passed:
        return (f"# Review passed\n\n**{exercise.id} · {exercise.title}**: well remembered. It comes back "
                f"{when}.\n\nThe copy you solved is put away in `.dojo/backups/review/`; the next review starts "
                "from the starter again.\n")
    failing = [c for c in verdict.checks if c.status not in (Status.PASSED, Status.SKIPPED)]
    lines = [f"- **{c.name}**: {c.message or c.status.value}" + (f"\n  *Hint:* {c.hint}" if c.hint else "")
             for c in failing[:3]]
    why = verdict.message or f"{len(failing)} check{'s' if len(failing) != 1 else ''} did not pass"
    return (f"# Review not passed yet\n\n**{exercise.id} · {exercise.title}**: {why}.\n\n" + "\n".join(lines)
            + f"\n\nIt comes back {when}. Your copy stays at `{copy}`: fix it and press **`v`** again.\n")


class ReviewActions:
    """The workbook's `v`: start a review, or check the one under way. Mixed into the
    ``WorkbookScreen``, whose ``session``, ``current``, check function (``_check``) and
    redrawing methods it uses; it adds ``show_record`` for the screen."""

    def action_review(self) -> None:
        session: Session = self.session
        exercise = target(session, self.current)
        if exercise is None:
            self.notify("Nothing to review yet: an exercise you pass comes back for review after 1, 3, 7 and "
                        "21 days. Pass this one first.", timeout=10)
            return
        if exercise != self.current:
            self.show_exercise(exercise)
        copy = session.review_copy(exercise)
        if not os.path.lexists(copy):
            self._start_review(exercise)
        elif review.untouched(copy, exercise):
            self.notify(f"{copy} is still the starter: solve it in your editor, then press v to check it.",
                        title="Review", timeout=15)
        else:
            self.query_one("#status").running("checking your review")
            self.run_worker(lambda: self._judge_review(exercise, copy), thread=True, group="review",
                            exclusive=True, exit_on_error=False)

    def _start_review(self, exercise: Exercise) -> None:
        session: Session = self.session
        try:
            copy = session.start_review(exercise)
        except WorkspaceGone:
            self.notice_gone()
            return
        except OSError as err:
            self.notify(f"Could not make the review copy: {err.strerror or err}. Your files are untouched.",
                        title="No review", severity="error", timeout=20)
            return
        due = review.due_date(session.record_of(exercise).review_due)
        today = clock.today()
        note = ("It is due today." if due is None or due <= today else
                f"It is not due until {due.isoformat()}: a review now counts all the same.")
        self.app.push_screen(MessageScreen(started(exercise, copy, session.file_for(exercise), note)))

    def _judge_review(self, exercise: Exercise, copy: Path) -> None:
        """In a thread worker: judge the copy, record the review, post what came of it."""
        worker = get_current_worker()
        try:
            verdict = self._check(exercise, copy, cancelled=lambda: worker.is_cancelled)
        except runner.Cancelled:
            return
        except Exception as err:  # our bug, not the learner's: keep the workbook alive and say so
            self.post_message(ReviewChecked(exercise, None, copy, f"{type(err).__name__}: {err}"))
            return
        self.session.reviewed(exercise, verdict)
        self.post_message(ReviewChecked(exercise, verdict, copy))

    def on_review_checked(self, message: ReviewChecked) -> None:
        session: Session = self.session
        self.show_verdict(self.current)
        self.redraw_list()
        self.show_record(self.current)
        if message.verdict is None:
            self.notify(f"torch-dojo could not check your review ({message.error}). Your copy is untouched; "
                        "press v to try again.", severity="error", timeout=20)
            return
        self.said_saved(session.not_saved)
        due = review.due_date(session.record_of(message.exercise).review_due)
        when = review.when(due, clock.today()) if due else "tomorrow"
        self.app.push_screen(MessageScreen(result(message.exercise, message.verdict, message.copy, when)))

    def show_record(self, exercise: Exercise) -> None:
        """The learner's record of ``exercise`` under its task (checks, first pass, next review)."""
        text = record.line(self.session.record_of(exercise))
        self.query_one("#task-record").update(f"Your record: {text}" if text else "")
