"""``ApiDoc``: what the installed torch says of one dotted name, as the main process reads it.

``python -m torch_dojo.runner.probe_process.docs`` fills them in and prints them as JSON;
``runner.environment.api_docs`` reads them back. Standard library only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ApiDoc:
    name: str  # "torch.Tensor.to"
    kind: str = ""  # "class", "function", "method", "module", "attribute"
    signature: str = ""  # "(in_features: int, ...)" where inspect.signature works, else ""
    doc: str = ""  # the docstring, cleaned (inspect.getdoc), as written: reStructuredText-ish
    problem: str = ""  # why it did not resolve ("" when it did)
    needs: str = ""  # the requirement it waits for, when that is the problem ("torchvision")

    @property
    def found(self) -> bool:
        return not self.problem

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ApiDoc":
        return cls(**{key: str(data.get(key, "")) for key in cls.__dataclass_fields__})
