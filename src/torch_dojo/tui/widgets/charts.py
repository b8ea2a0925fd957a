"""Pictures of what the checks recorded: a loss curve, CPU and GPU time per matrix size.

Drawn from a verdict's ``data`` (``record("losses", …)``, ``record("timings", …)`` in a
check), so any pack's exercise gets the same pictures by recording the same keys.
textual-plotext is imported when there is something to draw, not at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import Vertical
from textual.widgets import Static

from torch_dojo.verdict import Verdict


@dataclass(frozen=True)
class Timings:
    sizes: list[int]
    cpu: list[float]  # seconds
    cuda: list[float]  # seconds; empty without a GPU

    @classmethod
    def from_data(cls, data: object) -> "Timings | None":
        if not isinstance(data, dict):
            return None
        try:
            sizes = [int(n) for n in data["sizes"]]
            cpu = [float(t) for t in data["cpu"]][:len(sizes)]
            cuda = [float(t) for t in data.get("cuda") or []][:len(sizes)]
        except (KeyError, TypeError, ValueError):
            return None
        return cls(sizes[:len(cpu)], cpu, cuda) if cpu else None

    def crossover(self) -> int | None:
        """The smallest size at which the GPU took less time than the CPU."""
        return next((n for n, c, g in zip(self.sizes, self.cpu, self.cuda) if g < c), None)


@dataclass(frozen=True)
class Losses:
    """A loss curve: ``values[i]`` is the loss at step ``steps[i]`` (1-based), of a run of
    ``total`` steps. A check records a plain list (one loss a step) or, for a long run
    sampled every few steps, ``{"values": [...], "every": 10, "steps": 300}``."""
    steps: list[int]
    values: list[float]
    total: int

    @classmethod
    def from_data(cls, data: object) -> "Losses | None":
        every, total = 1, None
        if isinstance(data, dict):
            try:
                every = int(data.get("every", 1))
                total = int(data["steps"]) if "steps" in data else None
            except (TypeError, ValueError):
                return None
            data = data.get("values")
        try:
            values = [float(x) for x in data]  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return None
        if not values or every < 1:
            return None
        steps = [1 + n * every for n in range(len(values))]
        return cls(steps, values, max(total or 0, steps[-1]))

    def note(self) -> str:
        sampled = f", drawn every {self.steps[1] - self.steps[0]} steps" if len(self.steps) > 1 and \
            self.steps[1] - self.steps[0] > 1 else ""
        return (f"Training loss over {self.total} steps{sampled}: first {self.values[0]:.3g}, "
                f"last {self.values[-1]:.3g}")


class ChartView(Vertical):
    """Shows the picture that fits the last verdict's data, or says why there is none."""

    def compose(self):
        yield Static("", id="chart-note")

    def show(self, verdict: Verdict | None) -> None:
        for plot in self.query(".chart"):
            plot.remove()
        note = self.query_one("#chart-note", Static)
        data = verdict.data if verdict else {}
        losses, timings = Losses.from_data(data.get("losses")), Timings.from_data(data.get("timings"))
        if losses:
            note.update(losses.note())
            self.mount(self._loss_plot(losses))
        elif timings:
            note.update(self._timing_note(timings))
            self.mount(self._timing_plot(timings))
        else:
            note.update("No picture yet: the training-loop and matmul-timing exercises draw what their "
                        "checks measured here." if verdict is None or not verdict.data else
                        "This exercise records nothing to draw.")

    @staticmethod
    def _timing_note(t: Timings) -> str:
        if not t.cuda:
            return "CPU time per matrix size (no GPU here, so no GPU line and no crossover)"
        cross = t.crossover()
        return (f"CPU and GPU time per matrix size: the GPU wins from n = {cross}" if cross else
                "CPU and GPU time per matrix size: the GPU never won at these sizes")

    @staticmethod
    def _loss_plot(losses: Losses):
        from textual_plotext import PlotextPlot

        plot = PlotextPlot(classes="chart")
        plt = plot.plt
        plt.plot(losses.steps, losses.values, marker="braille", label="loss")
        ticks = sorted({round(losses.steps[0] + n * (losses.steps[-1] - losses.steps[0]) / 4) for n in range(5)})
        plt.xticks(ticks, [str(t) for t in ticks])  # steps are whole numbers, not 73.5
        plt.xlabel("step")
        plt.ylabel("loss")
        return plot

    @staticmethod
    def _timing_plot(t: Timings):
        from textual_plotext import PlotextPlot

        plot = PlotextPlot(classes="chart")
        plt = plot.plt
        plt.xscale("log")
        plt.plot(t.sizes, [s * 1000 for s in t.cpu], marker="braille", label="CPU")
        if t.cuda:
            plt.plot(t.sizes, [s * 1000 for s in t.cuda], marker="braille", label="GPU")
            if cross := t.crossover():
                plt.vline(cross)
        plt.xticks(t.sizes, [str(n) for n in t.sizes])
        plt.xlabel("n (n×n @ n×n)")
        plt.ylabel("ms")
        return plot
