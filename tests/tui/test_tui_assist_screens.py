"""The machine-assistance screens, driven with Pilot: the check of machine codings (K, the
palette, ``coder open --check N``) with its running precision, a discovery candidate made into an
open code in one undoable step (D), and ``S`` remembered per user and project."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from coder.assist.confirm import apply_model, check_report
from coder.project import Project
from coder.tui.app import make_app
from coder.tui.screens.assist import CheckScreen, DiscoverScreen, in_context
from coder.tui.screens.main import MainScreen
from tests.unit.test_assist import coded  # noqa: F401 -- the hand-made project (a pytest fixture)


async def _settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def _machine(project: Project) -> Path:
    """The project with a model's codings as coder model:<version>; closed, its path back."""
    made = apply_model(project, min_score=0.5)
    assert made["codings"] >= 4
    path = Path(project.path)
    project.close()
    return path


def _mine(project: Project) -> list[dict]:
    return [c for c in project.checks() if c["coder"] == project.coder]


# -- the check screen ---------------------------------------------------------------------------


async def test_check_judgements_are_one_undo_each_and_the_precision_is_the_cli_figure(
    coded: Project,  # noqa: F811
) -> None:
    path = _machine(coded)
    app = make_app(path, nlp=False, check=4)  # as coder open PROJECT --check 4 starts it
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CheckScreen)
        assert len(screen.rows) == 4
        assert all(r["coder"].startswith("model:") for r in screen.rows)
        drawn = [r["coding"] for r in screen.rows]
        # The passage in its context: the detail pane holds the coding's text and more.
        detail = str(screen.query_one("#check-detail").render())
        assert " ".join(screen.rows[0]["text"].split())[:10] in " ".join(detail.split())
        # y, y, n, y: each verdict its own change; the cursor goes on to the next open one.
        for key in ("y", "y", "n", "y"):
            await pilot.press(key)
            await pilot.pause()
        mine = _mine(app.project)
        assert [c["coding_id"] for c in mine] == drawn
        assert [c["verdict"] for c in mine] == ["confirmed", "confirmed", "refuted", "confirmed"]
        assert [e.action for e in app.project.log()[-4:]] == ["check-coding"] * 4
        # 3 of 4 confirmed. Wilson 95% by hand: z² = 3.8416, n = 4, p = 0.75;
        # centre = (0.75 + 3.8416/8) / (1 + 3.8416/4) = 1.2302 / 1.9604 = 0.62753;
        # half = 1.96 · √(0.75·0.25/4 + 3.8416/64) / 1.9604 = 1.96 · √0.106900 / 1.9604 = 0.32689;
        # so 0.301 to 0.954.
        head = str(screen.head_text())
        assert "precision 0.750 (95% CI 0.301–0.954), 3 of 4 confirmed" in head
        # The same figure as the domain function and as coder suggest --check-report prints it.
        overall = [f for f in check_report(app.project) if f.code is None]
        assert len(overall) == 1
        f = overall[0]
        assert f"{f.precision:.3f}" == "0.750" and f"{f.low:.3f}–{f.high:.3f}" in head
        from coder.cli import main

        out = io.StringIO()  # the app holds sys.stdout while it runs: the CLI's own print
        with contextlib.redirect_stdout(out):
            assert main(["suggest", str(path), "--check-report", "--json"]) == 0
        cli = [r for r in json.loads(out.getvalue()) if r["code"] is None]
        assert [(r["checked"], r["confirmed"]) for r in cli] == [(4, 3)]
        assert f"{cli[0]['low']:.3f}–{cli[0]['high']:.3f}" in head
        assert f"precision {cli[0]['precision']:.3f}" in head
        # A judged coding is not judged twice.
        screen.table.move_cursor(row=0)
        await pilot.press("n")
        await pilot.pause()
        assert len(_mine(app.project)) == 4
        # ctrl+z takes back the last verdict only; the screen shows the figure again at once.
        await pilot.press("ctrl+z")
        await _settle(app, pilot)
        assert [c["coding_id"] for c in _mine(app.project)] == drawn[:3]
        head = str(screen.head_text())
        # 2 of 3: centre 1.3069/2.2805 = 0.57310, half 0.36555 → 0.208 to 0.939.
        assert "precision 0.667 (95% CI 0.208–0.939), 2 of 3 confirmed" in head
        assert screen.verdicts.get(drawn[3]) is None
        assert screen.table.cursor_row == 3  # on the coding to judge again
        # Skip records nothing and moves on.
        screen.table.move_cursor(row=3)
        await pilot.press("s")
        await pilot.pause()
        assert len(_mine(app.project)) == 3 and drawn[3] in screen.skipped
    app.project.close()


async def test_the_check_opens_from_the_workbench_key_and_the_palette(
    coded: Project,  # noqa: F811
) -> None:
    path = _machine(coded)
    app = make_app(path, nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("K")
        await _settle(app, pilot)
        assert isinstance(app.screen, CheckScreen) and app.screen.rows
        # Enter: the passage in its transcript, selected.
        r = app.screen.current
        assert r is not None
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        from coder.tui.widgets.transcript import TranscriptView

        assert app.screen.query_one(TranscriptView).selection == (r["start"], r["end"])
        by_title = {c.title: c for c in app.get_system_commands(app.screen)}
        check = [t for t in by_title if "抽检" in t]
        assert len(check) == 1
        by_title[check[0]].callback()
        await _settle(app, pilot)
        assert isinstance(app.screen, CheckScreen)
        await pilot.press("escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    app.project.close()


def test_coder_open_check_is_refused_below_one_and_parsed(tmp_path: Path, capsys) -> None:
    from coder.cli import main
    from coder.cli.main import build_parser

    Project.create(tmp_path / "p.coder").close()
    args = build_parser().parse_args(["open", str(tmp_path / "p.coder"), "--check", "5"])
    assert args.check == 5
    assert main(["open", str(tmp_path / "p.coder"), "--check", "0"]) == 1
    err = capsys.readouterr().err
    assert "--check" in err and len(err.strip().splitlines()) == 1


async def test_a_project_without_machine_codings_says_so(coded: Project) -> None:  # noqa: F811
    path = Path(coded.path)
    coded.close()
    app = make_app(path, nlp=False, check=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CheckScreen) and screen.rows == []
        assert "no machine codings left to check" in str(screen.head_text())
        await pilot.press("y")  # nothing to judge: a warning, no change
        await pilot.pause()
        assert app.project.checks() == []
    app.project.close()


def test_the_context_marks_the_passage_between_the_lines_around_it() -> None:
    text = "访谈者：第一问？\n受访者：第一答。\n访谈者：第二问？\n受访者：前文。这是机器编码的句子。后文。\n访谈者：第三问？\n受访者：第三答。"
    start = text.index("这是")
    end = text.index("后文")
    shown = in_context(text, start, end, width=40)
    # The question before and the answer's own line; after: the rest of the line and the next.
    assert (
        shown.plain
        == "访谈者：第二问？\n受访者：前文。这是机器编码的句子。后文。\n访谈者：第三问？"
    )
    marked = [shown.plain[s.start : s.end] for s in shown.spans if "reverse" in str(s.style)]
    assert marked == ["这是机器编码的句子。"]
    # Far into a long line: cut by characters, with an ellipsis.
    long = "甲" * 300 + "标记" + "乙" * 300
    cut = in_context(long, 300, 302, width=10)
    assert cut.plain == "…" + "甲" * 10 + "标记" + "乙" * 10 + "…"


# -- discovery ----------------------------------------------------------------------------------


async def test_a_discovery_candidate_becomes_an_open_code_with_its_passages_in_one_undo(
    coded: Project,  # noqa: F811
) -> None:
    path = Path(coded.path)
    coded.close()
    app = make_app(path, nlp=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("D")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DiscoverScreen)
        assert screen.candidates, str(screen.query_one("#discover-head").render())
        c = screen.candidates[0]
        assert len(c.passages) >= 2
        name_field = screen.query_one("#discover-name")
        assert name_field.value == c.names[0]  # the first in-vivo name, offered
        events_before = len(app.project.log())
        codes_before = {x.id for x in app.project.codes()}
        # Nothing ticked: a warning, nothing made.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert {x.id for x in app.project.codes()} == codes_before
        # Tick the first and the third passage (space goes into the passages first).
        await pilot.press("space")  # focus to the passages
        await pilot.press("space")  # tick passage 1
        await pilot.press("down", "down", "space")  # tick passage 3
        await pilot.pause()
        assert screen.ticks[0] == {0, 2}
        # A name of the researcher's own.
        name_field.focus()
        name_field.value = "候选概念"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        new = [x for x in app.project.codes() if x.id not in codes_before]
        assert [(x.name, x.level) for x in new] == [("候选概念", "open")]
        segs = app.project.segments(code="候选概念")
        want = {
            (c.passages[j]["source"], c.passages[j]["start"], c.passages[j]["end"]) for j in (0, 2)
        }
        assert {(s.source, s.start, s.end) for s in segs} == want
        assert len(app.project.log()) == events_before + 1  # code, codings and memo: one event
        assert app.project.log()[-1].action == "code-new-many"
        memos = app.project.memos(target="code", target_id=new[0].id)
        assert memos and " ".join(c.terms[:3]) in memos[0].text
        assert screen.made.get(0, (None,))[0] == new[0].id
        # One undo removes the code and its codings.
        assert screen.focused is screen.cands  # back on the candidates after making the code
        await pilot.press("ctrl+z")
        await _settle(app, pilot)
        assert {x.id for x in app.project.codes()} == codes_before
        with app.project.read() as conn:
            left = conn.exec_driver_sql(
                "SELECT count(*) FROM codings WHERE code_id = ?", (new[0].id,)
            ).scalar()
        assert left == 0
        assert 0 not in screen.made  # the candidate is open again
    app.project.close()


async def test_the_in_vivo_name_comes_from_the_passages_and_ctrl_n_cycles_names(
    coded: Project,  # noqa: F811
) -> None:
    path = Path(coded.path)
    coded.close()
    app = make_app(path, nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        by_title = {c.title: c for c in app.get_system_commands(app.screen)}
        found = [t for t in by_title if "概念发现" in t]
        assert len(found) == 1
        by_title[found[0]].callback()
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DiscoverScreen) and screen.candidates
        c = screen.candidates[0]
        field = screen.query_one("#discover-name")
        await pilot.press("ctrl+n")
        options = list(dict.fromkeys(c.names + c.terms[:3]))
        assert field.value == options[1 % len(options)]
        field.value = c.names[0]
        await pilot.press("A")  # every passage of the candidate
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        made = app.project.code(c.names[0])
        assert made.level == "open"
        assert made.in_vivo == any(c.names[0] in p["text"] for p in c.passages)
        assert len(app.project.segments(code=made.id)) == len(c.passages)
    app.project.close()


# -- S remembered ------------------------------------------------------------------------------


async def test_suggestions_on_are_remembered_per_user_and_project(
    coded: Project,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    path = Path(coded.path)
    coded.close()
    app = make_app(path, nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.suggesting is False
        await pilot.press("S")
        await _settle(app, pilot)
        assert screen.suggesting is True
    app.project.close()
    kept = json.loads((tmp_path / "cfg" / "coder" / "settings.json").read_text("utf-8"))
    assert kept["suggestions"] == {f"tester@{path.resolve()}": True}
    # Opened again: on, and the margin filled without a key.
    app = make_app(path, nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.suggesting is True
        from coder.tui.widgets.transcript import TranscriptView

        screen.jump_to(app.project.source_id("S6"), 0, 0)
        await _settle(app, pilot)
        assert screen.query_one(TranscriptView).hints  # the margin filled without a key
        from coder.tui.widgets.textline import TextPane

        screen._update_status()
        assert "suggestions shown" in screen.query_one("#status", TextPane).shown
    app.project.close()
    # Another coder on the same project starts with them off.
    app = make_app(path, coder="R2", nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        assert app.screen.suggesting is False
        await pilot.press("S")  # on for R2 …
        await pilot.press("S")  # … and off again
        await pilot.pause()
    app.project.close()
    kept = json.loads((tmp_path / "cfg" / "coder" / "settings.json").read_text("utf-8"))
    assert kept["suggestions"] == {f"tester@{path.resolve()}": True, f"R2@{path.resolve()}": False}


def test_an_unreadable_settings_file_means_off_and_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coder import prefs

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert prefs.load_suggesting("/p.coder", "me") is False
    prefs.save_suggesting("/p.coder", "me", True)
    prefs.save_ui_lang("zh-Hans")  # the other settings live beside it
    assert prefs.load_suggesting("/p.coder", "me") is True
    assert prefs.load_suggesting("/other.coder", "me") is False
    assert prefs.load_ui_lang() == "zh-Hans"
    broken = prefs.settings_file()
    broken.write_text("{not json", encoding="utf-8")
    assert prefs.load_suggesting("/p.coder", "me") is False
    prefs.save_suggesting("/p.coder", "me", True)
    assert broken.read_text(encoding="utf-8") == "{not json"


async def test_discovery_on_too_little_uncoded_text_says_why_in_one_line(tmp_path: Path) -> None:
    from coder.model import SourceDraft

    p = Project.create(tmp_path / "small.coder")
    p.add_source(SourceDraft(name="S1", text="受访者：就这么一句话。"))
    p.close()
    app = make_app(tmp_path / "small.coder", nlp=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("D")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DiscoverScreen) and screen.candidates == []
        head = str(screen.query_one("#discover-head").render())
        assert head.startswith("no candidates: too little uncoded text")
        assert "Traceback" not in head and len(head.splitlines()) <= 2
        await pilot.press("ctrl+s")  # nothing to make: nothing happens, no error
        await pilot.pause()
        assert app.project.codes() == []
    app.project.close()
