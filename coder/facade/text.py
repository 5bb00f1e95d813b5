"""Text services of a project: word/sentence/turn boundaries, the user dictionary and stop words,
search, word frequency, keywords and autocoding."""

from __future__ import annotations

from coder.store.core import FacadeCore
from coder.text import nlp
from coder.text.nlp import AnalysisCache, TextAnalysis

_CACHE = AnalysisCache()


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
        src = self.source(source)
        words = self.user_words() | extra_words
        # The turns are part of the key: `coder turns` (and its undo) changes them, not the text.
        found_turns = tuple(self.turns(src.id))
        key = (src.guid, words, found_turns)
        found = _CACHE.get(key)
        if found is None:
            text = self.source_text(src.id)
            language = nlp.src_language(self, src.id, text)
            found = nlp.analyse(text, list(found_turns), language, set(words))
            _CACHE.put(key, found)
        return found

    def sentences(self, source: int | str) -> list[tuple[int, int]]:
        """The sentence spans of a source, inside its turns (see :meth:`sentences_of`)."""
        sid = self.source_id(source)
        return self.sentences_of([sid])[sid]

    def sentences_of(self, source_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
        """Sentence spans of several sources, read in two queries. Chinese needs no word
        segmentation for them (coder.text.sentences), so they do not depend on the dictionary
        and cost a small fraction of :meth:`analysis`."""
        from sqlalchemy import select

        from coder.model import Turn
        from coder.store.schema import sources, turns

        wanted = sorted(set(source_ids))
        texts: dict[int, tuple[str, str]] = {}
        spoken: dict[int, list[Turn]] = {sid: [] for sid in wanted}
        with self.read() as conn:
            for sid, text, language in conn.execute(
                select(sources.c.id, sources.c.text, sources.c.language).where(
                    sources.c.id.in_(wanted)
                )
            ):
                texts[sid] = (text, language or nlp.detect_language(text))
            for row in conn.execute(
                select(
                    turns.c.source_id,
                    turns.c.idx,
                    turns.c.start,
                    turns.c.end,
                    turns.c.speaker,
                    turns.c.timestamp,
                )
                .where(turns.c.source_id.in_(wanted))
                .order_by(turns.c.source_id, turns.c.idx)
            ):
                spoken[row[0]].append(Turn(*row[1:]))
        missing = [sid for sid in wanted if sid not in texts]
        if missing:
            from coder.errors import NotFound

            raise NotFound(f"no source with id {missing[0]}; nothing was changed")
        return {sid: nlp.sentences_of(texts[sid][0], spoken[sid], texts[sid][1]) for sid in wanted}

    def snap(self, source: int | str, start: int, end: int) -> tuple[int, int]:
        """Widen a span to whole words."""
        return self.analysis(source).snap(start, end)
