"""What happened, as named messages: posted by workers and widgets, handled by the screen."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from torch_dojo.pack import Exercise
from torch_dojo.verdict import Verdict
from torch_dojo.runner.environment import Environment
from torch_dojo.session import Unsaved


class CheckFinished(Message):
    """A verdict, and why progress could not be saved (None when it was)."""

    def __init__(self, exercise: Exercise, verdict: Verdict, unsaved: Unsaved | None = None) -> None:
        super().__init__()
        self.exercise, self.verdict, self.unsaved = exercise, verdict, unsaved


class CheckCrashed(Message):
    """The runner itself failed (not the learner's code): say so, keep the app alive."""

    def __init__(self, exercise: Exercise, error: str) -> None:
        super().__init__()
        self.exercise, self.error = exercise, error


class FilesChanged(Message):
    def __init__(self, paths: set[Path]) -> None:
        super().__init__()
        self.paths = paths


class Polling(Message):
    """File events will not arrive; the folder is polled."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class EnvironmentFound(Message):
    def __init__(self, environment: Environment) -> None:
        super().__init__()
        self.environment = environment


class ExerciseChosen(Message):
    """The learner picked an exercise in the list."""

    def __init__(self, exercise: Exercise) -> None:
        super().__init__()
        self.exercise = exercise
