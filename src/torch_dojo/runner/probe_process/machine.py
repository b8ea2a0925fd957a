"""``Environment``: what the probe found on this machine, as the main process reads it.

The probe (``python -m torch_dojo.runner.probe_process``) fills one in and prints it as
JSON; ``runner.environment.probe`` reads it back. Standard library only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Environment:
    python: str = ""
    platform: str = ""
    torch: str = ""  # version, "" when torch does not import
    torch_problem: str = ""
    cuda_build: str = ""  # CUDA version torch was built for, "" for CPU builds
    cuda_available: bool = False
    devices: list[str] = field(default_factory=list)
    mps_available: bool = False
    torchvision: str = ""
    torchvision_problem: str = ""
    distributed: bool = False
    torchrun: bool = False
    backends: list[str] = field(default_factory=list)
    lacking: dict[str, str] = field(default_factory=dict)  # requirement -> why a check needing it is skipped

    def to_json(self) -> dict:
        return asdict(self)

    def missing(self, need: str) -> str | None:
        """``check_process.requirements.missing(need)`` as the check processes answer it, from here."""
        if self.torch_problem:
            return self.torch_problem
        return self.lacking.get(need) or None
