"""The workbook: the exercise list beside the current exercise, re-checked on every save.

State lives in the ``Workbook`` (progress, verdicts); this screen turns keys and messages
into calls on it and redraws. Checks run in a thread worker, one at a time: a newer save
cancels the check still running (``runner.Cancelled``), so the verdict shown is always of
the file as it is now.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, TabbedContent, TabPane
from textual.worker import get_current_worker

from torch_dojo import runner
from torch_dojo.pack import Exercise
from torch_dojo.runner.environment import describe
from torch_dojo.tui import editor
from torch_dojo.tui.messages import (CheckCrashed, CheckFinished, EnvironmentFound, ExerciseChosen, FilesChanged,
                                     Polling)
from torch_dojo.tui.screens import texts
from torch_dojo.tui.screens.confirm import ConfirmScreen
from torch_dojo.tui.screens.message import MessageScreen
from torch_dojo.tui.screens.solution import SolutionScreen
from torch_dojo.tui.watch import Watcher
from torch_dojo.tui.widgets.charts import ChartView
from torch_dojo.tui.widgets.exercise_list import ExerciseList
from torch_dojo.tui.widgets.output import OutputView
from torch_dojo.tui.widgets.source import SourceView
from torch_dojo.tui.widgets.status_line import StatusLine
from torch_dojo.tui.widgets.task import TaskView
from torch_dojo.tui.widgets.verdict import VerdictView
from torch_dojo.tui.workbook import Workbook

TABS = ("task", "verdict", "file", "output", "chart")
NARROW = 90  # columns


def signature(path: Path) -> tuple[int, int] | None:
    """What changes when a file is saved: its modification time and size."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class WorkbookScreen(Screen):
    BINDINGS = [
        Binding("r", "run", "Run"),
        Binding("n", "move(1)", "Next"),
        Binding("p", "move(-1)", "Prev"),
        Binding("h", "hint", "Hint"),
        Binding("s", "solution", "Solution"),
        Binding("e", "edit", "Edit"),
        Binding("x", "reset", "Reset"),
        Binding("f", "filter", "Left to do"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
        *(Binding(str(n), f"tab('{tab}')", tab.title(), show=False) for n, tab in enumerate(TABS, start=1)),
    ]

    def __init__(self, workbook: Workbook, *, check=runner.check, probe=describe,
                 warm_up: Callable[[], None] | None = None, first_run: bool = False) -> None:
        """``check`` judges a file (runner.check's signature), ``probe`` describes the machine,
        ``warm_up`` starts what makes checks fast (called once, after the first paint)."""
        super().__init__()
        self.workbook, self.first_run = workbook, first_run
        self._check, self._probe, self._warm_up = check, probe, warm_up
        self.current = workbook.first_to_do()
        self.running = ""  # key (Workbook.key) of the exercise being checked
        self.pending_only = False
        self.polling = ""
        self._checked: dict[Path, tuple[int, int] | None] = {}  # file -> signature at its last check
        self._was_finished = workbook.all_passed()
        folders = [workbook.workspace.folder_for(pack.name) for pack in workbook.packs]
        self.watcher = Watcher(folders, lambda paths: self.post_message(FilesChanged(paths)),
                               lambda reason: self.post_message(Polling(reason)))

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ExerciseList(id="sidebar")
            with Vertical(id="main"):
                yield Label("", id="title")
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
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = "looking for torch…"
        self.show_exercise(self.current)
        self.call_after_refresh(self.after_first_paint)
        if self.workbook.warning:
            self.notify(self.workbook.warning, severity="warning", timeout=15)
        if self.first_run:
            self.app.push_screen(MessageScreen(texts.welcome(self.workbook)))
        elif self.workbook.status(self.current) != "not tried":
            self.start_check(self.current, "where you left off")

    def after_first_paint(self) -> None:
        """Start what competes for the two cores only once the learner sees the workbook."""
        self.watcher.start()
        if self._warm_up is not None:
            self._warm_up()
        # A plain daemon thread, not a worker: quitting must not wait for torch to import.
        threading.Thread(target=lambda: self.post_message(EnvironmentFound(self._probe())),
                         name="torch-dojo-probe", daemon=True).start()

    def on_resize(self, event: events.Resize) -> None:
        # A narrow terminal gives the list less room and the exercise more.
        self.query_one(ExerciseList).set_class(event.size.width < NARROW, "-narrow")

    def on_unmount(self) -> None:
        self.watcher.stop()

    # Showing --------------------------------------------------------------------------------

    def show_exercise(self, exercise: Exercise) -> None:
        self.current = exercise
        wb = self.workbook
        file = wb.file_for(exercise)
        verdict = wb.verdicts.get(wb.key(exercise))
        pack = f"{exercise.pack} · " if len(wb.packs) > 1 else ""
        self.query_one("#title", Label).update(f"{pack}{exercise.id} · {exercise.title}  [dim]{file}[/]")
        self.redraw_list()
        self.query_one(TaskView).show(exercise, str(file), wb.hints_shown(exercise))
        self.query_one(SourceView).show(file)
        self.show_verdict(exercise)
        if self.running == wb.key(exercise):
            self.query_one(StatusLine).running("checking")
        self.query_one(TabbedContent).active = "verdict" if verdict else "task"

    def show_verdict(self, exercise: Exercise) -> None:
        verdict = self.workbook.verdicts.get(self.workbook.key(exercise))
        status = self.workbook.status(exercise)
        self.query_one(VerdictView).show(exercise, verdict, status)
        self.query_one(OutputView).show(verdict)
        self.query_one(ChartView).show(verdict)
        if self.polling:
            note = "saves noticed by polling: r runs the checks by hand"
        else:
            note = "save your file, or press r, to check again" if verdict else "save your file to check it, or press r"
        self.query_one(StatusLine).finished(verdict, status, note)

    def redraw_list(self) -> None:
        self.query_one(ExerciseList).show(self.workbook, self.current, running=self.running,
                                          pending_only=self.pending_only)

    # Checking -------------------------------------------------------------------------------

    def start_check(self, exercise: Exercise, why: str) -> None:
        self._checked[self.workbook.file_for(exercise)] = signature(self.workbook.file_for(exercise))
        self.running = self.workbook.key(exercise)
        self.query_one(StatusLine).running(why)
        self.redraw_list()
        self.run_checks(exercise, why)

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def run_checks(self, exercise: Exercise, why: str) -> None:
        worker = get_current_worker()
        try:
            verdict = self._check(exercise, self.workbook.file_for(exercise),
                                  cancelled=lambda: worker.is_cancelled)
            verdict = self.workbook.record(exercise, verdict)  # as shown: second hints where due
        except runner.Cancelled:
            return
        except Exception as err:  # our bug, not the learner's: keep the workbook alive and say so
            self.post_message(CheckCrashed(exercise, f"{type(err).__name__}: {err}"))
            return
        if not worker.is_cancelled:
            self.post_message(CheckFinished(exercise, verdict))

    def on_check_finished(self, message: CheckFinished) -> None:
        if self.workbook.key(message.exercise) == self.running:
            self.running = ""
        if message.exercise == self.current:
            self.show_verdict(self.current)
            self.query_one(SourceView).show(self.workbook.file_for(self.current))
            self.query_one(TabbedContent).active = "verdict"
        self.redraw_list()
        if message.verdict.passed and self.workbook.all_passed() and not self._was_finished:
            self.app.push_screen(MessageScreen(texts.finished(self.workbook)))
        self._was_finished = self.workbook.all_passed()

    def on_check_crashed(self, message: CheckCrashed) -> None:
        self.running = ""
        self.show_verdict(self.current)
        self.redraw_list()
        self.notify(f"torch-dojo could not run the checks ({message.error}). Your file is untouched; "
                    "press r to try again, or run `torch-dojo check` to see more.", severity="error", timeout=20)

    def on_files_changed(self, message: FilesChanged) -> None:
        file = self.workbook.file_for(self.current)
        if file in message.paths or file.resolve() in message.paths:
            now = signature(file)
            if now is not None and now != self._checked.get(file):
                self.start_check(self.current, "saved")
            self.query_one(SourceView).show(file)

    def on_polling(self, message: Polling) -> None:
        self.polling = message.reason
        self.show_verdict(self.current)
        self.notify(f"Saves are noticed by polling: {message.reason}. If a save does not show up, press r.",
                    timeout=10)

    # The environment --------------------------------------------------------------------------

    def on_environment_found(self, message: EnvironmentFound) -> None:
        env = message.environment
        self.workbook.environment = env
        if env.torch_problem:
            self.app.sub_title = "torch is not usable: run `torch-dojo doctor`"
            self.notify(f"torch cannot be used: {env.torch_problem}", severity="error", timeout=30)
        else:
            gpu = f"CUDA: {env.devices[0]}" if env.cuda_available and env.devices else "no CUDA GPU"
            self.app.sub_title = f"torch {env.torch} · {gpu}" + (" · MPS" if env.mps_available else "")
        self.redraw_list()

    # Actions --------------------------------------------------------------------------------

    def on_exercise_chosen(self, message: ExerciseChosen) -> None:
        if message.exercise != self.current:
            self.show_exercise(message.exercise)

    def action_run(self) -> None:
        self.start_check(self.current, "run by hand")

    def action_move(self, step: int) -> None:
        other = self.workbook.neighbour(self.current, step, pending_only=self.pending_only)
        if other is None:
            self.notify("That was the last exercise." if step > 0 else "This is the first exercise.")
        else:
            self.show_exercise(other)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_filter(self) -> None:
        self.pending_only = not self.pending_only
        self.redraw_list()

    def action_hint(self) -> None:
        hint = self.workbook.reveal_hint(self.current)
        exercise = self.current
        self.query_one(TaskView).show(exercise, str(self.workbook.file_for(exercise)),
                                      self.workbook.hints_shown(exercise))
        self.query_one(TabbedContent).active = "task"
        if hint is None:
            self.notify("Every hint is out already. Press s for the reference solution.")
        else:
            shown = len(self.workbook.hints_shown(exercise))
            self.notify(hint, title=f"Hint {shown} of {len(exercise.hints)}", timeout=12)

    def action_solution(self) -> None:
        exercise = self.current
        if self.workbook.solution_unlocked(exercise):
            self.app.push_screen(SolutionScreen(exercise))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(SolutionScreen(exercise))

        self.app.push_screen(ConfirmScreen(
            f"You have not passed {exercise.label} yet. Finding it yourself is the point, and "
            f"{len(exercise.hints) - len(self.workbook.hints_shown(exercise))} hint(s) are left (h).\n\n"
            "Show the solution anyway?", yes="Show it", no="Keep trying"), answered)

    def action_reset(self) -> None:
        exercise = self.current

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                backup = self.workbook.reset(exercise)
            except OSError as err:
                self.notify(f"Could not reset {exercise.file}: {err.strerror}. Nothing was changed.",
                            severity="error")
                return
            self._checked.pop(self.workbook.file_for(exercise), None)
            self.show_exercise(exercise)
            saved = f" What you had is saved at {backup}" if backup else ""
            self.notify(f"{exercise.file} is a fresh starter again.{saved}", timeout=20)

        self.app.push_screen(ConfirmScreen(
            f"Put a fresh starter in place of {self.workbook.file_for(exercise)}?\n\n"
            f"Your current file is copied to {self.workbook.workspace.backups} first.",
            yes="Reset", no="Keep my file"), answered)

    def action_edit(self) -> None:
        file = self.workbook.file_for(self.current)
        try:
            with self.app.suspend():
                editor.edit(file)
        except editor.EditorError as err:
            self.notify(str(err), severity="warning", timeout=15)
            return
        except Exception as err:  # SuspendNotSupported and the like (e.g. in a web terminal)
            self.notify(f"Cannot open an editor from here ({err}). Open {file} in any editor; "
                        "every save is checked.", severity="warning", timeout=15)
            return
        self.query_one(SourceView).show(file)
        if signature(file) != self._checked.get(file):
            self.start_check(self.current, "edited")

    def action_help(self) -> None:
        self.app.push_screen(MessageScreen(texts.help_text(self.polling)))
