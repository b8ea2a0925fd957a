"""Finding one's way in the workbook: it opens where the learner left it, the command palette
jumps to an exercise, PgDn scrolls the verdict from the list, the palette holds no leftovers."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import OptionList

from torch_dojo import progress
from torch_dojo.tui.screens import texts
from torch_dojo.verdict import CheckResult, Status, Verdict
from tests.test_tui import found, make_app, until  # noqa: F401


async def test_a_restart_opens_the_exercise_the_learner_was_on(make_app, found):
    first = make_app()
    async with first.run_test() as pilot:
        await pilot.press("n")
        assert first.screen.current.slug == "greet"
    assert progress.load(found.progress_file).current == "greet"
    again = make_app()
    async with again.run_test() as pilot:
        await pilot.pause()
        assert again.screen.current.slug == "greet"
        listing = again.screen.query_one(OptionList)
        assert listing.get_option_at_index(listing.highlighted).id == "greet"


async def test_a_place_progress_does_not_know_opens_the_first_exercise_to_do(make_app, found):
    progress.update(found.progress_file, lambda s: setattr(s, "current", "gone_from_the_pack"))
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.screen.current.slug == "add"


async def jump(pilot, typed: str) -> None:
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*typed)
    await pilot.pause(0.5)  # the palette searches as it is typed
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(pilot.app.screen, CommandPalette))


async def test_the_palette_jumps_to_an_exercise_by_id_slug_or_title(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await jump(pilot, "02")
        assert app.screen.current.slug == "greet"
        await jump(pilot, "add")
        assert app.screen.current.slug == "add"
        await jump(pilot, "Greet some")
        assert app.screen.current.slug == "greet"


def long_verdict(exercise, file, **kwargs) -> Verdict:
    checks = tuple(CheckResult(f"test_case_{n}", Status.FAILED, f"case {n} is wrong", hint=f"hint {n}")
                   for n in range(40))
    return Verdict(exercise.id, exercise.slug, exercise.title, Status.FAILED, checks=checks)


async def test_page_down_in_the_list_scrolls_the_verdict_and_leaves_the_list_alone(make_app):
    app = make_app(check=long_verdict)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.session.verdicts)
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        assert app.focused is listing
        verdict = app.screen.query_one("VerdictView")
        assert verdict.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert verdict.scroll_y > 0
        assert app.screen.current.slug == "add"
        assert listing.get_option_at_index(listing.highlighted).id == "add"
        await pilot.press("pageup")
        await pilot.pause()
        assert verdict.scroll_y == 0


def test_the_help_says_how_to_scroll_the_verdict():
    shown = texts.help_text("")
    assert "PgDn" in shown and "scroll the tab shown" in shown
    assert "Tab" in shown and "jump to an exercise" in shown


async def test_the_palette_lists_the_workbooks_commands_and_no_leftovers(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Keys (?)" in titles and "Next hint (h)" in titles and "Theme" in titles
        assert not {"Keys", "Maximize", "Screenshot"} & set(titles)
