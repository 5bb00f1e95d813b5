"""Traditional and Simplified matched character by character: search, autocode terms, the code
picker and jieba's word boundaries, with offsets into the original (never converted) text."""

from __future__ import annotations

import pytest

from coder.model import Code, SourceDraft
from coder.project import Project
from coder.text import autocode, nlp
from coder.text.search import search
from coder.text.variants import fold

TRADITIONAL = (
    "訪談者：您在臺灣住了多久？\n受訪者：我在台灣出生，後來去臺北工作。台湾的朋友也常來。\n"
)
SIMPLIFIED = "访谈者：您在台湾住了多久？\n受访者：我在台湾出生，后来去台北工作。\n"


def _offsets(text: str, *words: str) -> list[tuple[int, int]]:
    """Where each of ``words`` occurs in ``text`` (a hand count by str.find, in order)."""
    out = []
    for w in words:
        at = -1
        while (at := text.find(w, at + 1)) != -1:
            out.append((at, at + len(w)))
    return sorted(out)


def test_fold_keeps_length_and_only_changes_traditional_characters() -> None:
    assert fold("臺灣後來") == "台湾后来"
    assert fold(SIMPLIFIED) == SIMPLIFIED
    assert len(fold(TRADITIONAL)) == len(TRADITIONAL)
    assert fold("隨身碟") == "随身碟"  # characters only: no phrase conversion to U盘


@pytest.fixture
def two(project: Project) -> Project:
    project.add_source(SourceDraft(name="T", text=TRADITIONAL))
    project.add_source(SourceDraft(name="S", text=SIMPLIFIED))
    return project


@pytest.mark.parametrize("query", ["台湾", "台灣", "臺灣", "臺湾"])
def test_search_finds_every_form_at_the_original_offsets(two: Project, query: str) -> None:
    hits = search(two, query)
    want = [("T", s, e) for s, e in _offsets(TRADITIONAL, "臺灣", "台灣", "台湾")]
    want += [("S", s, e) for s, e in _offsets(SIMPLIFIED, "台湾")]
    assert [(h.source, h.start, h.end) for h in hits] == want
    for h in hits:  # the hit shows the text as written
        text = TRADITIONAL if h.source == "T" else SIMPLIFIED
        assert h.match == text[h.start : h.end]
    assert {h.match for h in hits} == {"臺灣", "台灣", "台湾"}


def test_search_regex_is_folded_too(two: Project) -> None:
    hits = search(two, "后来去.北", regex=True)
    assert [(h.source, h.match) for h in hits] == [("T", "後來去臺北"), ("S", "后来去台北")]


def test_autocode_terms_match_both_forms(two: Project) -> None:
    code = two.add_code("台湾经验").id
    planned = autocode.plan(two, code, terms=["台湾"])
    assert [(p.source, p.start, p.end, p.text) for p in planned] == [
        ("T", s, e, TRADITIONAL[s:e]) for s, e in _offsets(TRADITIONAL, "臺灣", "台灣", "台湾")
    ] + [("S", s, e, "台湾") for s, e in _offsets(SIMPLIFIED, "台湾")]
    again = autocode.plan(two, code, terms=["後來"], substring=True)
    assert [(p.source, p.text) for p in again] == [("T", "後來"), ("S", "后来")]


def test_code_picker_matches_both_forms() -> None:
    from coder.tui.screens.dialogs import fuzzy_score

    traditional = Code(1, "g1", "a01", "臺灣經驗", "open")
    simplified = Code(2, "g2", "a02", "台湾经验", "open")
    for needle in ("台湾", "臺灣", "台灣经"):
        assert fuzzy_score(needle, traditional) is not None
        assert fuzzy_score(needle, simplified) is not None
    assert fuzzy_score("香港", traditional) is None


def test_traditional_text_gets_the_words_of_its_simplified_form() -> None:
    trad = "社區發展協會的志工幫忙登記疫苗，里長負責聯絡獨居長輩。"
    simp = "社区发展协会的志工帮忙登记疫苗，里长负责联络独居长辈。"
    assert fold(trad) == simp
    assert nlp.tokenize(trad, "zh") == nlp.tokenize(simp, "zh")
    words = [trad[s:e] for s, e in nlp.tokenize(trad, "zh")]
    assert "協會" in words and "登記" in words  # offsets index the Traditional text


def test_the_character_index_narrows_to_both_forms(tmp_path) -> None:
    """The search index holds folded characters, so a Simplified query finds the sources that
    wrote it in Traditional only (and the reverse) before the scan."""
    from coder.text import index
    from coder.text.search import build_index

    p = Project.create(tmp_path / "idx.coder")
    p.add_sources(
        [
            SourceDraft(name="tw", text="受訪者：我住在臺灣。"),
            SourceDraft(name="tp", text="受訪者：我住在台北。"),
        ]
    )
    build_index(p)
    ids = {s.name: s.id for s in p.sources()}
    with p.read() as conn:
        assert not index.missing(conn)
        assert set(index.candidates(conn, "台湾") or []) == {ids["tw"]}
        assert set(index.candidates(conn, "臺灣") or []) == {ids["tw"]}
    assert [(h.source, h.start, h.end) for h in search(p, "台湾")] == [("tw", 7, 9)]
