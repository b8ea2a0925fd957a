"""The Textual workbook. ``run()`` is what `torch-dojo` (no command) starts on a terminal.

Nothing here imports torch: the environment comes from the runner's probe process.
"""

from __future__ import annotations

import threading

from torch_dojo.session import Session


def run(session: Session, *, first_run: bool = False) -> int:
    from torch_dojo.tui.app import DojoApp

    warm = LateWarmRunner()
    try:
        app = DojoApp(session, check=warm.check, warm_up=warm.start, first_run=first_run)
        app.run()
    finally:
        warm.close()
    return app.return_code or 0


class LateWarmRunner:
    """The warm runner (it answers a save in tens of milliseconds), imported and booted only
    when the workbook has painted (``start``) or a check asks for it: importing it brings the
    runner's machinery, booting it imports torch in a supervisor, and both would take the
    cores the first paint needs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runner = None
        self._closed = False

    def _warm(self):
        with self._lock:
            if self._runner is None:
                from torch_dojo.runner.warm import WarmRunner

                self._runner = WarmRunner()
                if self._closed:  # a check after quitting: it runs cold
                    self._runner.close()
            return self._runner

    def start(self) -> None:
        self._warm().start()

    def check(self, *args, **kwargs):
        return self._warm().check(*args, **kwargs)

    def close(self) -> None:
        with self._lock:
            self._closed, runner = True, self._runner
        if runner is not None:
            runner.close()
