"""What happened, as named messages: posted by workers and widgets, handled by the screen.

Each is a dataclass (as posting writes its messages): Textual's ``Message`` sets itself up
in ``__post_init__``, which the dataclass's own ``__init__`` calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from torch_dojo.pack import Exercise
from torch_dojo.runner.environment import Environment
from torch_dojo.session import Unsaved
from torch_dojo.verdict import Verdict


@dataclass
class CheckFinished(Message):
    """A verdict, and why progress could not be saved (None when it was)."""
    exercise: Exercise
    verdict: Verdict
    unsaved: Unsaved | None = None


@dataclass
class CheckCrashed(Message):
    """The runner itself failed (not the learner's code): say so, keep the app alive."""
    exercise: Exercise
    error: str


@dataclass
class FilesChanged(Message):
    """Files of the watched folders were saved (or removed)."""
    paths: set[Path]


@dataclass
class Polling(Message):
    """File events will not arrive; the folder is polled."""
    reason: str


@dataclass
class EnvironmentFound(Message):
    """The probe process described this machine (torch, CUDA, torchvision)."""
    environment: Environment


@dataclass
class ExerciseChosen(Message):
    """The learner picked an exercise in the list."""
    exercise: Exercise


@dataclass
class DocsLoaded(Message):
    """The Docs tab's page for an exercise, as Markdown (``failed``: it says why there is none)."""
    exercise: Exercise
    text: str
    failed: bool = False


@dataclass
class ReviewChecked(Message):
    """A review copy was judged (and the review recorded); ``verdict`` is None when the runner
    itself failed, and ``error`` says how."""
    exercise: Exercise
    verdict: Verdict | None
    copy: Path
    error: str = ""
