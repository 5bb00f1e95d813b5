"""The codebook screen (F2), driven with Pilot on a copy of the demo project; the assertions read
the stored project, so each fails if the change did not reach the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from coder.project import Project
from coder.tui.app import CoderApp, make_app
from coder.tui.screens.codebook import CodebookScreen
from coder.tui.widgets.code_tree import CodeTree
from tests.conftest import SIZE, snapshot


@pytest.fixture
def path(demo_copy: Path) -> Path:
    return demo_copy


def stored(path: Path) -> Project:
    return Project.open(path)


async def codebook(app: CoderApp, pilot: Pilot, label: str | None = None) -> CodebookScreen:
    """Open the codebook (F2) and highlight ``label`` in the tree, which has the focus."""
    await pilot.press("f2")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CodebookScreen)
    if label is not None:
        screen.highlight(app.project.code(label).id)
        await pilot.pause()
        assert screen.current == app.project.code(label).id
    assert screen.focused is screen.query_one(CodeTree).tree_view
    return screen


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)


@pytest.mark.asyncio
async def test_edit_definition_and_save_is_one_event(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        before = len(app.project.log())
        area = screen.query_one("#cb-definition", TextArea)
        area.focus()
        area.select_all()
        await type_text(pilot, "on-the-spot review")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(app.project.log()) == before + 1
    with stored(path) as p:
        assert p.code("a10").definition == "on-the-spot review"
        assert p.log()[-1].action == "edit-code"


@pytest.mark.asyncio
async def test_several_fields_are_saved_together(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        before = len(app.project.log())
        name_en = screen.query_one("#cb-name_en", Input)
        name_en.focus()
        name_en.value = ""
        await type_text(pilot, "review on the spot")
        colour = screen.query_one("#cb-colour", Input)
        colour.focus()
        await type_text(pilot, "#123abc")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(app.project.log()) == before + 1
    with stored(path) as p:
        code = p.code("a10")
        assert (code.name_en, code.colour) == ("review on the spot", "#123abc")


@pytest.mark.asyncio
@pytest.mark.parametrize(("field", "value"), [("colour", "#12345"), ("name", "定期会商日")])
async def test_bad_input_changes_nothing(path: Path, field: str, value: str) -> None:
    before = snapshot(path)
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        box = screen.query_one(f"#cb-{field}", Input)
        box.focus()
        box.value = ""
        await type_text(pilot, value)
        await pilot.press("ctrl+s")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("nothing was changed" in m for m in messages), messages
        # The edit stays in the form, to be corrected.
        assert box.value == value
    assert snapshot(path) == before


@pytest.mark.asyncio
async def test_paradigm_role_and_axis_of_an_axial_category(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "A1")
        # A1 is causal (second in the menu) with no axis (first): consequence is five down, 统 one.
        for select, downs, option in (("#cb-role", 5, "consequence"), ("#cb-axis", 1, "统")):
            widget = screen.query_one(select, Select)
            assert not widget.disabled
            widget.focus()
            await pilot.press("enter", *["down"] * downs, "enter")
            await pilot.pause()
            assert widget.value == option
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Open codes carry neither.
        screen.highlight(app.project.code("a01").id)
        await pilot.pause()
        assert screen.query_one("#cb-role", Select).disabled
    with stored(path) as p:
        a1 = p.code("A1")
        assert (a1.paradigm_role, a1.axis) == ("consequence", "统")
        assert p.log()[-1].summary == "edit A1 基层治理困境: axis, paradigm_role"


@pytest.mark.asyncio
async def test_move_a_concept_to_another_category(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        await pilot.press("p")
        await type_text(pilot, "A8")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.current == app.project.code("a10").id
    with stored(path) as p:
        assert p.code("a10").parents == (p.code("A8").id,)


@pytest.mark.asyncio
async def test_move_out_of_every_category(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await codebook(app, pilot, "a10")
        await pilot.press("p", "enter")  # the first choice is "(no category)"
        await pilot.pause()
    with stored(path) as p:
        assert p.code("a10").parents == ()


@pytest.mark.asyncio
async def test_attach_to_a_second_category_and_detach(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await codebook(app, pilot, "a10")
        await pilot.press("a")
        await type_text(pilot, "A9")
        await pilot.press("enter")
        await pilot.pause()
        with stored(path) as p:
            assert p.code("a10").parents == (p.code("A3").id, p.code("A9").id)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")  # the primary, A3
        await pilot.pause()
    with stored(path) as p:
        assert p.code("a10").parents == (p.code("A9").id,)


@pytest.mark.asyncio
async def test_promote_an_open_code(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        code_id = screen.current
        await pilot.press("u")
        await pilot.pause()
        assert screen.current == code_id
        assert screen.query_one("#cb-label", Input).value == "A11"
        assert not screen.query_one("#cb-role", Select).disabled
    with stored(path) as p:
        code = p.code(code_id)
        assert (code.level, code.label, code.name) == ("axial", "A11", "现审现商")
        assert p.lineage()[-1]["kind"] == "promote"


@pytest.mark.asyncio
async def test_merge_asks_first_and_undo_restores_both(path: Path) -> None:
    before = snapshot(path)
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        await pilot.press("g")
        await type_text(pilot, "a08")
        await pilot.press("enter")
        await pilot.pause()
        question = str(app.screen.query_one(".dialog-title").render())
        assert "13 codings move" in question
        await pilot.press("enter")  # yes
        await pilot.pause()
        assert screen.current == app.project.code("a08").id
        with stored(path) as p:
            assert [c.label for c in p.codes()].count("a10") == 0
            assert p.code_counts()[p.code("a08").id][0] == 19
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "a10" in [c.label for c in screen.codes.values()]
    assert snapshot(path) == before


@pytest.mark.asyncio
async def test_merge_answered_no_changes_nothing(path: Path) -> None:
    before = snapshot(path)
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await codebook(app, pilot, "a10")
        await pilot.press("g", *"a08", "enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # no
        await pilot.pause()
    assert snapshot(path) == before


@pytest.mark.asyncio
async def test_split_moves_the_chosen_codings(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await codebook(app, pilot, "a10")
        first_two = [s.id for s in app.project.segments(code="a10")[:2]]
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("space", "down", "space", "ctrl+s")
        await pilot.pause()
        await type_text(pilot, "review")
        await pilot.press("enter")
        await pilot.pause()
    with stored(path) as p:
        new = p.code("review")
        assert new.level == "open" and new.parents == (p.code("A3").id,)
        assert [s.id for s in p.segments(code=new.id)] == first_two
        assert p.code_counts()[p.code("a10").id][0] == 11


@pytest.mark.asyncio
async def test_delete_asks_first_and_undo_restores(path: Path) -> None:
    before = snapshot(path)
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a25")
        await pilot.press("delete")
        await pilot.pause()
        assert "9 codings go" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("enter")
        await pilot.pause()
        with stored(path) as p:
            assert "a25" not in [c.label for c in p.codes()]
            assert len(p.segments()) == 262 - 9
        # The highlight falls back to the category the code was in.
        assert screen.current == app.project.code("A8").id
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.current is not None
    assert snapshot(path) == before


@pytest.mark.asyncio
async def test_new_code_under_the_highlighted_category(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "A3")
        await pilot.press("N")
        await type_text(pilot, "agenda")
        await pilot.press("enter")
        await pilot.pause()
        new = app.project.code("agenda")
        assert screen.current == new.id
        await pilot.press("N")  # open code highlighted: a sibling
        await type_text(pilot, "minutes")
        await pilot.press("enter")
        await pilot.pause()
        screen.highlight(app.project.code("AA").id)
        await pilot.pause()
        await pilot.press("N")  # the core: a new category
        await type_text(pilot, "feedback")
        await pilot.press("enter")
        await pilot.pause()
    with stored(path) as p:
        a3 = p.code("A3").id
        assert (p.code("agenda").level, p.code("agenda").parents) == ("open", (a3,))
        assert p.code("minutes").parents == (a3,)
        assert (p.code("feedback").level, p.code("feedback").parents) == (
            "axial",
            (p.code("AA").id,),
        )


@pytest.mark.asyncio
async def test_core_category_only_for_selective(path: Path) -> None:
    before = snapshot(path)
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        await codebook(app, pilot, "A3")
        await pilot.press("k")
        await pilot.pause()
        assert any("only a selective code" in n.message for n in app._notifications)
    assert snapshot(path) == before


@pytest.mark.asyncio
async def test_unsaved_edits_survive_moving_the_highlight(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        a10 = screen.current
        example = screen.query_one("#cb-example", TextArea)
        example.focus()
        example.select_all()
        await type_text(pilot, "draft")
        await pilot.press("escape", "down")  # back to the tree, then the next code
        await pilot.pause()
        assert screen.current != a10
        assert screen.query_one("#cb-example", TextArea).text != "draft"
        await pilot.press("up")
        await pilot.pause()
        assert screen.query_one("#cb-example", TextArea).text == "draft"
        await pilot.press("ctrl+s")
        await pilot.pause()
    with stored(path) as p:
        assert p.code("a10").example == "draft"


@pytest.mark.asyncio
async def test_escape_warns_about_unsaved_edits_then_leaves(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        screen.query_one("#cb-name_en", Input).value = "changed"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CodebookScreen)
    with stored(path) as p:
        assert p.code("a10").name_en != "changed"


@pytest.mark.asyncio
async def test_undo_redo_show_on_the_screen(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        app.project.update_code("a10", definition="from elsewhere")
        await pilot.press("ctrl+z")
        await pilot.pause()
        old = app.project.code("a10").definition
        assert screen.query_one("#cb-definition", TextArea).text == old
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert screen.query_one("#cb-definition", TextArea).text == "from elsewhere"


@pytest.mark.asyncio
async def test_opens_on_a_given_code(path: Path) -> None:
    app = make_app(path, nlp=False)
    async with app.run_test(size=SIZE) as pilot:
        a25 = app.project.code("a25").id
        await app.push_screen(CodebookScreen(a25))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        assert screen.current == a25 == screen.query_one(CodeTree).highlighted
        assert screen.query_one("#cb-name", Input).value == "条块联动"


# -- snapshots ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "label"),
    [((120, 40), "A3"), ((80, 24), "a10")],
    ids=["wide", "narrow"],
)
def test_snapshot(path: Path, snap_compare, size: tuple[int, int], label: str) -> None:  # type: ignore[no-untyped-def]
    """The codebook on a category (wide) and on an open code (narrow)."""
    app = make_app(path, nlp=False)

    async def show(pilot: Pilot) -> None:
        await pilot.press("f2")
        await pilot.pause()
        app.screen.highlight(app.project.code(label).id)  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=show)


@pytest.mark.asyncio
async def test_a_save_never_silently_overwrites_a_colleagues_edit_of_the_same_field(
    path: Path,
) -> None:
    app = make_app(path, nlp=False)
    colleague = Project.open(path, coder="R2")
    async with app.run_test(size=SIZE) as pilot:
        screen = await codebook(app, pilot, "a10")
        area = screen.query_one("#cb-definition", TextArea)
        area.focus()
        area.select_all()
        await type_text(pilot, "mine")
        colleague.update_code("a10", definition="theirs")
        app.data_changed()  # their change arrives (a refresh, or NOTIFY on a server)
        await pilot.pause()
        assert screen.query_one("#cb-definition", TextArea).text == "mine"  # the draft stays
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.project.code("a10").definition == "theirs"
        await pilot.press("ctrl+s")  # told once: now "mine all the same"
        await pilot.pause()
        assert app.project.code("a10").definition == "mine"
    colleague.close()
