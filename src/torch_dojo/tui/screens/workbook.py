"""The workbook: the exercise list beside the current exercise, re-checked on every save.

State lives in the ``Session`` (progress, verdicts); this screen turns keys and messages
into calls on it and redraws. Checks run in a thread worker, one at a time: a newer save
cancels the check still running (``runner.Cancelled``), so the verdict shown is always of
the file as it is now.

Nothing the learner's world can do throws: a verdict is shown even when progress cannot be
saved (then said once, and in the status line), a workspace folder moved away is said and
never written again, and a learner's "file" that is a pipe or a folder is named, not opened.
"""

from __future__ import annotations

import threading
from typing import Callable

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import TabbedContent, TabPane
from textual.worker import get_current_worker

from torch_dojo import runner
from torch_dojo.apidocs.lookup import lookup
from torch_dojo.pack import Exercise
from torch_dojo.verdict import Status, Verdict
from torch_dojo.runner.environment import probe
from torch_dojo.workspace import WorkspaceError
from torch_dojo.tui import editor, files, keys
from torch_dojo.tui.messages import CheckCrashed, CheckFinished, EnvironmentFound, FilesChanged, Polling
from torch_dojo.tui.screens import texts
from torch_dojo.tui.screens.confirm import ConfirmScreen
from torch_dojo.tui.screens.message import MessageScreen
from torch_dojo.tui.screens.navigation import Navigation
from torch_dojo.tui.screens.notices import Notices
from torch_dojo.tui.screens.solution import SolutionScreen
from torch_dojo.tui.reviewing import ReviewActions, welcome_back
from torch_dojo.tui.toasts import HintToast
from torch_dojo.tui.rechecks import Rechecks, among
from torch_dojo.tui.watch import Watcher
from torch_dojo.tui.widgets.charts import ChartView
from torch_dojo.tui.widgets.docs import DocsView
from torch_dojo.tui.widgets.chrome import DojoFooter, DojoHeader
from torch_dojo.tui.widgets.exercise_list import ExerciseList
from torch_dojo.tui.widgets.output import OutputView
from torch_dojo.tui.widgets.source import SourceView
from torch_dojo.tui.widgets.status_line import StatusLine
from torch_dojo.tui.widgets.task import TaskView
from torch_dojo.tui.widgets.title import ExerciseTitle
from torch_dojo.tui.widgets.verdict import VerdictView
from torch_dojo.session import Unsaved, Session, WorkspaceGone

NARROW = 90  # columns
FOLLOW_S = 1.0  # how often the progress file is looked at for changes made by another torch-dojo
AFTER_PAINT_S = 0.2  # from the first frame to starting the warm runner, the probe and the watcher


class WorkbookScreen(ReviewActions, Navigation, Notices, Screen):
    BINDINGS = keys.bindings()

    def __init__(self, session: Session, *, check=None, probe=probe,
                 warm_up: Callable[[], None] | None = None, first_run: bool = False, docs=lookup) -> None:
        """``check`` judges a file (runner.check's signature; by default runner.check, imported
        when the first check runs, not before the first paint), ``probe`` describes the machine,
        ``warm_up`` starts what makes checks fast (called once, after the first paint), ``docs``
        looks up the docs of an exercise's APIs (apidocs.lookup's signature)."""
        super().__init__()
        self.session, self.first_run = session, first_run
        self._check, self._probe, self._warm_up, self._docs = check, probe, warm_up, docs
        self.current = session.where_left_off()
        self.running = ""  # key (Session.key) of the exercise being checked
        self.pending_only = False
        self.polling = ""
        self.gone = ""  # the workspace folder moved or vanished: what was said about it
        self.unsaved: Unsaved | None = None  # progress could not be saved last time: what was said
        self.rechecks = Rechecks(session)  # saves to any exercise's file, and what to check next
        self._was_finished = session.all_passed()
        folders = [session.workspace.folder_for(pack.name) for pack in session.packs]
        self.watcher = Watcher(folders, lambda paths: self.post_message(FilesChanged(paths)),
                               lambda reason: self.post_message(Polling(reason)))

    def compose(self) -> ComposeResult:
        yield DojoHeader()
        with Horizontal(id="body"):
            yield ExerciseList(id="sidebar")
            with Vertical(id="main"):
                yield ExerciseTitle(id="title")
                yield StatusLine(id="status")
                with TabbedContent(id="tabs"):
                    with TabPane("Task", id="task"):
                        yield TaskView()
                    with TabPane("Verdict", id="verdict"):
                        yield VerdictView()
                    with TabPane("Your file", id="file"):
                        yield SourceView()
                    with TabPane("Output", id="output"):
                        yield OutputView()
                    with TabPane("Chart", id="chart"):
                        yield ChartView()
                    with TabPane("Docs", id="docs"):
                        yield DocsView(self._docs)
        yield DojoFooter()

    def on_mount(self) -> None:
        self.hint_toast = HintToast(self.app)
        self.app.sub_title = "looking for torch…"
        self.show_exercise(self.current)
        # a moment after the first frame, so that the terminal draws it before torch is imported
        self.call_after_refresh(lambda: self.set_timer(AFTER_PAINT_S, self.after_first_paint))
        self.say_warning()
        if self.first_run:
            self.app.push_screen(MessageScreen(texts.welcome(self.session)))
        if not self.first_run and (back := welcome_back(self.session)):
            self.app.push_screen(MessageScreen(back))

    def follow_progress(self) -> None:
        """Progress changed on disk (a `torch-dojo hint` or `check` in another terminal): show it."""
        if self.session.follow():
            self.redraw_list()
            self.query_one(TaskView).show(self.current, str(self.session.file_for(self.current)),
                                          self.session.hints_shown(self.current))
            self.show_verdict(self.current)

    def after_first_paint(self) -> None:
        """Start what competes for the two cores only once the learner sees the workbook."""
        self.watcher.start()
        self.set_interval(FOLLOW_S, self.follow_progress)
        if self._warm_up is not None:
            self._warm_up()
        self.session.changed.update(self.session.key(e) for e in self.rechecks.changed_while_away())
        checked = self.running or self.session.key(self.current) in self.session.verdicts  # r before this
        if not self.first_run and not checked and self.session.status(self.current) != "not tried":
            self.start_check(self.current, "where you left off")
        else:
            self.check_next()
        self.redraw_list()
        # A plain daemon thread, not a worker: quitting must not wait for torch to import.
        threading.Thread(target=lambda: self.post_message(EnvironmentFound(self._probe())),
                         name="torch-dojo-probe", daemon=True).start()

    def on_resize(self, event: events.Resize) -> None:
        # A narrow terminal gives the list less room and the exercise more.
        self.query_one(ExerciseList).set_class(event.size.width < NARROW, "-narrow")

    def on_unmount(self) -> None:
        self.watcher.stop()
        self.session.remember_place(self.current)  # the next start opens here

    # Showing --------------------------------------------------------------------------------

    def show_exercise(self, exercise: Exercise) -> None:
        self.current = exercise
        wb = self.session
        self.hint_toast.leave(wb.key(exercise))
        file = wb.file_for(exercise)
        verdict = wb.verdicts.get(wb.key(exercise))
        if wb.key(exercise) in wb.changed and self.running != wb.key(exercise):  # saved while elsewhere
            self.start_check(exercise, "changed since its last check")
        pack = f"{exercise.pack} · " if len(wb.packs) > 1 else ""
        self.query_one(ExerciseTitle).show(f"{pack}{exercise.id} · {exercise.title}", file)
        self.redraw_list()
        self.query_one(TaskView).show(exercise, str(file), wb.hints_shown(exercise))
        wb.opened(exercise)  # where its record's "time to pass" starts
        self.show_record(exercise)
        self.query_one(SourceView).show(file)
        self.query_one(DocsView).show(exercise)
        self.show_verdict(exercise)
        if self.running == wb.key(exercise):
            self.query_one(StatusLine).running("checking")
        self.query_one(TabbedContent).active = "verdict" if verdict else "task"

    def show_verdict(self, exercise: Exercise) -> None:
        status = self.session.status(exercise)
        verdict = None if status == "changed" else self.session.verdicts.get(self.session.key(exercise))
        self.query_one(VerdictView).show(exercise, verdict, status)
        if self.running == self.session.key(exercise):  # what is shown is of the file as it was
            self.query_one(VerdictView).checking()
        self.query_one(OutputView).show(verdict)
        self.query_one(ChartView).show(verdict)
        if self.gone:
            note = "your workspace folder moved or vanished: nothing is saved (quit and start again there)"
        elif self.unsaved is not None:
            note = f"⚠ {self.unsaved.short}"
        elif self.polling:
            note = "saves noticed by polling: r runs the checks by hand"
        else:
            note = "save your file, or press r, to check again" if verdict else "save your file to check it, or press r"
        self.query_one(StatusLine).finished(verdict, status, note)

    def redraw_list(self) -> None:
        self.query_one(ExerciseList).show(self.session, self.current, running=self.running,
                                          pending_only=self.pending_only)

    # Checking -------------------------------------------------------------------------------

    def start_check(self, exercise: Exercise, why: str) -> None:
        if self.notice_gone():
            return
        self.rechecks.started(exercise)
        self.running = self.session.key(exercise)
        if exercise == self.current:  # the status line speaks of the exercise on screen
            self.query_one(StatusLine).running(why)
            self.query_one(VerdictView).checking()
        self.redraw_list()
        self.run_checks(exercise, why)

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def run_checks(self, exercise: Exercise, why: str) -> None:
        worker = get_current_worker()
        file = self.session.file_for(exercise)
        try:
            problem = files.problem(file)  # a pipe, a folder, a looping link: nothing to judge
            if problem:
                verdict = Verdict(exercise.id, exercise.slug, exercise.title, Status.ERROR, message=problem,
                                  file=str(file))
            else:
                verdict = (self._check or runner.check)(exercise, file, cancelled=lambda: worker.is_cancelled)
        except runner.Cancelled:
            return
        except Exception as err:  # our bug, not the learner's: keep the workbook alive and say so
            self.post_message(CheckCrashed(exercise, f"{type(err).__name__}: {err}"))
            return
        if worker.is_cancelled:
            return
        verdict, unsaved = self.session.keep(exercise, verdict)  # shown whether or not progress is saved
        self.post_message(CheckFinished(exercise, verdict, unsaved))

    def on_check_finished(self, message: CheckFinished) -> None:
        if self.session.key(message.exercise) == self.running:
            self.running = ""
        self.rechecks.finished(message.exercise)
        self.said_saved(message.unsaved)
        if message.exercise == self.current:
            self.show_verdict(self.current)
            self.show_record(self.current)
            self.query_one(SourceView).show(self.session.file_for(self.current))
            self.query_one(TabbedContent).active = "verdict"
        self.redraw_list()
        if message.verdict.passed and self.session.all_passed() and not self._was_finished:
            self.app.push_screen(MessageScreen(texts.finished(self.session)))
        self._was_finished = self.session.all_passed()
        self.check_next()

    def check_next(self) -> None:
        """Nothing is being checked: check the next exercise saved since its last verdict."""
        if not self.running and (waiting := self.rechecks.next(self.current)) is not None:
            self.start_check(waiting, "saved" if waiting == self.current else f"{waiting.id} saved")

    def on_check_crashed(self, message: CheckCrashed) -> None:
        self.running = ""
        self.rechecks.give_up(message.exercise)
        self.show_verdict(self.current)
        self.redraw_list()
        self.notify(f"torch-dojo could not run the checks ({message.error}). Your file is untouched; "
                    "press r to try again, or run `torch-dojo check` to see more.", severity="error", timeout=20)

    def on_files_changed(self, message: FilesChanged) -> None:
        if self.notice_gone():  # the watched folder moved: its events are of files now elsewhere
            return
        for exercise in self.rechecks.saved(message.paths):
            self.session.changed.add(self.session.key(exercise))
            if exercise == self.current or self.session.key(exercise) == self.running:
                self.start_check(exercise, "saved")  # newest wins: a check of an older file is cancelled
        self.check_next()
        self.redraw_list()
        file = self.session.file_for(self.current)
        if among(file, message.paths):
            self.query_one(SourceView).show(file)

    def on_polling(self, message: Polling) -> None:
        if self.notice_gone():  # the watch failed because the folder is gone, not for want of events
            return
        self.polling = message.reason
        self.show_verdict(self.current)
        self.notify(f"Saves are noticed by polling: {message.reason}. If a save does not show up, press r.",
                    timeout=10)

    # Actions --------------------------------------------------------------------------------

    def action_run(self) -> None:
        self.start_check(self.current, "run by hand")

    def action_hint(self) -> None:
        exercise = self.current
        self.notice_gone()
        hint = self.session.reveal_hint(exercise)
        if hint is not None:
            self.said_saved(self.session.not_saved)
            self.show_verdict(exercise)
        self.query_one(TaskView).show(exercise, str(self.session.file_for(exercise)),
                                      self.session.hints_shown(exercise), at_hints=True)
        self.query_one(TabbedContent).active = "task"
        if hint is None:
            self.notify("Every hint is out already. Press s for the reference solution.", timeout=5)
        else:
            shown = len(self.session.hints_shown(exercise))
            self.hint_toast.show(self.session.key(exercise), hint, f"Hint {shown} of {len(exercise.hints)}")

    def action_solution(self) -> None:
        exercise = self.current
        if self.session.solution_unlocked(exercise):
            self.app.push_screen(SolutionScreen(exercise))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(SolutionScreen(exercise))

        self.app.push_screen(ConfirmScreen(
            f"You have not passed {exercise.label} yet. Finding it yourself is the point, and "
            f"{len(exercise.hints) - len(self.session.hints_shown(exercise))} hint(s) are left (h).\n\n"
            "Show the solution anyway?", yes="Show it", no="Keep trying"), answered)

    def action_reset(self) -> None:
        exercise = self.current
        if self.notice_gone():
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            file = self.session.file_for(exercise)
            if self.notice_gone():
                return
            if files.in_the_way(file):  # a folder or a pipe is never backed up nor replaced
                self.notify(files.problem(file), title="Nothing was reset", severity="error", timeout=30)
                return
            try:
                backup = self.session.reset(exercise)
            except WorkspaceGone:
                self.notice_gone()
                return
            except WorkspaceError as err:  # says what failed, and that the file is as it was
                self.notify(str(err), title="Nothing was reset", severity="error", timeout=30)
                return
            except OSError as err:
                self.notify(f"Could not reset {file}: {files.reason(err)}. Your file is as it was.",
                            title="Nothing was reset", severity="error", timeout=30)
                return
            self.rechecks.forget(exercise)
            self.show_exercise(exercise)
            saved = f" What you had is saved at {backup}" if backup else ""
            self.notify(f"{exercise.file} is a fresh starter again.{saved}", timeout=20)
            self.said_saved(self.session.not_saved)
            self.show_verdict(exercise)

        self.app.push_screen(ConfirmScreen(
            f"Put a fresh starter in place of {self.session.file_for(exercise)}?\n\n"
            f"Your current file is copied to {self.session.workspace.backups} first.",
            yes="Reset", no="Keep my file"), answered)

    def action_edit(self) -> None:
        file = self.session.file_for(self.current)
        if self.notice_gone():
            return
        if problem := files.problem(file):
            self.notify(problem, title="Not opened", severity="warning", timeout=20)
            return
        had_terminal, warning = editor.edit_in(self.app, file)
        if warning:
            self.notify(warning, severity="warning", timeout=15)
        if not had_terminal:
            return
        self.query_one(SourceView).show(file)
        if self.rechecks.is_new(self.current):
            self.start_check(self.current, "edited")

    def action_help(self) -> None:
        self.app.push_screen(MessageScreen(texts.help_text(self.polling)))
