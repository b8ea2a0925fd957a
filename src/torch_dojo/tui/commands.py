"""The command palette's entries beyond the keys: a jump to any exercise by its id, slug or
title ("04", "autograd", "Tensors"), and only those of Textual's own commands that mean
something here (a theme, quitting)."""

from __future__ import annotations

from functools import partial
from typing import Iterable

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

# Textual's commands the workbook leaves out: its own "Keys" panel (the workbook's "Keys (?)"
# says more), maximizing a widget, an SVG screenshot in the current folder.
LEFT_OUT = {"Keys", "Maximize", "Minimize", "Screenshot"}


def system_commands(commands: Iterable[SystemCommand]) -> Iterable[SystemCommand]:
    return (c for c in commands if c.title not in LEFT_OUT)


class ExerciseCommands(Provider):
    """"Go to 04 · Tensor operations": every exercise of the workbook on screen."""

    def _targets(self) -> list[tuple[str, str, object]]:
        screen = self.screen
        if not hasattr(screen, "go_to"):  # a dialog over the workbook: nothing to jump to
            return []
        session = screen.session
        several = len(session.packs) > 1
        return [(f"Go to {f'{e.pack} · ' if several else ''}{e.id} · {e.title}", f"{e.slug} · {session.status(e)}",
                 partial(screen.go_to, e), e) for e in session.exercises]

    async def discover(self) -> Hits:
        for text, help, go, _ in self._targets():
            yield DiscoveryHit(text, go, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        wanted = query.strip().lower()
        for text, help, go, exercise in self._targets():
            exact = wanted in (exercise.id.lower(), exercise.slug.lower())  # "4" is not "04": ids as written
            score = 1.0 if exact else max(matcher.match(text), matcher.match(exercise.slug))
            if score > 0:
                yield Hit(score, matcher.highlight(text), go, help=help)
