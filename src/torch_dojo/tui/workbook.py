"""What the workbook shows and changes, without any widget: the pack, the learner's
workspace and progress, the last verdict of each exercise, and what this machine lacks.

The screens ask this object and tell it what happened; it reads and writes progress through
progress.py (atomic, locked), so a `torch-dojo check` in another terminal is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from torch_dojo import progress, workspace
from torch_dojo.pack import Exercise, Pack
from torch_dojo.report import Verdict
from torch_dojo.runner.environment import Environment
from torch_dojo.workspace import Workspace

NEEDS = {"cuda": "needs CUDA", "torchvision": "needs torchvision", "distributed": "needs torch.distributed"}


@dataclass
class Workbook:
    pack: Pack
    workspace: Workspace
    state: progress.Progress = field(default_factory=progress.Progress)
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # this session's last, by slug
    environment: Environment | None = None  # None until the probe answered
    warning: str = ""  # said once: the progress file was unreadable

    @classmethod
    def open(cls, pack: Pack, found: Workspace) -> "Workbook":
        state = progress.load(found.progress_file)
        return cls(pack, found, state, warning=state.warning)

    # Reading --------------------------------------------------------------------------------

    def file_for(self, exercise: Exercise) -> Path:
        return self.workspace.file_for(exercise)

    def status(self, exercise: Exercise) -> str:
        """"passed", "failed", "not tried", … as progress has it."""
        return self.state.of(exercise.slug).status

    def missing(self, exercise: Exercise) -> str:
        """"needs CUDA" and the like when this machine lacks a requirement, else ""."""
        env = self.environment
        if env is None or env.torch_problem:
            return ""
        lacking = {"cuda": not env.cuda_available, "torchvision": bool(env.torchvision_problem),
                   "distributed": not env.distributed}
        return ", ".join(NEEDS[r] for r in sorted(exercise.requires) if lacking.get(r))

    def passed_count(self) -> int:
        return sum(self.status(e) == "passed" for e in self.pack.exercises)

    def all_passed(self) -> bool:
        return self.passed_count() == len(self.pack.exercises)

    def pending(self) -> list[Exercise]:
        return [e for e in self.pack.exercises if self.status(e) != "passed"]

    def first_to_do(self) -> Exercise:
        """Where the learner left off: the first exercise not passed (the last when all are)."""
        pending = self.pending()
        return pending[0] if pending else self.pack.exercises[-1]

    def neighbour(self, exercise: Exercise, step: int, *, pending_only: bool = False) -> Exercise | None:
        shown = self.pending() if pending_only else list(self.pack.exercises)
        if exercise not in shown:
            shown = sorted({*shown, exercise}, key=self.pack.exercises.index)
        index = shown.index(exercise) + step
        return shown[index] if 0 <= index < len(shown) else None

    def hints_shown(self, exercise: Exercise) -> list[str]:
        return list(exercise.hints[:self.state.of(exercise.slug).hints_shown])

    def solution_unlocked(self, exercise: Exercise) -> bool:
        return self.state.of(exercise.slug).ever_passed

    # Changing -------------------------------------------------------------------------------

    def record(self, exercise: Exercise, verdict: Verdict) -> None:
        """Keep a verdict; safe to call from a worker thread (the progress file is locked)."""
        self.verdicts[exercise.slug] = verdict
        self.state = progress.record_verdict(self.workspace.progress_file, exercise.slug, verdict.status.value)

    def reveal_hint(self, exercise: Exercise) -> str | None:
        """The next hint (remembered in progress), or None when every hint is out already."""
        if self.state.of(exercise.slug).hints_shown >= len(exercise.hints):
            return None
        self.state = progress.reveal_hint(self.workspace.progress_file, exercise.slug, len(exercise.hints))
        return exercise.hints[self.state.of(exercise.slug).hints_shown - 1]

    def reset(self, exercise: Exercise) -> Path | None:
        """A fresh starter in place; returns where the learner's file was saved."""
        backup = workspace.reset(self.workspace, exercise)
        self.verdicts.pop(exercise.slug, None)
        self.state = progress.mark_reset(self.workspace.progress_file, exercise.slug)
        return backup
