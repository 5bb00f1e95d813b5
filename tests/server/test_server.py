"""Team projects: a file and a PostgreSQL server behave alike, several coders work at once, roles
are enforced, undo is one's own, and a project copies between the backends without loss.

Tests taking ``location`` run on both backends; the others need a server (``pg_url``).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from coder.errors import Conflict, Forbidden, InvalidInput, NotFound, ProjectError
from coder.model import SourceDraft, Turn
from coder.project import Project
from coder.store.schema import metadata
from tests.conftest import table_contents

ALL_TABLES = tuple(t.name for t in metadata.sorted_tables) + ("alembic_version",)
TEXT = "受访者：条块联动很重要，看得见的管不着。统筹协调靠会商日。"


def small(location: Path | str) -> Project:
    p = Project.create(location, title="team")
    p.add_source(SourceDraft(name="S1", text=TEXT, turns=[Turn(0, 4, len(TEXT), "受访者", "")]))
    p.add_code("条块协同", "axial")
    p.add_code("条块联动", parent="A1")
    p.add_code("统筹协调", parent="A1")
    return p


def login(pg_server: str, name: str) -> None:
    """A login role on the test server (trust authentication: no password asked)."""
    admin = create_engine(make_url(pg_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.exec_driver_sql(
            "SELECT 1 FROM pg_roles WHERE rolname = %(n)s", {"n": name}
        ).first():
            conn.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN')
    admin.dispose()


def as_user(location: Path | str, name: str, request: pytest.FixtureRequest) -> Project:
    """The project opened by ``name``: their coder name in a file, their login on a server."""
    if isinstance(location, Path):
        return Project.open(location, coder=name)
    server = request.getfixturevalue("pg_server")
    login(server, name)
    url = make_url(location).set(username=name).render_as_string(hide_password=False)
    return Project.open(url, coder=name)


# -- undo is one's own ------------------------------------------------------------------------------


def test_undo_and_redo_take_only_ones_own_changes(location) -> None:
    small(location).close()
    r1 = Project.open(location, coder="R1")
    r2 = Project.open(location, coder="R2")
    a = r1.code_span("S1", 4, 8, "a01")
    b = r2.code_span("S1", 4, 8, "a01")
    c = r1.code_span("S1", 13, 20, "a02")
    assert r1.undo().summary.startswith("code")
    assert {s.id for s in r2.segments()} == {a.id, b.id}
    r2.undo()  # R2's coding, although R1's undo happened after it
    assert {s.id for s in r1.segments()} == {a.id}
    r1.code_span("S1", 0, 2, "a02")  # R1's new change: R1's undone c can no longer be redone,
    r2.redo()  # but R2's undone b still can
    assert b.id in {s.id for s in r1.segments()} and c.id not in {s.id for s in r1.segments()}
    r1.close()
    r2.close()


def test_undo_refuses_when_a_colleague_built_on_the_change(location) -> None:
    small(location).close()
    r1 = Project.open(location, coder="R1")
    r2 = Project.open(location, coder="R2")
    r1.add_code("会商", parent="A1")  # a03
    r2.code_span("S1", 4, 8, "a03")
    with pytest.raises(Conflict, match="cannot undo .*nothing was changed"):
        r1.undo()
    assert r1.code("a03").name == "会商"
    r1.update_code("a03", definition="每月一次")
    r2.update_code("a03", definition="每周一次")
    with pytest.raises(Conflict, match="changed the same codes"):
        r1.undo()
    assert r1.code("a03").definition == "每周一次"
    r2.undo()  # R2's own edit goes back to R1's text, then R1 may undo theirs
    r1.undo()
    assert r1.code("a03").definition == ""
    r1.close()
    r2.close()


# -- roles ----------------------------------------------------------------------------------------


def test_roles_are_enforced(location, request: pytest.FixtureRequest) -> None:
    owner_name = "owner1"
    small(location).close()
    on_server = not isinstance(location, Path)
    if on_server:
        # The creator's login owns the project; hand it to a login of its own, then step down.
        for name in (owner_name, "cod1", "read1", "stranger"):
            login(request.getfixturevalue("pg_server"), name)
        creator = Project.open(location)
        creator.set_member(owner_name, "owner")
        boss = as_user(location, owner_name, request)
        boss.remove_member(creator.user())
        creator.close()
    else:
        boss = as_user(location, owner_name, request)
        assert boss.role() == "owner"  # a personal project: no members, its user owns it
    boss.set_member("cod1", "coder")  # in a file, the first member makes its user the owner
    boss.set_member("read1", "reader")
    assert dict(boss.members()) == {owner_name: "owner", "cod1": "coder", "read1": "reader"}
    coder = as_user(location, "cod1", request)
    reader = as_user(location, "read1", request)
    assert reader.role() == "reader" and coder.role() == "coder"
    if on_server:  # the server itself keeps a stranger out
        with pytest.raises(ProjectError, match="stranger may not read this project"):
            as_user(location, "stranger", request)
    else:
        stranger = as_user(location, "stranger", request)
        assert stranger.role() is None
        with pytest.raises(Forbidden, match="not a member"):
            stranger.code_span("S1", 4, 8, "a01")
        stranger.close()

    # A reader reads and writes nothing.
    assert [c.label for c in reader.codes()] == ["A1", "a01", "a02"]
    for write in (
        lambda: reader.code_span("S1", 4, 8, "a01"),
        lambda: reader.add_code("读者的码"),
        lambda: reader.add_memo("x"),
        lambda: reader.set_member("read1", "owner"),
    ):
        with pytest.raises(Forbidden, match="read1 is a reader"):
            write()

    # A coder codes and adds codes, but cannot delete or merge codes, nor change members.
    seg = coder.code_span("S1", 4, 8, "a01")
    coder.add_code("会商日", parent="A1")
    for write in (
        lambda: coder.delete_code("a02"),
        lambda: coder.merge_codes("a02", "a01"),
        lambda: coder.set_member("cod1", "owner"),
    ):
        with pytest.raises(Forbidden, match="only an owner"):
            write()
    coder.undo()  # one's own addition may be taken back
    assert "会商日" not in {c.name for c in coder.codes()}
    assert [s.id for s in boss.segments()] == [seg.id]

    # Another coder's coding is theirs: an owner is asked first (force), and on a server a coder
    # may not change it at all; in a file a coder is asked like anyone.
    mine = boss.code_span("S1", 12, 16, "a02")
    for change in (
        lambda force: boss.uncode(seg.id, force=force),
        lambda force: boss.resize_coding(seg.id, 4, 9, force=force),
        lambda force: boss.set_coding_memo(seg.id, "典型", force=force),
    ):
        with pytest.raises(Forbidden, match="is cod1's.*--force"):
            change(False)
    boss.set_coding_memo(seg.id, "典型", force=True)
    assert boss.coding(seg.id).memo == "典型"
    if on_server:
        for force in (False, True):
            with pytest.raises(Forbidden, match="may not remove another coder's"):
                coder.uncode(mine.id, force=force)
        assert boss.coding(mine.id).end == 16
    else:
        with pytest.raises(Forbidden, match=f"is {owner_name}'s"):
            coder.uncode(mine.id)
        coder.uncode(mine.id, force=True)
    coder.resize_coding(seg.id, 4, 9)  # one's own, no question

    # The owner may, and the only owner cannot step down.
    boss.delete_code("a02")
    with pytest.raises(InvalidInput, match="only owner"):
        boss.set_member(owner_name, "coder")
    boss.remove_member("read1")
    # In a file the program refuses; on a server the database refuses first.
    with pytest.raises(Forbidden, match="read1 is not a member|not let read1 write"):
        reader.add_memo("x")
    for p in (boss, coder, reader):
        p.close()


def test_a_server_reader_cannot_write_with_another_program_either(pg_url, pg_server) -> None:
    url = pg_url()
    small(url).close()
    login(pg_server, "read2")
    owner = Project.open(url)
    owner.set_member("read2", "reader")
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg", username="read2"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM codes").scalar() == 3
    from sqlalchemy.exc import ProgrammingError

    with pytest.raises(ProgrammingError, match="permission denied"):
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM codings")
    engine.dispose()
    with pytest.raises(NotFound, match="no login nobody_here"):
        owner.set_member("nobody_here", "coder")
    owner.close()


def test_a_server_coder_codes_under_their_own_login(pg_url, pg_server) -> None:
    url = pg_url()
    small(url).close()
    login(pg_server, "cod2")
    Project.open(url).set_member("cod2", "coder")
    theirs = make_url(url).set(username="cod2").render_as_string(hide_password=False)
    with pytest.raises(Forbidden, match="codes as cod2"):
        Project.open(theirs, coder="R1").code_span("S1", 4, 8, "a01")
    p = Project.open(theirs, coder="cod2")
    p.code_span("S1", 4, 8, "a01")
    assert [s.coder for s in p.segments()] == ["cod2"]
    p.close()


# -- several coders at once ------------------------------------------------------------------------


def test_two_people_moving_codes_at_once_never_make_a_cycle(pg_url) -> None:
    url = pg_url()
    p = small(url)
    p.add_code("上位范畴", "axial")  # A2
    p.close()
    a = Project.open(url, coder="R1")
    b = Project.open(url, coder="R2")
    outcomes: list[str] = []
    # Hold the codebook lock so both moves start together, then let them race.
    holder = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with holder.connect() as conn, conn.begin():
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%(k)s)", {"k": 0x51444143})

        def move(project: Project, child: str, parent: str) -> None:
            try:
                project.move_code(child, parent)
                outcomes.append("moved")
            except InvalidInput as exc:
                outcomes.append(str(exc))

        threads = [
            threading.Thread(target=move, args=(a, "A1", "A2")),
            threading.Thread(target=move, args=(b, "A2", "A1")),
        ]
        for t in threads:
            t.start()
        threads[0].join(0.5)
        assert outcomes == []  # both wait for the lock
    for t in threads:
        t.join()
    holder.dispose()
    assert outcomes.count("moved") == 1
    assert any("cycle" in o for o in outcomes)
    parents = {c.label: c.parents for c in a.codes()}
    assert not (parents["A1"] and parents["A2"])


def test_an_edit_that_lost_the_race_says_so(location) -> None:
    small(location).close()
    r1 = Project.open(location, coder="R1")
    r2 = Project.open(location, coder="R2")
    r1.delete_code("a02")
    with pytest.raises(NotFound, match="a02"):
        r2.update_code("a02", definition="晚了一步")
    with pytest.raises(NotFound, match="a02"):
        r2.code_span("S1", 4, 8, "a02")


def test_an_edit_of_a_field_a_colleague_changed_meanwhile_is_refused(location) -> None:
    small(location).close()
    r1 = Project.open(location, coder="R1")
    r2 = Project.open(location, coder="R2")
    seen = r1.code("a01")  # R1's form opens on a01
    r2.update_code("a01", definition="条与块一起行动")
    with pytest.raises(Conflict, match="changed by someone else .*definition.*not saved"):
        r1.update_code("a01", expect={"definition": seen.definition}, definition="我的定义")
    assert r1.code("a01").definition == "条与块一起行动"
    # A field nobody else touched saves as usual.
    r1.update_code("a01", expect={"colour": seen.colour}, colour="#1f77b4")
    assert r1.code("a01").colour == "#1f77b4"
    r1.close()
    r2.close()


def test_eight_coders_write_a_thousand_codings_each_at_once(pg_url) -> None:
    """The issue's load test; ``make bench`` reports its throughput."""
    from bench.team import prepare, run_load

    url = pg_url()
    prepare(url)
    result = run_load(url, processes=8, per_process=1000)
    assert result.errors == []
    p = Project.open(url)
    segments = p.segments()
    assert len(segments) == 8000
    assert {s.coder for s in segments} == {f"coder{i}" for i in range(8)}
    assert sum(1 for e in p.log() if e.action == "code") == 8000
    # Each coder's undo takes back their own last coding only.
    mine = Project.open(url, coder="coder3")
    mine.undo()
    assert len(p.segments()) == 7999
    assert sum(1 for s in p.segments() if s.coder == "coder3") == 999
    p.close()
    mine.close()


# -- copy between backends --------------------------------------------------------------------------


def _file_tables(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in ALL_TABLES
        }
    finally:
        conn.close()


def test_copy_round_trip_file_server_file_is_identical(demo_file: Path, tmp_path: Path, pg_url):
    src = tmp_path / "demo.coder"
    import shutil

    shutil.copy(demo_file, src)
    p = Project.open(src)
    p.code_span(p.sources()[0].name, 0, 3, "a01", memo="含 NUL 以外的一切：\t“引号”")
    p.undo()  # history with an undone event travels too
    url = pg_url()
    report = p.copy_to(url)
    p.close()
    assert report.rows["codings"] == len(Project.open(url).segments()) > 200
    back = tmp_path / "back.coder"
    Project.open(url).copy_to(back)
    assert _file_tables(back) == _file_tables(src)
    # And the server holds the same content as the file, table by table.
    assert table_contents(url, ALL_TABLES) == table_contents(src, ALL_TABLES)
    # The copy is a working project: new rows get fresh ids, undo reaches into copied history.
    q = Project.open(url, coder="R1")
    seg = q.code_span(q.sources()[0].name, 0, 2, "a01")
    assert seg.id > max(s.id for s in Project.open(back).segments())
    q.undo()
    assert len(q.segments()) == len(Project.open(back).segments())
    # The change undone before the copy is redone on the server, with the id it had.
    Project.open(url, coder="tester").redo()
    redone = [s for s in q.segments() if s.memo.startswith("含 NUL")]
    assert len(redone) == 1 and redone[0].id < seg.id


def test_copy_refuses_used_targets_and_leaves_nothing(tmp_path: Path, pg_url) -> None:
    p = small(tmp_path / "a.coder")
    with pytest.raises(ProjectError, match="the project itself"):
        p.copy_to(tmp_path / "a.coder")
    (tmp_path / "x.coder").write_text("mine")
    with pytest.raises(ProjectError, match="already exists"):
        p.copy_to(tmp_path / "x.coder")
    (tmp_path / "x.coder").unlink()
    used = pg_url()
    small(used).close()
    with pytest.raises(ProjectError, match="not empty"):
        p.copy_to(used)
    p.copy_to(tmp_path / "b.coder")  # file to file works too
    assert _file_tables(tmp_path / "b.coder") == _file_tables(tmp_path / "a.coder")
    assert not [f for f in tmp_path.iterdir() if "copying" in f.name]


# -- the TUI on a server -----------------------------------------------------------------------------


async def test_tui_shows_a_colleagues_new_code_and_coding_live(pg_url) -> None:
    import asyncio

    from coder.tui.app import make_app
    from coder.tui.screens.main import MainScreen

    url = pg_url()
    small(url).close()
    app = make_app(url, coder="R1", nlp=False)
    colleague = Project.open(url, coder="R2")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        assert "server" in app.sub_title
        colleague.add_code("同事的新概念", parent="A1")
        colleague.code_span("S1", 4, 8, "a03")
        for _ in range(50):  # NOTIFY arrives within a moment; no key pressed
            await asyncio.sleep(0.1)
            await pilot.pause()
            if any(c.name == "同事的新概念" for c in main.codes.values()):
                break
        assert any(c.name == "同事的新概念" for c in main.codes.values())
        assert app.project.change_token() == app._token
    colleague.close()


# -- passwords ------------------------------------------------------------------------------------


def with_param(url: str, param: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{param}"


def test_a_password_never_shows_in_messages_logs_or_history(pg_url, pg_server, tmp_path) -> None:
    """The test server trusts loopback, so it ignores the password; the program must still never
    repeat it: not in output, not in errors (also with --debug), not in the project."""
    import subprocess
    import sys

    secret = "Pa55-w0rd.SECRET"
    base = make_url(pg_url())
    url = base.set(password=secret).render_as_string(hide_password=False)
    assert secret in url
    missing = make_url(url).set(database="no_such_db_here").render_as_string(hide_password=False)
    transcript = tmp_path / "S1.txt"
    transcript.write_text("受访者：条块联动很重要。", encoding="utf-8")
    runs = [
        ["new", url, "--title", "secret test"],
        ["import", url, str(transcript)],
        ["codebook", url, "add", "条块联动"],
        ["code", url, "S1", "4", "8", "a01"],
        ["log", url],
        ["member", url, "list"],
        ["copy", url, str(tmp_path / "copy.coder")],
        ["sources", missing],
        ["sources", missing, "--debug"],
        ["new", url],  # exists already
        ["code", url, "S1", "4", "999", "a01"],
        ["backup", url],
        ["sources", with_param(base.render_as_string(hide_password=False), f"password={secret}")],
        [
            "sources",
            with_param(missing.replace(":" + secret + "@", "@"), f"password={secret}"),
            "--debug",
        ],
    ]
    seen = []
    for args in runs:
        r = subprocess.run(
            [sys.executable, "-m", "coder.cli", *args],
            capture_output=True,
            text=True,
            env={"CODER_USER": "tester", "PATH": "/usr/bin:/bin"},
            timeout=120,
        )
        seen.append(r.stdout + r.stderr)
        assert secret not in r.stdout + r.stderr, args
        assert "Traceback" not in r.stderr or "--debug" in args, (args, r.stderr)
    assert "copied 1 sources" in seen[6]
    assert "no such database" in seen[7] and "***" in seen[7]
    assert "already holds a coder project" in seen[9]
    for contents in (table_contents(url, ALL_TABLES), _file_tables(tmp_path / "copy.coder")):
        assert secret not in repr(contents)


# -- the command line and the analyses on a server -----------------------------------------------------


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    from coder.cli import main

    def run(*args: object) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_the_command_line_takes_a_server_url_everywhere(cli, pg_url, tmp_path: Path) -> None:
    import json

    from tests.conftest import CODEBOOK, CORPUS

    url = pg_url()
    assert cli("new", url, "--title", "团队项目")[0] == 0
    assert cli("codebook", url, "load", CODEBOOK)[0] == 0
    code, out, err = cli("import", url, CORPUS / "S2-03.txt", "--json")
    assert code == 0, err
    assert cli("code", url, "S2-03", "0", "4", "a01")[0] == 0
    code, out, _ = cli("member", url, "list", "--json")
    me = make_url(url).username  # the login the tests connect as
    assert json.loads(out) == {
        "members": [{"name": me, "role": "owner"}],
        "you": me,
        "your_role": "owner",
    }
    code, out, err = cli("member", url, "add", "nobody_at_all", "--role", "reader")
    assert code == 1 and "no login nobody_at_all" in err and "nothing was changed" in err
    code, out, _ = cli("copy", url, tmp_path / "c.coder", "--json")
    assert code == 0 and json.loads(out)["rows"]["codings"] == 1
    assert cli("undo", url)[0] == 0
    code, _, err = cli("undo", url, "--coder", "someone_else")
    assert code == 1 and "nothing to undo for someone_else" in err
    code, _, err = cli("backup", url)
    assert code == 1 and "coder copy" in err
    code, _, err = cli("copy", tmp_path / "c.coder", url)
    assert code == 1 and "not empty" in err


def test_analyses_give_the_same_figures_on_a_server(cli, demo_file: Path, pg_url) -> None:
    """The demo copied to a server answers every analysis exactly as the file does."""
    url = pg_url()
    Project.open(demo_file).copy_to(url)
    for args in (
        ["stats", "{}", "frequencies", "--json"],
        ["stats", "{}", "cooccurrence", "--unit", "segment", "--json"],
        ["stats", "{}", "saturation", "--json"],
        ["stats", "{}", "paradigm", "--json"],
        ["stats", "{}", "selective", "--json"],
        ["agreement", "{}", "--coders", "R1,R2", "--json"],
        ["agreement", "{}", "--coders", "R1,R2", "--unit", "char", "--json"],
        ["graph", "{}", "--json"],
        ["codings", "{}", "--code", "A1", "--json"],
        ["search", "{}", "条块联动", "--json"],
    ):
        on_file = cli(*[demo_file if a == "{}" else a for a in args])
        on_server = cli(*[url if a == "{}" else a for a in args])
        assert on_file[0] == 0, on_file
        assert on_server == on_file, args


def test_a_refused_delete_leaves_no_backup_behind(tmp_path: Path) -> None:
    from coder.store.backup import backups

    path = tmp_path / "p.coder"
    p = small(path)
    p.code_span("S1", 4, 8, "a01")
    p.set_member("cod3", "coder")
    coder = Project.open(path, coder="cod3")
    with pytest.raises(Forbidden, match="only an owner may delete codes"):
        coder.delete_code("a01")
    assert backups(path) == []
    p.delete_code("a01")  # the owner's delete of a coded code is backed up first
    assert len(backups(path)) == 1


# -- undo among colleagues: the cases a review found -----------------------------------------------


def test_undo_cannot_close_a_circle_in_the_code_tree(location) -> None:
    p = Project.create(location)
    for name in ("上", "中", "下"):
        p.add_code(name, "axial")  # A1 A2 A3
    p.move_code("A2", "A1")  # 中 under 上
    p.close()
    alice = Project.open(location, coder="alice")
    bob = Project.open(location, coder="bob")
    alice.move_code("A2", "A3")  # 中 under 下 instead
    bob.move_code("A1", "A2")  # 上 under 中
    with pytest.raises(Conflict, match="circle"):
        alice.undo()  # would put 中 back under 上, which is under 中
    assert alice.code("A2").parents == (alice.code_id("A3"),)


def test_undo_keeps_a_colleagues_edit_or_memo_on_what_it_would_remove(location) -> None:
    small(location).close()
    alice = Project.open(location, coder="alice")
    bob = Project.open(location, coder="bob")
    alice.add_code("会商", parent="A1")  # a03
    bob.update_code("a03", definition="每月一次的会商日")
    with pytest.raises(Conflict, match="bob has since changed the same codes"):
        alice.undo()
    bob.undo()
    alice.add_memo("会商的定义还要再想", target="code", target_id=alice.code_id("a03"))
    alice.undo()  # her own memo first, then the code: fine
    bob.add_memo("我觉得会商是核心", target="code", target_id=bob.code_id("a03"))
    with pytest.raises(Conflict, match="memo"):
        alice.undo()
    assert alice.code("a03").name == "会商"


def test_redo_of_a_change_that_updated_a_row_twice(location) -> None:
    from coder.store.schema import codes

    p = small(location)
    with p.change("edit-code", "twice") as ch:
        ch.update(codes, {"id": 2}, {"definition": "一"})
        ch.update(codes, {"id": 2}, {"definition": "二"})
    p.undo()
    assert p.code("a01").definition == ""
    p.redo()
    assert p.code("a01").definition == "二"


def _downgrade(path: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from coder.store import engine as store_engine

    with create_engine(f"sqlite:///{path}").begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(store_engine._MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_upgrade_keeps_the_ids_of_undone_changes_reserved(tmp_path: Path) -> None:
    """A file from before id_sequences existed, with an undone coding in its history: the
    upgrade must not hand that coding's id to somebody else's new coding."""
    path = tmp_path / "old.coder"
    p = small(path)
    kept = p.code_span("S1", 4, 8, "a01")
    p.undo()  # the undone event now holds the full row (the rows form)
    p.close()
    _downgrade(path, "0003")  # the later migrations' own way back, then 0003 by hand
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE members; DROP TABLE id_sequences; "
        "UPDATE alembic_version SET version_num='0002';"
    )
    conn.commit()
    conn.close()
    other = Project.open(path, coder="R2")  # migrates to the newest schema
    fresh = other.code_span("S1", 13, 20, "a02")
    assert fresh.id != kept.id
    Project.open(path).redo()  # tester's coding comes back with its own id
    assert {s.id for s in other.segments()} == {kept.id, fresh.id}


def test_demoting_a_co_owner_keeps_the_members_they_added(pg_url, pg_server) -> None:
    url = pg_url()
    small(url).close()
    for name in ("owner2", "cod4"):
        login(pg_server, name)
    creator = Project.open(url)
    creator.set_member("owner2", "owner")
    theirs = make_url(url).set(username="owner2").render_as_string(hide_password=False)
    co_owner = Project.open(theirs, coder="owner2")
    co_owner.set_member("cod4", "coder")  # granted by owner2
    creator.set_member("owner2", "coder")  # revokes owner2's grants, cod4's too, then re-grants
    coder = Project.open(
        make_url(url).set(username="cod4").render_as_string(hide_password=False), coder="cod4"
    )
    coder.code_span("S1", 4, 8, "a01")
    assert dict(creator.members())["owner2"] == "coder"
    creator.remove_member("owner2")
    assert "owner2" not in dict(creator.members())


def test_locations_never_show_a_password() -> None:
    from coder.cli.main import _passwords
    from coder.store.engine import describe, server_url

    for url, secret in (
        ("postgresql://u:hunter22@db.example.org/p", "hunter22"),
        ("postgresql://u@db.example.org/p?password=hunter22&sslmode=require", "hunter22"),
        ("postgresql://u:hun%40ter22@db.example.org/p", "hun@ter22"),
    ):
        assert "hunter22" not in describe(url).replace("@", "") and secret not in describe(url)
        assert secret in _passwords([url])
    assert describe("postgresql://u@db/p?host=%2Fvar%2Frun") == "postgresql://u@db/p?host=/var/run"
    with pytest.raises(ProjectError, match="holds an '@'"):
        server_url("postgresql://u:hun@ter22@db.example.org/p")


def test_the_demo_builds_on_a_server_and_opens_the_second_time(cli, pg_url) -> None:
    url = pg_url()
    code, out, err = cli("demo", "--path", url, "--no-tui")
    assert code == 0, err
    assert out.startswith("Built the demo project") and "219 by R1, 43 by R2" in out
    code, out, _ = cli("demo", "--path", url, "--no-tui")
    assert code == 0 and out.startswith("Opened the existing demo project")


def test_a_connection_the_server_dropped_is_replaced_before_it_is_used(
    pg_url, pg_server, monkeypatch
) -> None:
    from coder.store import engine as store_engine

    monkeypatch.setattr(store_engine, "IDLE_PING_S", 0.0)  # every pooled connection is "idle"
    url = pg_url()
    p = small(url)
    p.code_span("S1", 4, 8, "a01")  # the pool now holds a connection
    admin = create_engine(make_url(pg_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # the server restarts, a firewall forgets, ...
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %(d)s AND pid <> pg_backend_pid()",
            {"d": make_url(url).database},
        )
    admin.dispose()
    p.code_span("S1", 13, 20, "a02")  # no error: the dead connection was noticed and replaced
    assert len(p.segments()) == 2
    p.close()


def test_the_change_listener_listens_again_after_losing_its_connection(pg_url, pg_server) -> None:
    url = pg_url()
    small(url).close()
    p = Project.open(url, coder="R1")
    heard: list[int] = []
    stop = threading.Event()

    def listen() -> None:
        for event_id in p.changes(stop.is_set, interval=0.2):
            heard.append(event_id)

    listener = threading.Thread(target=listen)
    listener.start()
    try:
        import time

        time.sleep(0.5)
        admin = create_engine(make_url(pg_server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %(d)s AND pid <> pg_backend_pid()",
                {"d": make_url(url).database},
            )
        admin.dispose()
        colleague = Project.open(url, coder="R2")
        for _ in range(50):
            time.sleep(0.1)
            if heard:
                break
            colleague.add_memo(f"写给同事 {len(heard)}")  # until the listener is back
        assert heard  # back and listening: the change (or the reconnection) was heard
        colleague.close()
    finally:
        stop.set()
        listener.join(5)
    p.close()


def test_the_sources_pane_reads_pages_on_both_backends(location) -> None:
    """Project.source_page (LIMIT/OFFSET from the covering index of migration 0010),
    source_count and source_index give the same list as source_rows, on a file and a server."""
    from coder.facade.views import SourcePages

    p = small(location)
    for i in range(2, 8):
        p.add_source(SourceDraft(name=f"S{i}", text=f"第{i}份", turns=[]))
    every = p.source_rows()
    assert p.source_count() == 7
    assert [r.name for r in p.source_page(2, 3)] == ["S3", "S4", "S5"]
    assert [p.source_index(r.id) for r in every] == list(range(7))
    pages = SourcePages(p)
    pages.PAGE = 3
    assert [(r.id, r.name, r.case) for r in pages] == [(r.id, r.name, r.case) for r in every]
    p.close()
