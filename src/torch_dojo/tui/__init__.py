"""The Textual workbook. ``run()`` is what `torch-dojo` (no command) starts on a terminal.

Nothing here imports torch: the environment comes from the runner's probe process.
"""

from __future__ import annotations

from torch_dojo.session import Session


def run(session: Session, *, first_run: bool = False) -> int:
    from torch_dojo.runner.warm import WarmRunner
    from torch_dojo.tui.app import DojoApp

    # The warm runner answers a save in tens of milliseconds; it boots after the first paint.
    with WarmRunner() as warm:
        app = DojoApp(session, check=warm.check, warm_up=warm.start, first_run=first_run)
        app.run()
    return app.return_code or 0
