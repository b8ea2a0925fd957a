"""The check process: import the learner's file, run the hidden checks, report events.

Started by ``torch_dojo.runner.process`` as ``python -m torch_dojo.runner.child SPEC``.
Events go as JSON lines to a pipe of their own (``events_fd``); what the learner's code
prints goes to stdout, which the parent only ever shows, never parses.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

PYTEST_ARGS = [
    "-p", "no:cacheprovider",  # nothing written next to the checks
    "-p", "no:terminal",  # the learner's output stays the learner's
    "-p", "no:warnings",
    "-s",  # the learner's prints go straight to our bounded stdout pipe
    "--import-mode=importlib",
]


class Emitter:
    def __init__(self, fd: int):
        os.set_inheritable(fd, False)  # processes the learner starts cannot write here
        self._stream = os.fdopen(fd, "w", encoding="utf-8", buffering=1)

    def __call__(self, event: str, **fields: object) -> None:
        try:
            line = json.dumps({"event": event, **fields})
        except (TypeError, ValueError):
            line = json.dumps({"event": event, **{k: repr(v) for k, v in fields.items()}})
        self._stream.write(line + "\n")
        self._stream.flush()


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    emit = Emitter(spec["events_fd"])
    learner_path = Path(spec["learner"])
    sys.path.insert(0, str(learner_path.parent))  # the learner may import a helper beside it

    from torch_dojo.runner.explain import explain, known_hint
    from torch_dojo.runner.plugin import DojoPlugin, load_module

    try:
        learner = load_module(learner_path, "learner")
    except BaseException as exc:  # SystemExit and KeyboardInterrupt at import too
        emit("fatal", status="error",
             message=_import_failure(exc, explain(exc, learner_path)),
             hint=known_hint(str(exc)))
        return 0

    import pytest

    config_file = Path(spec["workdir"]) / "pytest.ini"
    config_file.write_text("[pytest]\n", encoding="utf-8")
    plugin = DojoPlugin(learner, learner_path, Path(spec["reference"]), spec["requires"], emit)
    args = [spec["checks"], "-c", str(config_file), "--rootdir", spec["workdir"], *PYTEST_ARGS]
    pytest.main(args, plugins=[plugin])
    emit("done")
    return 0


def _import_failure(exc: BaseException, explained: str) -> str:
    if isinstance(exc, SyntaxError):
        return explained
    if isinstance(exc, SystemExit):
        return ("Your file called sys.exit() while Python was loading it, so no check ran. "
                "Code at the top level runs on import: put it inside a function, or under "
                "`if __name__ == \"__main__\":`.")
    return ("Your file raised an error while Python was loading it, so no check ran. Code at "
            "the top level of the file runs on import:\n" + explained)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
