"""What the workbook says of the world around the checks: a workspace folder moved away or
back, progress that could not be saved (once per reason) or is saved again, a progress file
set aside, and what the environment probe found of torch and the GPU."""

from __future__ import annotations

from torch_dojo.session import Unsaved
from torch_dojo.tui.messages import EnvironmentFound


class Notices:
    """The workbook screen's notices (a part of ``WorkbookScreen``, which draws and checks)."""

    def notice_gone(self) -> bool:
        """Whether the workspace folder moved or vanished; said once, when it is first noticed."""
        gone = self.session.gone()
        if gone != self.gone:
            self.gone = gone
            if gone:
                self.notify(gone, title="Your workspace moved", severity="error", timeout=60)
            else:
                self.notify("Your workspace folder is back: saving again.", timeout=10)
            self.show_verdict(self.current)
        return bool(gone)

    def said_saved(self, unsaved: Unsaved | None) -> None:
        """After a change: say that progress could not be saved (once per reason), or that it is
        saved again, and a warning of the progress file not said yet."""
        if not self.notice_gone():
            if unsaved is not None and (self.unsaved is None or self.unsaved.text != unsaved.text):
                self.notify(unsaved.text, title="Progress not saved", severity="error", timeout=30)
            elif unsaved is None and self.unsaved is not None:
                self.notify("Progress is saved again.", timeout=8)
        self.unsaved = unsaved
        self.say_warning()

    def say_warning(self) -> None:
        if warning := self.session.unsaid_warning():
            self.notify(warning, title="Progress file set aside", severity="warning", timeout=30)

    def on_environment_found(self, message: EnvironmentFound) -> None:
        env = message.environment
        self.session.environment = env
        if env.torch_problem:
            self.app.sub_title = "torch is not usable: run `torch-dojo doctor`"
            self.notify(f"torch cannot be used: {env.torch_problem}", severity="error", timeout=30)
        else:
            gpu = f"CUDA: {env.devices[0]}" if env.cuda_available and env.devices else "no CUDA GPU"
            self.app.sub_title = f"torch {env.torch} · {gpu}" + (" · MPS" if env.mps_available else "")
        self.redraw_list()
