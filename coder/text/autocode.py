"""Autocoding: code every hit of terms, a regular expression or a speaker, at the unit asked for.

Terms match on token boundaries (spaCy's PhraseMatcher over the jieba tokens, with the terms in the
dictionary), so 会商 does not fire inside 基层会商日 unless substring matching is asked for; Traditional
and Simplified forms of a term match each other (``coder.text.variants``). The
plan is computed first and is exactly what a real run writes: ``--dry-run`` shows the plan, a real
run writes it as one undoable event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coder.errors import InvalidInput
from coder.i18n import _
from coder.text import nlp
from coder.text.search import compile_query
from coder.text.variants import fold

if TYPE_CHECKING:
    from coder.project import Project


UNITS = ("match", "sentence", "turn")


@dataclass(frozen=True, slots=True)
class PlannedCoding:
    source: str
    source_id: int
    start: int
    end: int
    text: str


def plan(
    project: Project,
    code: int | str,
    *,
    terms: list[str] | None = None,
    regex: str | None = None,
    speaker: str | None = None,
    unit: str = "match",
    substring: bool = False,
    coder: str | None = None,
) -> list[PlannedCoding]:
    """The codings an autocode run would add (spans already coded so by this coder are left out)."""
    chosen = [x for x in (terms, regex, speaker) if x]
    if len(chosen) != 1:
        raise InvalidInput(
            _("autocode needs exactly one of --term, --regex or --speaker; nothing was changed")
        )
    if unit not in UNITS:
        raise InvalidInput(
            _("unit {unit!r} is not one of {UNITS}; nothing was changed").format(
                unit=unit, UNITS=", ".join(UNITS)
            )
        )
    code_id = project.code_id(code)
    coder = coder or project.coder
    existing = {
        (s.source_id, s.start, s.end) for s in project.segments(code=code_id) if s.coder == coder
    }
    pattern = compile_query(regex, regex=True) if regex else None
    term_list = [t.strip() for t in (terms or []) if t.strip()]
    if terms is not None and not term_list:
        raise InvalidInput(_("--term needs a word; nothing was changed"))
    out: list[PlannedCoding] = []
    seen: set[tuple[int, int, int]] = set()
    extra = frozenset(nlp.dictionary_terms(term_list)) if term_list else frozenset()
    words = set(project.user_words() | extra)
    for src in project.sources():
        text = project.source_text(src.id)
        analysis = project.analysis(src.id, extra_words=extra)
        if speaker:
            hits = [
                (t.start, t.end)
                for t in project.turns(src.id)
                if t.speaker == speaker and t.end > t.start
            ]
        elif pattern is not None:
            hits = [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]
        elif substring:
            folded = fold(text)
            hits = [
                (m.start(), m.end())
                for t in term_list
                for m in re.finditer(re.escape(fold(t)), folded)
            ]
        else:
            hits = _token_matches(text, analysis, term_list, _lang(project, src.id, text), words)
        for start, end in sorted(hits):
            span = _widen(analysis, start, end, unit)
            key = (src.id, *span)
            if key in seen or key in existing:
                continue
            seen.add(key)
            out.append(PlannedCoding(src.name, src.id, span[0], span[1], text[span[0] : span[1]]))
    return out


def run(
    project: Project,
    code: int | str,
    planned: list[PlannedCoding],
    *,
    coder: str | None = None,
    what: str = "",
) -> list[int]:
    """Write a plan as one event."""
    if not planned:
        return []
    code_id = project.code_id(code)
    label = project.code(code_id).label
    rows = [(p.source_id, code_id, p.start, p.end, coder or project.coder) for p in planned]
    return project.add_codings(
        rows,
        summary=f"autocode {label}: {len(rows)} codings{' for ' + what if what else ''}",
        action="autocode",
    )


def _lang(project: Project, source_id: int, text: str) -> str:
    return nlp.src_language(project, source_id, text)


def _token_matches(
    text: str, analysis: nlp.TextAnalysis, terms: list[str], language: str, words: set[str]
) -> list[tuple[int, int]]:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    pipe = nlp.pipeline(language)
    attr = "LOWER" if language == "en" else "ORTH"
    matcher = PhraseMatcher(pipe.vocab, attr=attr)
    tokens = analysis.words
    # Folded words on both sides: a Simplified term finds its Traditional form and the reverse.
    folded = fold(text)
    doc = Doc(pipe.vocab, words=[folded[s:e] for s, e in tokens], spaces=[False] * len(tokens))
    patterns = []
    for term in map(fold, terms):
        spans = nlp.tokenize(term, language, words)
        if spans:
            patterns.append(
                Doc(pipe.vocab, words=[term[s:e] for s, e in spans], spaces=[False] * len(spans))
            )
    matcher.add("TERMS", patterns)
    return [(tokens[i][0], tokens[j - 1][1]) for _x, i, j in matcher(doc)]


def _widen(analysis: nlp.TextAnalysis, start: int, end: int, unit: str) -> tuple[int, int]:
    if unit == "match":
        return start, end
    if unit == "turn":
        block = analysis.block_at(start)
        return block if block else (start, end)
    first = analysis.sentence_at(start)
    last = analysis.sentence_at(max(start, end - 1))
    return (first[0] if first else start, last[1] if last else end)
