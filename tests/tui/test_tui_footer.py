"""The footer never cuts a key: at every width each key it shows is whole and clear of the
command-palette key, and "…" says when keys were left out (at 160 columns the workbench's
footer read "O Whose codi▏^p palette", and the codebook's ended "palettee")."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey, FooterLabel

from coder.tui.app import make_app
from coder.tui.widgets.footer import FittingFooter
from tests.conftest import settle


async def _footer(app, pilot, key: str | None):  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    if key:
        await pilot.press(key)
        await settle(app, pilot)
        await pilot.pause(0.2)
    footer = app.screen.query_one(FittingFooter)
    keys = [k for k in footer.query(FooterKey) if "-command-palette" not in k.classes]
    [palette] = [k for k in footer.query(FooterKey) if "-command-palette" in k.classes]
    return footer, keys, palette


@pytest.mark.parametrize("width", [80, 120, 160, 200])
@pytest.mark.parametrize("key", [None, "f2", "f6"], ids=["workbench", "codebook", "statistics"])
def test_every_key_shown_is_whole(demo_copy: Path, width: int, key: str | None) -> None:
    async def main() -> None:
        app = make_app(demo_copy, nlp=False)
        async with app.run_test(size=(width, 30)) as pilot:
            footer, keys, palette = await _footer(app, pilot, key)
            assert keys, "no key at all"
            for k in keys:
                assert k.region.right <= palette.region.x, (k.key_display, k.region, palette.region)
                # Drawn whole: the widget is as wide as its key and description.
                text = k.render()
                assert str(text).strip().endswith(k.description.strip()), str(text)
            wanted = {b.action for _n, b, _e, _t in app.screen.active_bindings.values() if b.show}
            wanted.discard("command_palette")
            more = [lbl for lbl in footer.query(FooterLabel) if "-more" in lbl.classes]
            assert bool(more) == (len(keys) < len(wanted)), (len(keys), len(wanted))
            if more:
                assert more[0].region.right <= palette.region.x
        app.project.close()

    asyncio.run(main())


def test_a_resize_lays_the_footer_out_again(demo_copy: Path) -> None:
    async def main() -> None:
        app = make_app(demo_copy, nlp=False)
        async with app.run_test(size=(200, 30)) as pilot:
            _f, wide, _p = await _footer(app, pilot, None)
            await pilot.resize_terminal(80, 30)
            await settle(app, pilot)
            await pilot.pause(0.2)
            _f, narrow, palette = await _footer(app, pilot, None)
            assert len(narrow) < len(wide)
            assert all(k.region.right <= palette.region.x for k in narrow)
        app.project.close()

    asyncio.run(main())


async def test_the_footer_is_composed_again_only_when_it_changes(demo_copy: Path) -> None:
    """Textual recomposes the footer on every change of the bindings (each focus change): the
    same keys are not composed again (five recompositions, about 20 ms each, while the
    workbench opened), different ones are."""
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        footer = screen.query_one(FittingFooter)
        before = list(footer.query(FooterKey))
        screen.bindings_updated_signal.publish(screen)  # the bindings "changed", the keys not
        await settle(app, pilot)
        await pilot.pause(0.1)
        assert list(footer.query(FooterKey)) == before
        # Into the tree's filter: other keys, composed again.
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        await pilot.pause(0.1)
        after = list(footer.query(FooterKey))
        assert after != before
        shown = {k.action for k in after}
        wanted = {b.action for _n, b, _e, _t in screen.active_bindings.values() if b.show}
        assert shown <= wanted | {"command_palette"}
    app.project.close()


async def test_the_workbench_opens_with_its_footer_composed_once(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transcript has the focus from the start (MainScreen.AUTO_FOCUS), so the footer is
    composed once, for its keys: it was composed for the sources' filter box first, then again."""
    composed: list[int] = []
    original = FittingFooter._fitting

    def counting(self):  # type: ignore[no-untyped-def]
        composed.append(1)
        return original(self)

    monkeypatch.setattr(FittingFooter, "_fitting", counting)
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.1)
        assert type(app.focused).__name__ == "TranscriptView"
        assert len(composed) == 1
    app.project.close()
