"""Focus goes where the hands expect, and the keys keep their meaning: the tree's filter, Enter
on a category, number keys that stay put (and come back after a restart), the picker's new
code out of the way, the ends of a transcript, and selections that stay inside a turn."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from coder.tui.app import CoderApp, make_app
from coder.tui.screens.dialogs import CodePicker
from coder.tui.screens.main import MainScreen
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.transcript import TranscriptView
from tests.conftest import SIZE, settle


async def _select(app: CoderApp, pilot, source: str, needle: str, nth: int = 0) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    sid = app.project.source_id(source)
    text = app.project.source_text(sid)
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    screen.jump_to(sid, start, start + len(needle))
    await pilot.pause()
    return start, start + len(needle)


def _node(tree: CodeTree, code_id: int):  # type: ignore[no-untyped-def]
    return tree._code_nodes[code_id]


async def test_tree_filter_focus_escape_and_enter_on_a_category(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        tree = screen.query_one(CodeTree)
        view = screen.query_one(TranscriptView)
        await pilot.press("ctrl+t")
        assert isinstance(screen.focused, Input) and screen.focused.id == "code-filter"
        await pilot.press(*"a2")
        await pilot.pause()
        assert tree.filter_text == "a2"
        await pilot.press("down")
        assert screen.focused is tree.tree_view
        await pilot.press("escape")
        assert screen.focused is view
        # Enter on a category applies it and leaves it open; space folds it.
        await pilot.press("ctrl+t", *["backspace"] * 2)
        await pilot.pause()
        start, end = await _select(app, pilot, "S2-01", "条块联动")
        a1 = app.project.code("A1").id
        tree.tree_view.move_cursor(_node(tree, a1))
        tree.tree_view.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert any(
            (s.start, s.end) == (start, end) for s in app.project.segments(code=a1, coder="tester")
        )
        assert _node(tree, a1).is_expanded
        tree.tree_view.focus()
        await pilot.press("space")
        assert not _node(tree, a1).is_expanded


async def test_number_keys_stay_put_show_in_the_tree_and_come_back(demo_copy: Path) -> None:
    p_labels = ("a09", "a10", "a05")

    async def code_with_picker(app: CoderApp, pilot, label: str, nth: int) -> None:  # type: ignore[no-untyped-def]
        await _select(app, pilot, "S4-01", "会商日", nth)
        await pilot.press("c", *label, "enter")
        await pilot.pause()

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for nth, label in enumerate(p_labels):
            await code_with_picker(app, pilot, label, nth)
        ids = [app.project.code_id(label) for label in p_labels]
        screen = app.screen
        assert screen.keys.keys() == {ids[0]: 1, ids[1]: 2, ids[2]: 3}
        # pressing 3, then 1: the keys do not move
        for i, (key, wanted) in enumerate((("3", ids[2]), ("1", ids[0]), ("3", ids[2]))):
            start, end = await _select(app, pilot, "S2-01", "的", i)
            await pilot.press(key)
            await pilot.pause()
            assert screen.keys.keys() == {ids[0]: 1, ids[1]: 2, ids[2]: 3}
            if key == "1":
                assert any(
                    (s.start, s.end) == (start, end) for s in app.project.segments(code=wanted)
                )
        tree = screen.query_one(CodeTree)
        assert str(_node(tree, ids[1]).label).startswith("2 ")
        assert "keys 1:a09 2:a10 3:a05" in screen.query_one("#status").shown
        await pilot.press("ctrl+z")  # undoes the last coding, not a key
        await pilot.pause()
        assert screen.keys.keys() == {ids[0]: 1, ids[1]: 2, ids[2]: 3}
    app.project.close()
    # After a restart: the same keys.
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        start, end = await _select(app, pilot, "S2-01", "条块联动")
        await pilot.press("2")
        await pilot.pause()
        assert any(
            (s.start, s.end) == (start, end)
            for s in app.project.segments(code="a10", coder="tester")
        )
        assert str(_node(app.screen.query_one(CodeTree), ids[0]).label).startswith("1 ")
    app.project.close()
    # Another coder on the same project has keys of their own.
    app = make_app(demo_copy, coder="R2", nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.keys.keys() == {}


async def test_the_pickers_new_code_is_last_and_out_of_the_arrows_way(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _select(app, pilot, "S2-01", "条块联动")
        before = len(app.project.codes())
        await pilot.press("c", *"a25")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CodePicker)
        listing = picker.query_one("#picker-list")
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert "new" not in ids  # a25 is a label already
        await pilot.press(*["backspace"] * 3, *"条块")
        await pilot.pause()
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert ids[-1] == "new" and ids.count("new") == 1 and len(ids) >= 2
        await pilot.press("up", *["down"] * (len(ids) + 2))
        assert listing.get_option_at_index(listing.highlighted).id != "new"
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.project.codes()) == before  # an existing code was applied
        await _select(app, pilot, "S2-01", "会商日", 1)
        await pilot.press("c", *"条块", "ctrl+n")
        await pilot.pause()
        assert app.project.codes()[-1].name == "条块"


async def test_ends_of_the_transcript_and_sentences_and_growing_between_turns(
    demo_copy: Path,
) -> None:
    app = make_app(demo_copy)  # with the word list: sentences and words
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(TranscriptView)
        view.focus()
        await pilot.press("G")
        assert view.cursor == len(view.text)
        await pilot.press("g")
        assert view.cursor == 0
        await pilot.press("ctrl+end")
        assert view.cursor == len(view.text)
        await pilot.press("ctrl+home")
        assert view.cursor == 0
        # the line break at the end of the first turn
        first = view.text.index("\n")
        view.cursor = first
        await pilot.press("s")
        await pilot.pause()
        assert view.selection is None
        assert any("no sentence at the cursor" in n.message for n in app._notifications)
        # + there selects the next speaker's first word, not the break and their name
        label_start, speech_start, speaker = next(t for t in view.turn_labels if t[0] > first)
        await pilot.press("plus")
        sel = view.selection
        assert sel is not None and sel[0] == speech_start
        assert "\n" not in view.text[sel[0] : sel[1]] and speaker not in view.text[sel[0] : sel[1]]
        # and growing stops at the end of that turn
        await pilot.press(*["plus"] * 400)
        sel = view.selection
        assert sel is not None and "\n" not in view.text[sel[0] : sel[1]]


async def test_pinyin_finds_a_chinese_code_in_the_picker_and_the_tree(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        a25 = app.project.code("条块联动")
        # a Traditional name is found the same way
        app.project.add_code("條塊聯動（現場）", parent="A8")
        app.data_changed()
        await pilot.pause()
        trad = app.project.code("條塊聯動（現場）")
        tree = app.screen.query_one(CodeTree)
        for needle in ("tkld", "tiaokuai"):
            await pilot.press("ctrl+t", *needle)
            await pilot.pause()
            shown = set(tree._code_nodes)
            assert {a25.id, trad.id} <= shown and len(shown) < len(app.project.codes())
            await pilot.press(*["backspace"] * len(needle), "escape")
            await pilot.pause()
        start, end = await _select(app, pilot, "S4-01", "会商日")
        await pilot.press("c", *"tiaokuai")
        await pilot.pause()
        listing = app.screen.query_one("#picker-list")
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert str(a25.id) in ids and str(trad.id) in ids
        names = {str(c.id): c.name for c in app.project.codes()}
        assert all(names[i][:2] in ("条块", "條塊") for i in ids if i != "new")  # 条块协同 too
        await pilot.press(*["backspace"] * 8, *"tkld", "enter")
        await pilot.pause()
        assert any((s.start, s.end) == (start, end) for s in app.project.segments(code=a25.id))


async def test_p_plays_the_recording_from_the_turn_at_the_cursor(
    demo_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    """`p` hands the player the time of the turn under the cursor; a source without a recording
    says so instead."""
    from coder import media

    started: list[media.Playback] = []
    monkeypatch.setattr(media, "start", lambda play: started.append(play) or ["mpv"])
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        sid = app.project.source_id("S2-01")
        timed = [t for t in app.project.turns(sid) if media.seconds(t.timestamp)]
        turn = timed[1]
        screen.jump_to(sid, turn.start + 3, turn.start + 3)
        await pilot.pause()
        await pilot.press("p")  # no recording linked yet
        await pilot.pause()
        assert not started
        recording = tmp_path / "S2-01.m4a"
        recording.write_bytes(b"\0")
        media.link(app.project, "S2-01", recording)
        await pilot.press("p")
        await pilot.pause()
        assert [(p.path, p.at) for p in started] == [(recording, media.seconds(turn.timestamp))]
