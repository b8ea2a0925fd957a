"""What a check process is told to do: one ``CheckSpec``, built here, read there.

``runner.checking`` builds it; ``runner.process`` adds the key that the check's events
must carry; the supervisor process adds the event pipe's descriptor (``with_events``).
It travels as one JSON object (on the check process's command line, cold, or over the
supervisor's channel, warm) and is read back with ``CheckSpec.from_json``. Standard
library only: every process of the runner imports it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckSpec:
    learner: str  # the learner's file
    reference: str  # the reference solution
    checks: str  # the exercise's check file
    workdir: str  # a fresh folder, the check process's working directory
    requires: tuple[str, ...] = ()  # the exercise's requirements (cuda, torchvision, distributed)
    watch_cuda: bool = False  # pack verify: name the checks that start CUDA unmarked
    judged: bool = False  # the learner's code runs in a process of its own (runner.judged)
    key: str = ""  # the token every event carries: the main process reads no other (runner.process)
    events_fd: int = -1  # the event pipe, as the check process holds it (the supervisor process)
    confinement: dict | None = None  # judged, graded: the wall of the learner's code (runner.confinement)

    def with_key(self, key: str) -> "CheckSpec":
        return dataclasses.replace(self, key=key)

    def with_events(self, fd: int) -> "CheckSpec":
        return dataclasses.replace(self, events_fd=fd)

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict | str) -> "CheckSpec":
        """From ``to_json``'s dict (or its text); ``ValueError`` when it is not one."""
        if isinstance(data, str):
            data = json.loads(data)
        if not isinstance(data, dict):
            raise ValueError("a check spec is a JSON object")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"a check spec has no field {', '.join(sorted(unknown))}")
        fields = dict(data)
        fields["requires"] = tuple(fields.get("requires", ()))
        return cls(**fields)
