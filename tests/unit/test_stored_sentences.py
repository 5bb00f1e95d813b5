"""Sentence boundaries stored with each source (migration 0008): written by every import in its
own transaction, kept in step with the turns, gone with an undone import, filled on first use in
a project from before, and read (never computed again) by the sentence unit's consumers."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from coder.model import SourceDraft, Turn
from coder.project import Project
from coder.store import engine as store_engine
from coder.store.schema import sources
from coder.text import nlp
from coder.text import sentences as sentencizer


def stored(project: Project) -> dict[int, tuple[str | None, str | None]]:
    """Each source's stored boundaries and rules, straight from the table."""
    with project.read() as conn:
        return {
            sid: (raw, rules)
            for sid, raw, rules in conn.execute(
                select(sources.c.id, sources.c.sentences, sources.c.sentence_rules)
            )
        }


def computed(project: Project, sid: int) -> list[tuple[int, int]]:
    """The boundaries computed here and now from the text and the turns, as before 0008."""
    text = project.source_text(sid)
    with project.read() as conn:
        language = conn.execute(select(sources.c.language).where(sources.c.id == sid)).scalar()
    return nlp.sentences_of(text, project.turns(sid), language or nlp.detect_language(text))


def check_all_stored(project: Project) -> None:
    found = stored(project)
    assert found
    for sid, (raw, rules) in found.items():
        assert raw is not None and nlp.current_rules(rules), sid
        assert nlp.decode_sentences(raw) == computed(project, sid), sid


@pytest.fixture
def no_sentencizer(monkeypatch: pytest.MonkeyPatch):
    """After this, computing a sentence boundary is an error."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("sentence boundaries computed again")

    def arm() -> None:
        monkeypatch.setattr(sentencizer, "sentence_spans", refuse)
        monkeypatch.setattr(nlp, "sentence_spans", refuse)
        monkeypatch.setattr(nlp, "_spacy_sentences", refuse)
        monkeypatch.setattr(nlp, "sentences_of", refuse)

    return arm


def _downgrade(path: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    with create_engine(f"sqlite:///{path}").begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(store_engine._MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_the_demo_stores_the_boundaries_it_would_compute(demo: Project) -> None:
    check_all_stored(demo)
    # The stored form is the spans, starts and ends in turn; and sentences_of gives them back.
    sid = demo.sources()[0].id
    raw = stored(demo)[sid][0]
    assert raw is not None and raw.startswith("[") and raw.count(",") % 2 == 1
    assert demo.sentences(sid) == computed(demo, sid)
    assert stored(demo)[sid][1] == "zh/1"


def test_sentence_unit_consumers_read_the_stored_boundaries(demo: Project, no_sentencizer) -> None:
    from coder.analysis.agreement import agreement
    from coder.analysis.cooccurrence import cooccurrence
    from coder.assist.features import load_units
    from coder.text import autocode

    spans = {s.id: computed(demo, s.id) for s in demo.sources()}
    before = agreement(demo, ["R1", "R2"], unit="sentence")
    no_sentencizer()
    assert demo.sentences_of(list(spans)) == spans
    after = agreement(demo, ["R1", "R2"], unit="sentence")
    assert (after.holsti_k, after.cohen_kappa, after.composite_r) == (
        before.holsti_k,
        before.cohen_kappa,
        before.composite_r,
    )
    assert cooccurrence(demo, unit="sentence")
    units = load_units(demo, "sentence")
    assert len(units.texts) == sum(
        1 for sid, sp in spans.items() for s, e in sp if demo.source_text(sid)[s:e].strip()
    )
    code = demo.codes()[0].label
    planned = autocode.plan(demo, code, terms=["治理"], unit="sentence")
    assert planned
    for p in planned:  # each one whole sentence, or a run of them, of the stored ones
        starts = {s for s, _ in spans[p.source_id]}
        ends = {e for _, e in spans[p.source_id]}
        assert p.start in starts and p.end in ends


def test_every_import_path_stores_them(tmp_path: Path, demo: Project) -> None:
    from coder.exchange.maxqda import export_structured, import_structured
    from coder.exchange.refi import export_qdpx, import_qdpx
    from coder.text.importer import import_paths
    from coder.text.sheets import import_sheet

    # Text files.
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("访谈者：你好。最近怎么样？\n受访者：还行！就是忙……\n")
    (folder / "b.txt").write_text("Hello there. How are you?\nFine, thanks!\n")
    p = Project.create(tmp_path / "files.coder", title="files")
    import_paths(p, [folder])
    assert len(stored(p)) == 2
    check_all_stored(p)
    assert {r for _, r in stored(p).values()} == {"zh/1", nlp.sentence_rules("en")}
    # A sheet's rows (the bulk path).
    sheet = tmp_path / "rows.csv"
    sheet.write_text("编号,内容\n1,第一句。第二句！\n2,没有句号\n3,“引号。”然后呢？\n")
    s = Project.create(tmp_path / "sheet.coder", title="sheet")
    import_sheet(s, sheet, text=["内容"], id="编号")
    assert len(stored(s)) == 3
    check_all_stored(s)
    # REFI-QDA and MAXQDA's structured text.
    export_qdpx(demo, tmp_path / "demo.qdpx")
    r = Project.create(tmp_path / "refi.coder", title="refi")
    import_qdpx(r, tmp_path / "demo.qdpx")
    assert len(stored(r)) == len(demo.sources())
    check_all_stored(r)
    export_structured(demo, tmp_path / "demo.txt")
    m = Project.create(tmp_path / "maxqda.coder", title="maxqda")
    import_structured(m, tmp_path / "demo.txt")
    assert len(stored(m)) == len(demo.sources())
    check_all_stored(m)


def test_undo_of_an_import_removes_them_and_redo_brings_them_back(project: Project) -> None:
    text = "甲：第一句。第二句？\n乙：第三句！"
    turns = [Turn(0, 2, 10, "甲", ""), Turn(1, 13, 17, "乙", "")]
    project.add_source(SourceDraft(name="S", text=text, turns=turns))
    raw = stored(project)[project.source_id("S")]
    assert nlp.decode_sentences(raw[0]) == [(2, 6), (6, 10), (13, 17)]
    project.undo()
    assert stored(project) == {}
    with sqlite3.connect(project.path) as conn:  # nothing of them anywhere in the file's tables
        assert conn.execute("SELECT count(*) FROM sources").fetchone() == (0,)
    project.redo()
    assert list(stored(project).values()) == [raw]


def test_undo_of_a_sheet_import_removes_them(project: Project, tmp_path: Path) -> None:
    from coder.text.sheets import import_sheet

    sheet = tmp_path / "rows.csv"
    sheet.write_text("编号,内容\n" + "".join(f"{i},第{i}句。还有一句！\n" for i in range(50)))
    import_sheet(project, sheet, text=["内容"], id="编号")
    assert len(stored(project)) == 50
    project.undo()
    assert stored(project) == {}
    project.redo()
    check_all_stored(project)


def test_new_turns_bring_new_boundaries_and_undo_the_old(project: Project) -> None:
    text = "甲：一。二。\n乙：三。"
    project.add_source(SourceDraft(name="S", text=text, turns=[Turn(0, 2, 6, "甲", "")]))
    sid = project.source_id("S")
    old = project.sentences(sid)
    assert old == [(2, 4), (4, 6)]
    # One turn over the whole text: sentences now cross the line, as the turn does.
    project.set_turns({sid: [Turn(0, 0, len(text), "", "")]})
    check_all_stored(project)
    assert project.sentences(sid) == [(0, 4), (4, 6), (7, 11)]
    project.undo()
    assert project.sentences(sid) == old
    check_all_stored(project)


def test_a_project_from_schema_0007_gets_them_on_first_use(
    demo_file: Path, tmp_path: Path, no_sentencizer
) -> None:
    path = tmp_path / "old.coder"
    shutil.copy(demo_file, path)
    _downgrade(path, "0007")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0007",)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(sources)")]
        assert "sentences" not in columns
    p = Project.open(path)  # migrates to 0008: the column is there, empty
    assert set(stored(p).values()) == {(None, None)}
    wanted = [s.id for s in p.sources()[:3]]
    first = p.sentences_of(wanted)  # computed now, and stored
    assert first == {sid: computed(p, sid) for sid in wanted}
    assert {sid for sid, (raw, _) in stored(p).items() if raw is not None} == set(wanted)
    again = Project.open(path)
    no_sentencizer()
    assert again.sentences_of(wanted) == first  # read, not computed
    with pytest.raises(AssertionError, match="computed again"):
        again.sentences_of([s.id for s in p.sources()])  # the rest are not


def test_new_rules_are_applied_on_first_use(demo: Project, monkeypatch) -> None:
    sid = demo.sources()[0].id
    before = demo.sentences(sid)
    monkeypatch.setattr(nlp, "RULES", 2)
    assert not nlp.current_rules(stored(demo)[sid][1])
    assert demo.sentences(sid) == before
    assert stored(demo)[sid][1] == "zh/2"


def test_undo_of_new_turns_after_a_rule_change(project: Project, monkeypatch) -> None:
    """Boundaries computed again under new rules are nobody's work: the undo of the turns that
    stored the old ones still goes through (check_state leaves the cached columns out)."""
    text = "甲：一。二。\n乙：三。"
    project.add_source(SourceDraft(name="S", text=text, turns=[Turn(0, 2, 6, "甲", "")]))
    sid = project.source_id("S")
    project.set_turns({sid: [Turn(0, 0, len(text), "", "")]})
    monkeypatch.setattr(nlp, "RULES", 2)
    project.sentences(sid)  # stored again under the new rules
    assert stored(project)[sid][1] == "zh/2"
    project.undo()
    assert project.turns(sid) == [Turn(0, 2, 6, "甲", "")]
    assert project.sentences(sid) == [(2, 4), (4, 6)]


def test_a_session_that_may_not_write_still_gets_them(
    demo_file: Path, tmp_path: Path, monkeypatch
) -> None:
    from coder.errors import Forbidden

    path = tmp_path / "old.coder"
    shutil.copy(demo_file, path)
    _downgrade(path, "0007")
    p = Project.open(path)

    def refuse(self, action):  # a reader on a server: the write is refused
        raise Forbidden(f"cannot {action}")

    monkeypatch.setattr(Project, "_writing", refuse)
    sid = p.sources()[0].id
    assert p.sentences(sid) == computed(p, sid)
    assert stored(p)[sid] == (None, None)


def test_a_reader_on_a_server_computes_what_is_missing_and_stores_nothing(pg_url, pg_server):
    from sqlalchemy import update
    from sqlalchemy.engine import make_url

    from tests.server.test_server import login

    url = pg_url()
    owner = Project.create(url, title="server")
    owner.add_source(SourceDraft(name="S", text="甲：一。二。\n乙：三！", turns=None))
    sid = owner.source_id("S")
    owner.set_member(owner.user(), "owner")
    login(pg_server, "sent_reader")
    owner.set_member("sent_reader", "reader")
    with owner._engine.begin() as conn:  # as a project from before 0008 has them
        conn.execute(update(sources).values(sentences=None, sentence_rules=None))
    reader_url = make_url(url).set(username="sent_reader").render_as_string(hide_password=False)
    reader = Project.open(reader_url, coder="sent_reader")
    assert reader.sentences(sid) == computed(owner, sid)
    assert stored(owner)[sid] == (None, None)  # the server refused the reader's write
    assert owner.sentences(sid) == computed(owner, sid)
    check_all_stored(owner)  # the owner's first read stored them
    reader.close()
    owner.close()


def test_an_english_sheet_leaves_them_to_the_first_reader(project: Project, tmp_path: Path):
    """spaCy's boundaries would cost more than a large sheet's import: they wait for first use."""
    from coder.text.sheets import import_sheet

    sheet = tmp_path / "rows.csv"
    sheet.write_text("id,text\n1,First one. Second one!\n2,No full stop\n")
    import_sheet(project, sheet, text=["text"], id="id")
    assert set(stored(project).values()) == {(None, None)}
    sid = project.source_id("1")
    assert project.sentences(sid) == computed(project, sid)
    assert stored(project)[sid][1] == nlp.sentence_rules("en")


def test_a_merge_and_a_copy_carry_them_with_the_turns(demo_file: Path, tmp_path: Path) -> None:
    from coder.exchange.merge import merge_project

    mine = Project.create(tmp_path / "mine.coder", title="mine")
    merge_project(mine, demo_file)
    assert len(stored(mine)) == len(Project.open(demo_file).sources())
    check_all_stored(mine)
    mine.copy_to(tmp_path / "copy.coder")
    again = Project.open(tmp_path / "copy.coder")
    assert stored(again) == stored(mine)


def test_language_detection_counts_as_before() -> None:
    """detect_language (run for each new source by every import now) counts with numpy: the
    same verdict as counting characters one by one in Python, astral ones included."""
    import random
    import re

    cjk = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

    def one_by_one(text: str) -> str:
        sample = text[:20000]
        chinese = sum(1 for c in sample if cjk.match(c))
        letters = sum(map(str.isalpha, sample))
        return "zh" if letters and chinese / letters > 0.2 else "en"

    rng = random.Random(3)
    pool = "abcXYZ 你好中文。，！\U00020000\U0001f600½²〇ⅫéΩ䷀\ufa6e\ufada\uf900㐀鿿\n\t"
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    texts += ["中" * 3 + "a" * 12, "中" * 3 + "a" * 11, "a" * 30000 + "中" * 30000]
    nlp._letter_tables()  # short texts too are counted with the tables once they exist
    verdicts = [nlp.detect_language(t) for t in texts]
    assert verdicts == [one_by_one(t) for t in texts]
    assert verdicts[-3:] == ["en", "zh", "en"]  # 3/15 is not above 0.2; 3/14 is; past 20,000
