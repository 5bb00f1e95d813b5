"""Text services of a project: word/sentence/turn boundaries, the user dictionary and stop words,
search, word frequency, keywords and autocoding."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from coder.i18n import _
from coder.store.core import FacadeCore

if TYPE_CHECKING:
    from coder.text.nlp import AnalysisCache, TextAnalysis

#: Sources per query (within SQLite's variable limit).
_CHUNK = 500


@cache
def _analyses() -> AnalysisCache:
    """The process's cache of analyses (made on first use: opening a project for a command that
    never segments text must not import the text pipeline)."""
    from coder.text.nlp import AnalysisCache

    return AnalysisCache()


class TextOps(FacadeCore):
    """Mixed into :class:`coder.project.Project`."""

    def dictionary(self) -> list[str]:
        """Extra words for jieba's user dictionary, besides the codebook's names."""
        return list(self.setting("dictionary", []))

    def set_dictionary(self, words: list[str]) -> None:
        clean = sorted({w.strip() for w in words if w.strip()})
        self.set_setting("dictionary", clean)

    def user_words(self) -> frozenset[str]:
        """What jieba must keep whole: every code name, and the project's dictionary."""
        from coder.text import nlp

        names = [c.name for c in self.codes()]
        return frozenset(nlp.dictionary_terms(names + self.dictionary()))

    def stopwords(self) -> list[str]:
        from coder.text.frequency import DEFAULT_STOPWORDS

        stored = self.setting("stopwords")
        return list(DEFAULT_STOPWORDS if stored is None else stored)

    def set_stopwords(self, words: list[str]) -> None:
        self.set_setting("stopwords", sorted({w.strip() for w in words if w.strip()}))

    def analysis(
        self, source: int | str, *, extra_words: frozenset[str] = frozenset()
    ) -> TextAnalysis:
        """Words, sentences and blocks (turns) of a source; cached per source, turns and dictionary."""
        from coder.text import nlp

        src = self.source(source)
        words = self.user_words() | extra_words
        # The turns are part of the key: `coder turns` (and its undo) changes them, not the text.
        found_turns = tuple(self.turns(src.id))
        key = (src.guid, words, found_turns)
        found = _analyses().get(key)
        if found is None:
            text = self.source_text(src.id)
            language = nlp.src_language(self, src.id, text)
            sentences = self.sentences_of([src.id])[src.id]
            found = nlp.analyse(text, list(found_turns), language, set(words), sentences)
            _analyses().put(key, found)
        return found

    def sentences(self, source: int | str) -> list[tuple[int, int]]:
        """The sentence spans of a source, inside its turns (see :meth:`sentences_of`)."""
        sid = self.source_id(source)
        return self.sentences_of([sid])[sid]

    def sentences_of(self, source_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
        """Sentence spans of several sources, as stored with them (``sources.sentences``,
        computed on import and when their turns change). Sources without them, or with them
        under other rules (a project from before migration 0008, a new version of the rules),
        get them computed now (coder.text.sentences: no word segmentation, so no dependence on
        the dictionary) and stored for the next reader, where this session may write."""
        from sqlalchemy import select

        from coder.store.schema import sources
        from coder.text import nlp

        wanted = sorted(set(source_ids))
        out: dict[int, list[tuple[int, int]]] = {}
        stale: list[int] = []
        with self.read() as conn:
            for i in range(0, len(wanted), _CHUNK):
                for sid, stored, rules in conn.execute(
                    select(sources.c.id, sources.c.sentences, sources.c.sentence_rules).where(
                        sources.c.id.in_(wanted[i : i + _CHUNK])
                    )
                ):
                    if stored is not None and nlp.current_rules(rules):
                        out[sid] = nlp.decode_sentences(stored)
                    else:
                        stale.append(sid)
        missing = [sid for sid in wanted if sid not in out and sid not in stale]
        if missing:
            from coder.errors import NotFound

            raise NotFound(
                _("no source with id {missing}; nothing was changed").format(missing=missing[0])
            )
        if stale:
            computed = self._compute_sentences(stale)
            self._store_sentences(computed)
            out.update((sid, nlp.decode_sentences(v[0])) for sid, v in computed.items())
        return {sid: out[sid] for sid in wanted}

    def _compute_sentences(self, source_ids: list[int]) -> dict[int, tuple[str, str]]:
        """Stored-form boundaries and rules of sources, computed from their texts and turns."""
        from sqlalchemy import select

        from coder.model import Turn
        from coder.store.schema import sources, turns
        from coder.text import nlp

        out: dict[int, tuple[str, str]] = {}
        with self.read() as conn:
            for i in range(0, len(source_ids), _CHUNK):
                chunk = source_ids[i : i + _CHUNK]
                spoken: dict[int, list[Turn]] = {sid: [] for sid in chunk}
                for row in conn.execute(
                    select(
                        turns.c.source_id,
                        turns.c.idx,
                        turns.c.start,
                        turns.c.end,
                        turns.c.speaker,
                        turns.c.timestamp,
                    )
                    .where(turns.c.source_id.in_(chunk))
                    .order_by(turns.c.source_id, turns.c.idx)
                ):
                    spoken[row[0]].append(Turn(*row[1:]))
                for sid, text, language in conn.execute(
                    select(sources.c.id, sources.c.text, sources.c.language).where(
                        sources.c.id.in_(chunk)
                    )
                ):
                    out[sid] = nlp.stored_sentences(text, spoken[sid], language)
        return out

    def _store_sentences(self, computed: dict[int, tuple[str, str]]) -> None:
        """Keep computed boundaries for the next reader. They are a cache of the text and its
        turns, not an edit: no event, and where this session may not write (a reader on a
        server, a busy or read-only file) they are simply computed again next time. A row whose
        boundaries someone stored meanwhile under the current rules (a change of its turns) is
        left as it is."""
        from sqlalchemy import bindparam, or_, update
        from sqlalchemy.exc import SQLAlchemyError

        from coder.errors import CoderError
        from coder.store.schema import sources

        stmt = (
            update(sources)
            .where(
                sources.c.id == bindparam("b_id"),
                or_(
                    sources.c.sentences.is_(None),
                    sources.c.sentence_rules.is_(None),
                    sources.c.sentence_rules != bindparam("b_rules"),
                ),
            )
            .values(sentences=bindparam("b_sentences"), sentence_rules=bindparam("b_rules"))
        )
        rows = [
            {"b_id": sid, "b_sentences": stored, "b_rules": rules}
            for sid, (stored, rules) in computed.items()
        ]
        try:
            with self._writing("store sentence boundaries") as conn:
                for i in range(0, len(rows), _CHUNK):
                    conn.execute(stmt, rows[i : i + _CHUNK])
        except (CoderError, SQLAlchemyError):
            pass

    def snap(self, source: int | str, start: int, end: int) -> tuple[int, int]:
        """Widen a span to whole words."""
        return self.analysis(source).snap(start, end)
