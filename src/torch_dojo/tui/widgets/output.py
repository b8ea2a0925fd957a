"""What the learner's code printed during the last check."""

from __future__ import annotations

from textual.widgets import Log

from torch_dojo.verdict import Verdict


class OutputView(Log):
    def show(self, verdict: Verdict | None) -> None:
        self.clear()
        if verdict is None:
            self.write_line("Nothing yet: what your code prints during a check shows here.")
            return
        if verdict.output_truncated:
            self.write_line("[the output was long: only its end is kept]")
        self.write(verdict.output if verdict.output.strip() else "Your code printed nothing.")
