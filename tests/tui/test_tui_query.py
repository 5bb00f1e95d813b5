"""The query screen (F8): the grammar's complaint as typed, hits by unit, conditions and coder,
the jump to context, saved queries, the hits' sources as a set, and coding every hit at once.

Every answer is counted by hand on the two interviews below (the codings are listed with them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.errors import InvalidInput
from coder.facade.queries import saved_queries
from coder.project import Project
from coder.text.importer import import_paths
from coder.tui.app import make_app
from coder.tui.screens.main import MainScreen
from coder.tui.screens.query import QueryScreen, conditions, fit, typed_conditions
from coder.tui.widgets.transcript import TranscriptView

S1 = """---
id: 王科长
role: 科长
---
访谈者：会商日是怎么开起来的？
王科长：每月开一次会商日。条块联动靠的是现场拍板。部门本位还是有的。
访谈者：举个例子？
王科长：井盖的事当场就定了。
"""
S2 = """---
id: 李主任
role: 主任
---
訪談者：條塊怎麼配合？
李主任：條塊聯動以後，會商日變成固定的。部門本位少了。
"""

#: (source, phrase, code, coder): a01 条块联动 and a02 定期会商日 under A1, a03 部门本位 under A2.
CODINGS = [
    ("S1", "每月开一次会商日。", "a02", "R1"),
    ("S1", "条块联动靠的是现场拍板", "a01", "R1"),
    ("S1", "拍板。部门本位还是有的", "a03", "R1"),
    ("S1", "井盖的事当场就定了", "a01", "R1"),
    ("S2", "條塊聯動以後", "a01", "R1"),
    ("S2", "會商日變成固定的", "a02", "R1"),
    ("S2", "部門本位少了", "a03", "R1"),
    ("S2", "會商日變成固定的", "a01", "R2"),
]


@pytest.fixture
def hand(tmp_path: Path) -> Path:
    (tmp_path / "S1.txt").write_text(S1, encoding="utf-8")
    (tmp_path / "S2.txt").write_text(S2, encoding="utf-8")
    path = tmp_path / "hand.coder"
    p = Project.create(path, title="hand", coder="R1")
    p.set_setting("speakers", ["王科长", "李主任"])
    import_paths(p, [tmp_path / "S1.txt", tmp_path / "S2.txt"])
    p.add_code("条块协同", "axial")
    p.add_code("阻滞因素", "axial")
    p.add_code("条块联动", "open", parent="A1")
    p.add_code("定期会商日", "open", parent="A1")
    p.add_code("部门本位", "open", parent="A2")
    for source, phrase, code, who in CODINGS:
        start = p.source_text(p.source_id(source)).index(phrase)
        p.code_span(source, start, start + len(phrase), code, coder=who)
    p.close()
    return path


async def open_query(pilot) -> QueryScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.press("f8")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QueryScreen)
    return screen


async def run(pilot, screen: QueryScreen, expression: str, **form: str):  # type: ignore[no-untyped-def]
    """Fill the form (expression, where, coder, unit) and press enter in the expression."""
    for name in ("where", "coder"):
        screen.query_one(f"#query-{name}").value = form.get(name, "")
    screen.query_one("#query-unit").value = form.get("unit", "segment")
    screen.query_one("#query-expr").value = expression
    screen.query_one("#query-expr").focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    result = screen.state.result
    return [(h.source, h.text) for h in result.hits] if result else None


def message(screen: QueryScreen) -> str:
    return screen.query_one("#query-message").shown


async def test_a_query_that_does_not_parse_says_why_in_one_line(hand: Path) -> None:
    app = make_app(hand, coder="R1", nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_query(pilot)
        await pilot.press(*"a01", "space", *"AND", "space", "(", *"a03")
        await pilot.pause()
        said = message(screen)
        assert "never closed" in said and "\n" not in said
        await pilot.press("enter")
        await pilot.pause()
        assert screen.state.result is None  # nothing was run
        await pilot.press(")")
        await pilot.pause()
        assert message(screen).startswith("reads as (a01 AND a03)")


async def test_hits_by_unit_conditions_and_coder(hand: Path) -> None:
    app = make_app(hand, coder="R1", nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_query(pilot)
        # a01 "…现场拍板" and a03 "拍板。部门本位…" overlap in 拍板, nowhere else
        assert await run(pilot, screen, "a01 AND a03") == [("S1", "拍板")]
        assert "1 hit in 1 of 2 sources" in message(screen)
        assert screen.query_one("#query-hits").option_count == 1
        # by turn: 王科长's first turn holds a02 and a01, 李主任's turn holds both too
        # (a turn is what its speaker said, without the speaker's name)
        assert await run(pilot, screen, "a01 AND a02", unit="turn") == [
            ("S1", "每月开一次会商日。条块联动靠的是现场拍板。部门本位还是有的。"),
            ("S2", "條塊聯動以後，會商日變成固定的。部門本位少了。"),
        ]
        # only the 科长's interview: its two a01 codings, apart
        assert await run(pilot, screen, "a01", where="role=科长") == [
            ("S1", "条块联动靠的是现场拍板"),
            ("S1", "井盖的事当场就定了"),
        ]
        # a02 AND a01 in S2 is R2's a01 on R1's a02: gone with R1's codings only
        assert await run(pilot, screen, "a02 AND a01") == [("S2", "會商日變成固定的")]
        assert await run(pilot, screen, "a02 AND a01", coder="R1") == []
        # a condition that cannot be read: one line, the old hits stay
        await run(pilot, screen, "a01", where="role")
        assert message(screen).startswith("not run:") and "\n" not in message(screen)
        await run(pilot, screen, "a01", where='role="科长')
        assert message(screen).startswith("not run:") and "quote is not closed" in message(screen)


async def test_enter_on_a_hit_shows_it_selected_in_its_transcript(hand: Path) -> None:
    app = make_app(hand, coder="R1", nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_query(pilot)
        assert await run(pilot, screen, "a03") == [
            ("S1", "拍板。部门本位还是有的"),
            ("S2", "部門本位少了"),
        ]
        hit = screen.state.result.hits[1]
        listing = screen.query_one("#query-hits")
        listing.focus()
        listing.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.source_id == app.project.source_id("S2")
        assert view.selection == (hit.start, hit.end)
        assert view.text[hit.start : hit.end] == "部門本位少了"
        # back on the query screen, the query and its hits are still there
        await pilot.press("f8")
        await pilot.pause()
        assert app.screen.query_one("#query-expr").value == "a03"
        assert app.screen.query_one("#query-hits").option_count == 2
        # coded meanwhile (here from the shell): coming back runs the query again
        await pilot.press("escape")
        await pilot.pause()
        text = app.project.source_text(app.project.source_id("S1"))
        start = text.index("井盖")
        app.project.code_span("S1", start, start + 2, "a03")
        app.data_changed()
        await pilot.press("f8")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [h.text for h in app.screen.state.result.hits][:2] == [
            "拍板。部门本位还是有的",
            "井盖",
        ]
        assert app.screen.query_one("#query-hits").option_count == 3


async def test_save_a_query_and_run_it_again_from_the_list(hand: Path) -> None:
    app = make_app(hand, coder="R1", nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_query(pilot)
        await run(pilot, screen, "a01", where="role=科长", unit="turn")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press(*"kz", "enter")
        await pilot.pause()
        (saved,) = saved_queries(app.project)
        assert (saved.name, saved.expression, saved.where, saved.unit, saved.coder) == (
            "kz",
            "a01",
            ("role=科长",),
            "turn",
            None,
        )
        await run(pilot, screen, "a03")  # something else, then the saved one from the list
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # a01 by turn in S1 only: 王科长's two turns
        hits = screen.state.result.hits
        assert [(h.source, h.text[:4]) for h in hits] == [("S1", "每月开一"), ("S1", "井盖的事")]
        assert screen.query_one("#query-where").value == "role=科长"
        assert screen.query_one("#query-unit").value == "turn"


async def test_the_sources_of_the_hits_saved_as_a_set(hand: Path) -> None:
    app = make_app(hand, coder="R1", nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_query(pilot)
        await run(pilot, screen, "a02 AND a01")  # one hit, in S2
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("enter")  # the name offered
        await pilot.pause()
        (made,) = app.project.sets()
        assert made.name == "query (a02 AND a01)"
        assert made.sources == (app.project.source_id("S2"),)
        await run(pilot, screen, "a03")  # S1 and S2, in project order
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("ctrl+u", *"both", "enter")
        await pilot.pause()
        both = app.project.source_set("both")
        assert both.sources == (app.project.source_id("S1"), app.project.source_id("S2"))


async def test_code_all_hits_asks_first_and_is_one_undo(hand: Path) -> None:
    app = make_app(hand, coder="R1", nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_query(pilot)
        before = len(app.project.segments())
        await run(pilot, screen, "a03")  # two passages, one in each source
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press(*"a02", "enter")
        await pilot.pause()
        question = str(app.screen.query_one("#confirm-question").render())
        assert "2 passages in 2 sources" in question and "a02" in question
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        assert len(app.project.segments()) == before
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press(*"a02", "enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        added = {(s.source, s.text) for s in app.project.segments() if s.label == "a02"}
        assert {("S1", "拍板。部门本位还是有的"), ("S2", "部門本位少了")} <= added
        assert len(app.project.segments()) == before + 2
        # the query is run again; its hits name the codes the query names (a03 only)
        assert [h.codes for h in screen.state.result.hits] == [("a03",), ("a03",)]
        await pilot.press("ctrl+z")  # one undo takes both away
        await pilot.pause()
        assert len(app.project.segments()) == before


async def test_the_palette_and_f8_open_the_query_screen(hand: Path) -> None:
    app = make_app(hand, coder="R1", nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert any(action == "query" for _, action, _ in app.PLACES)
        app.go_to("query")
        await pilot.pause()
        assert isinstance(app.screen, QueryScreen)
        ids = {b.id for b in QueryScreen.BINDINGS}
        assert {"query.save", "query.saved", "query.set", "query.code_all"} <= ids
        assert all(b.description for b in QueryScreen.BINDINGS)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_nothing_is_cut_at_80x24_and_160x45(hand: Path, size: tuple[int, int]) -> None:
    app = make_app(hand, coder="R1", nlp=False)
    async with app.run_test(size=size) as pilot:
        screen = await open_query(pilot)
        await run(pilot, screen, "a01 OR a03", unit="turn")
        for name in ("query-expr", "query-unit", "query-where", "query-coder", "query-hits"):
            region = screen.query_one(f"#{name}").region
            assert region.width > 0 and region.height > 0
            assert region.right <= size[0] and region.bottom <= size[1] - 1  # above the footer
        assert screen.query_one("#query-hits").region.height >= 8
        # every key of the screen in the footer, at both sizes
        footer = " ".join(str(k.render()) for k in app.screen.query("FooterKey") if k.region.width)
        for description in ("Save", "Saved", "As set", "Code all"):
            assert description in footer


def test_columns_line_up_by_cells_whatever_the_script() -> None:
    from rich.cells import cell_len

    assert cell_len(fit("王科长", 8)) == cell_len(fit("S1", 8)) == 8
    assert fit("一二三四五六", 8) == "一二三… "


def test_conditions_are_split_at_spaces_outside_quotes() -> None:
    typed = 'role="居民代表 楼组长" date>=2019-01-01'
    assert conditions(typed) == ["role=居民代表 楼组长", "date>=2019-01-01"]
    assert conditions(typed_conditions(conditions(typed))) == conditions(typed)
    assert typed_conditions(["role=科长"]) == "role=科长"
    with pytest.raises(InvalidInput, match="quote is not closed"):
        conditions('role="科长')
