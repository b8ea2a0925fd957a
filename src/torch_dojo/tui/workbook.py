"""What the workbook shows and changes, without any widget: the packs, the learner's
workspace and progress, the last verdict of each exercise, and what this machine lacks.

Exercises are told apart by their progress key (``Workspace.key``: the slug, or PACK/SLUG
for a pack beyond the workspace's first), so two packs may share slugs.

The screens ask this object and tell it what happened; it reads and writes progress through
progress.py (atomic, locked), so a `torch-dojo check` in another terminal is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from torch_dojo import progress, workspace
from torch_dojo.pack import Exercise, Pack
from torch_dojo.report import Verdict
from torch_dojo.runner.environment import Environment
from torch_dojo.workspace import Workspace

NEEDS = {"cuda": "needs CUDA", "torchvision": "needs torchvision", "distributed": "needs torch.distributed"}


@dataclass
class Workbook:
    packs: tuple[Pack, ...]
    workspace: Workspace
    state: progress.Progress = field(default_factory=progress.Progress)
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # this session's last, by key
    environment: Environment | None = None  # None until the probe answered
    warning: str = ""  # said once: the progress file was unreadable

    @classmethod
    def open(cls, packs: Pack | Sequence[Pack], found: Workspace) -> "Workbook":
        state = progress.load(found.progress_file)
        return cls((packs,) if isinstance(packs, Pack) else tuple(packs), found, state, warning=state.warning)

    # Reading --------------------------------------------------------------------------------

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        """Every exercise, pack after pack, each pack in its own order."""
        return tuple(e for pack in self.packs for e in pack.exercises)

    @property
    def title(self) -> str:
        return " + ".join(pack.title for pack in self.packs)

    def key(self, exercise: Exercise) -> str:
        return self.workspace.key(exercise)

    def file_for(self, exercise: Exercise) -> Path:
        return self.workspace.file_for(exercise)

    def status(self, exercise: Exercise) -> str:
        """"passed", "failed", "not tried", … as progress has it."""
        return self.state.of(self.key(exercise)).status

    def missing(self, exercise: Exercise) -> str:
        """"needs CUDA" and the like when this machine lacks a requirement, else ""."""
        env = self.environment
        if env is None or env.torch_problem:
            return ""
        lacking = {"cuda": not env.cuda_available, "torchvision": bool(env.torchvision_problem),
                   "distributed": not env.distributed}
        return ", ".join(NEEDS[r] for r in sorted(exercise.requires) if lacking.get(r))

    def passed_count(self, pack: Pack | None = None) -> int:
        """Exercises passed, of every pack or of ``pack``."""
        return sum(self.status(e) == "passed" for e in (pack.exercises if pack else self.exercises))

    def all_passed(self) -> bool:
        return self.passed_count() == len(self.exercises)

    def pending(self) -> list[Exercise]:
        return [e for e in self.exercises if self.status(e) != "passed"]

    def first_to_do(self) -> Exercise:
        """Where the learner left off: the first exercise not passed (the last when all are)."""
        pending = self.pending()
        return pending[0] if pending else self.exercises[-1]

    def neighbour(self, exercise: Exercise, step: int, *, pending_only: bool = False) -> Exercise | None:
        every = self.exercises
        shown = self.pending() if pending_only else list(every)
        if exercise not in shown:
            shown = sorted({*shown, exercise}, key=every.index)
        index = shown.index(exercise) + step
        return shown[index] if 0 <= index < len(shown) else None

    def hints_shown(self, exercise: Exercise) -> list[str]:
        return list(exercise.hints[:self.state.of(self.key(exercise)).hints_shown])

    def solution_unlocked(self, exercise: Exercise) -> bool:
        return self.state.of(self.key(exercise)).ever_passed

    # Changing -------------------------------------------------------------------------------

    def record(self, exercise: Exercise, verdict: Verdict) -> Verdict:
        """Keep a verdict as the learner sees it (a check that failed last time too shows its
        second hint) and return that; safe to call from a worker thread (the file is locked)."""
        key = self.key(exercise)
        shown, self.state = progress.record_checked(self.workspace.progress_file, key, verdict)
        self.verdicts[key] = shown
        return shown

    def reveal_hint(self, exercise: Exercise) -> str | None:
        """The next hint (remembered in progress), or None when every hint is out already."""
        key = self.key(exercise)
        if self.state.of(key).hints_shown >= len(exercise.hints):
            return None
        self.state = progress.reveal_hint(self.workspace.progress_file, key, len(exercise.hints))
        return exercise.hints[self.state.of(key).hints_shown - 1]

    def reset(self, exercise: Exercise) -> Path | None:
        """A fresh starter in place; returns where the learner's file was saved."""
        backup = workspace.reset(self.workspace, exercise)
        self.verdicts.pop(self.key(exercise), None)
        self.state = progress.mark_reset(self.workspace.progress_file, self.key(exercise))
        return backup
