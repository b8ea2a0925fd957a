"""The edges of the workbook, made to say what matters at any width.

At 80 columns Textual's header cut the machine's line ("torch 2.x · no CUDA GPU") and its
footer dropped "? Help  q Quit". Here the header shortens the pack's title before the
machine's line, and a narrow footer packs its keys closer and leaves the palette's key to
the help screen (which names ctrl+p).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Footer, Header
from textual.widgets._header import HeaderTitle

PALETTE_KEY = 14  # columns the palette's key takes at the footer's right end ("▏^p palette ")


def fitted_title(title: str, sub_title: str, width: int) -> str:
    """"title — sub_title" in ``width`` columns: the title is cut first ("…"), the sub-title
    (the machine: torch, GPU) only when it does not fit alone."""
    if not sub_title:
        return title if len(title) <= width else title[:max(width - 1, 0)] + "…"
    whole = f"{title} — {sub_title}"
    if len(whole) <= width:
        return whole
    room = width - len(sub_title) - 3
    if room >= 8:
        return f"{title[:room - 1].rstrip()}… — {sub_title}"
    return sub_title if len(sub_title) <= width else sub_title[:max(width - 1, 0)] + "…"


class DojoHeader(Header):
    def format_title(self) -> Content:
        try:
            width = self.query_one(HeaderTitle).content_region.width
        except Exception:  # not composed yet
            width = 0
        if width <= 0:
            return super().format_title()
        text = fitted_title(self.screen_title, self.screen_sub_title, width)
        title, dash, sub = text.partition(" — ")
        return Content.assemble(title, (dash, "dim"), Content(sub).stylize("dim")) if dash else Content(text)

    def on_resize(self) -> None:
        try:
            self.query_one(HeaderTitle).update(self.format_title())
        except Exception:  # not composed yet
            pass


class DojoFooter(Footer):
    """Every key shown, whatever the width: spaced out where they fit so, packed closer
    where not, and without the palette's key where even that is too wide."""

    def on_resize(self) -> None:
        self.fit(self.size.width)

    def fit(self, width: int) -> None:
        try:
            shown = [b for (_, b, _, _) in self.screen.active_bindings.values() if b.show]
        except Exception:  # no screen yet
            return
        words = [len(self.app.get_key_display(b)) + len(b.description) for b in shown]
        spaced, packed = sum(w + 4 for w in words), sum(w + 2 for w in words)
        palette = PALETTE_KEY if self.app.ENABLE_COMMAND_PALETTE else 0
        self.compact = spaced + palette > width
        self.show_command_palette = packed + palette <= width or not self.compact
