"""The network screen: a code's ties, their evidence, and the jump to the transcript."""

from __future__ import annotations

from pathlib import Path

from coder.tui.app import make_app
from coder.tui.screens.main import MainScreen
from coder.tui.screens.network import NetworkScreen
from coder.tui.widgets.transcript import TranscriptView
from tests.conftest import settle


async def test_ties_evidence_and_jump(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        a25 = app.project.code_id("a25")
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NetworkScreen)
        screen.code_id = a25
        screen.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        kinds = {(t["code"], t["kind"]) for t in screen.ties}
        assert ("A8", "hierarchy") in kinds and ("a02", "cooccurrence") in kinds
        weights = [t["weight"] for t in screen.ties]
        assert weights == sorted(weights, reverse=True)
        # highlight the a02 tie: its evidence is a25 and a02 segments that share a turn
        ties = screen.query_one("#net-ties")
        ties.highlighted = next(
            i
            for i, t in enumerate(screen.ties)
            if t["code"] == "a02" and t["kind"] == "cooccurrence"
        )
        await pilot.pause()
        labels = {s.label for s in screen.segments}
        assert labels == {"a25", "a02"}
        target = screen.segments[0]
        screen.query_one("#net-evidence").focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.source_id == target.source_id and view.selection == (target.start, target.end)


async def test_evidence_coded_by_two_coders_shows_once_naming_both(demo_copy: Path) -> None:
    from coder.graph.network import evidence

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        # a07: R1 and R2 coded S2-01 165–208 alike (found by listing every coding)
        screen.code_id = app.project.code_id("a07")
        screen.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the tie whose evidence has the most passages coded alike by both coders
        code = next(c for c in app.project.codes() if c.id == screen.code_id)
        best, twice = None, 0
        for i, tie in enumerate(screen.ties):
            segs = evidence(app.project, screen.graph, code.label, tie["code"], tie["kind"])
            keys = [(s.source_id, s.start, s.end, s.label) for s in segs]
            n = len(keys) - len(set(keys))
            if n > twice:
                best, twice, wanted = i, n, segs
        assert best is not None, "the demo has passages two coders coded alike"
        screen.query_one("#net-ties").highlighted = best
        await pilot.pause()
        keys = [(s.source_id, s.start, s.end, s.label) for s in screen.segments]
        assert (
            len(keys)
            == len(set(keys))
            == len({(s.source_id, s.start, s.end, s.label) for s in wanted})
        )
        listing = screen.query_one("#net-evidence")
        lines = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any(line.endswith("R1, R2") or line.endswith("R2, R1") for line in lines)
        # the summary is two lines cut with an ellipsis, never wrapped mid-label
        summary = screen.query_one("#net-summary")._text
        assert summary.no_wrap and str(summary).count("\n") == 1


def turns_with_both(project, a: int, b: int) -> int:  # type: ignore[no-untyped-def]
    """Turns holding a coding of ``a`` (or a code under it) and of ``b`` (or under it), counted
    by brute force: every turn against every coding."""
    codes = project.codes()
    kids: dict[int, set[int]] = {}
    for c in codes:
        for parent in c.parents:
            kids.setdefault(parent, set()).add(c.id)

    def under(code_id: int) -> set[int]:
        out, todo = {code_id}, [code_id]
        while todo:
            for k in kids.get(todo.pop(), ()):
                if k not in out:
                    out.add(k)
                    todo.append(k)
        return out

    side_a, side_b = under(a), under(b)
    segments = project.segments()
    count = 0
    for source in project.sources():
        mine = [s for s in segments if s.source_id == source.id]
        for t in project.turns(source.id):
            here = {s.code_id for s in mine if s.start < t.end and s.end > t.start}
            count += bool(here & side_a) and bool(here & side_b)
    return count


async def test_each_relation_shows_its_support_or_the_ungrounded_flag(demo_copy: Path) -> None:
    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        project = app.project
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NetworkScreen)
        screen.code_id = project.code_id("A3")
        screen.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        a3 = project.code_id("A3")
        label = {c.id: c.label for c in project.codes()}
        relations = [r for r in project.relations() if a3 in (r.from_id, r.to_id)]
        listing = screen.query_one("#net-ties")
        shown = {i: str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)}
        grounded = ungrounded = 0
        for r in relations:
            other = label[r.to_id if r.from_id == a3 else r.from_id]
            i, tie = next(
                (i, t)
                for i, t in enumerate(screen.ties)
                if t["kind"] == "relation" and t["code"] == other and t["type"] == r.type
            )
            both = turns_with_both(project, r.from_id, r.to_id)
            assert tie["support"] == both, (r, tie)
            if both or r.evidence:
                grounded += 1
                assert f"support {both} turn" in shown[i]
                assert "not yet grounded" not in shown[i]
            else:
                ungrounded += 1
                assert "asserted, not yet grounded" in shown[i]
        assert grounded and ungrounded  # the demo has both kinds around A3
        summary = screen.query_one("#net-summary").shown
        total = len(project.relations())
        assert f"relations {total}, " in summary and "not yet grounded" in summary
        # an ungrounded relation's evidence pane says what it rests on
        i = next(i for i, text in shown.items() if "not yet grounded" in text)
        listing.highlighted = i
        await pilot.pause()
        evidence = screen.query_one("#net-evidence")
        assert evidence.option_count == 1
        assert "asserted, not yet grounded" in str(evidence.get_option_at_index(0).prompt)


async def test_summary_keeps_both_lines_on_an_80_column_terminal(demo_copy: Path) -> None:
    """At 80 columns the 统/合 line wrapped and pushed the cross-side ties out of the two-line
    box; each line is cut with an ellipsis now, so both stay in sight."""
    from textual.geometry import Region

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        summary = app.screen.query_one("#net-summary")
        lines = [s.text for s in summary.render_lines(Region(0, 0, summary.size.width, 2))]
        assert lines[0].lstrip().startswith("统 "), lines
        assert lines[1].lstrip().startswith("cross-side ties"), lines


def _row(widget, y: int) -> str:  # type: ignore[no-untyped-def]
    return "".join(segment.text for segment in widget.render_line(y))


def _shown(widget) -> str:  # type: ignore[no-untyped-def]
    return _row(widget, 0)


async def test_pane_titles_end_in_an_ellipsis_when_narrow(demo_copy: Path) -> None:
    """At 80 columns the evidence pane's title ("Evidence 证据 (enter: show in the transcript)")
    is wider than its pane: it ends in "…" on its one line instead of stopping at a cut word;
    titles that fit are shown whole."""
    from rich.cells import cell_len
    from textual.widgets import Static

    app = make_app(demo_copy, nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        cut = 0
        for key in ("", "f4", "escape", "f2"):
            if key:
                await pilot.press(key)
                await settle(app, pilot)
            titles = [t for t in app.screen.query(".pane-title") if t.size.width]
            assert titles, app.screen
            for title in titles:
                assert isinstance(title, Static)
                text = str(title.render())
                shown = _shown(title).strip()
                width = title.content_region.width
                assert cell_len(_shown(title)) <= title.size.width
                if cell_len(text) > width:
                    assert shown.endswith("…"), (text, shown)
                    assert text.startswith(shown[:-1].rstrip()), (text, shown)
                    cut += 1
                else:
                    assert shown == text
            if key == "f4":  # each tie on one line of its own, cut with "…" where too long
                screen = app.screen
                assert isinstance(screen, NetworkScreen)
                ties = screen.query_one("#net-ties")
                rows = [_row(ties, y) for y in range(min(len(screen.ties), ties.size.height))]
                assert rows and all(
                    f" {tie['code']} " in row for tie, row in zip(screen.ties, rows, strict=False)
                ), rows
                assert any(row.rstrip().endswith("…") for row in rows), rows
        assert cut, "no title was too wide at 80 columns"
