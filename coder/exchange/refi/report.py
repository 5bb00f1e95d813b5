"""What an import or export did: what came in or went out, and what was dropped and why.

The REFI-QDA spec asks programs to warn about data loss; these reports are how. ``lines()`` gives
the one-liners the CLI prints, ``as_dict()`` the document ``--json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coder.i18n import Msg, _, in_english, said


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def many(n: int, one: str, more: str) -> Msg:
    """``one`` or ``more`` (messages with a ``{n}`` field, marked with ``N_`` where they are
    written) for ``n``, as 1,234: kept in English for the JSON, said in the language."""
    return Msg(one if n == 1 else more, n=f"{n:,}")


@dataclass
class Dropped:
    """Something that did not come across: what, how many, and why."""

    what: str
    why: str
    count: int = 1
    shown: tuple[str | Msg, str | Msg] | None = field(default=None, compare=False, repr=False)
    """``what`` and ``why`` as they were given, for the human report in the interface language
    (``what`` and ``why`` are English: the JSON's)."""


@dataclass
class Report:
    file: str
    format: str
    origin: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things done on the way that the user should know of (renamed codes, merged codes...)."""

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def drop(self, what: str | Msg, why: str | Msg, count: int = 1) -> None:
        """Something that did not come across; kept in English for the JSON, said in the
        interface language in the report's lines."""
        if count:
            self.dropped.append(Dropped(in_english(what), in_english(why), count, (what, why)))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "origin": self.origin,
            "counts": dict(self.counts),
            "dropped": [{"what": d.what, "why": d.why, "count": d.count} for d in self.dropped],
            "notes": list(self.notes),
        }

    def _tail(self) -> list[str]:
        out = [
            _("  not kept: {what} — {why}").format(what=said(what), why=said(why))
            for what, why in (d.shown or (d.what, d.why) for d in self.dropped)
        ]
        out += [_("  note: {note}").format(note=n) for n in self.notes]
        return out


def counted(n: int, one: str, many: str) -> str:
    """``one`` or ``many`` (translated messages with a ``{n}`` field) for ``n``, as 1,234."""
    return (one if n == 1 else many).format(n=f"{n:,}")


@dataclass
class ImportReport(Report):
    positions: str = ""
    """How the producer's text positions were read."""
    event_id: int | None = None
    """The undoable event that holds the import (None when nothing changed)."""

    def lines(self) -> list[str]:
        n = self.counts.get
        where = f" ({self.origin})" if self.origin else ""
        if self.event_id is None:
            head = _("{file}{where}: nothing new to import; the project is unchanged").format(
                file=self.file, where=where
            )
        else:
            head = _("imported {file}{where} as one undoable step").format(
                file=self.file, where=where
            )
        out = [head]
        codes = counted(n("codes_added", 0), _("{n} code added"), _("{n} codes added"))
        if n("codes_updated", 0) or n("codes_matched", 0):
            codes += _(", {matched} matched existing codes ({updated} updated)").format(
                matched=f"{n('codes_matched', 0):,}", updated=f"{n('codes_updated', 0):,}"
            )
        out.append(_("  codes: {codes}").format(codes=codes))
        if self.format == "qdpx":
            sources = counted(n("sources", 0), _("{n} text source"), _("{n} text sources"))
            if n("sources_reused"):
                sources += _(" ({n} already in the project)").format(
                    n=f"{n('sources_reused', 0):,}"
                )
            out.append(
                _("  sources: {sources}; {selections} read, {codings} added by {coders}").format(
                    sources=sources,
                    selections=counted(n("selections", 0), _("{n} selection"), _("{n} selections")),
                    codings=counted(n("codings", 0), _("{n} coding"), _("{n} codings")),
                    coders=counted(n("coders", 0), _("{n} coder"), _("{n} coders")),
                )
            )
            out.append(
                _("  also: {memos}, {relations}, {cases}, {attributes}").format(
                    memos=counted(n("memos", 0), _("{n} memo"), _("{n} memos")),
                    relations=counted(n("relations", 0), _("{n} relation"), _("{n} relations")),
                    cases=counted(n("cases", 0), _("{n} case"), _("{n} cases")),
                    attributes=counted(
                        n("attributes", 0), _("{n} attribute value"), _("{n} attribute values")
                    ),
                )
            )
            if self.positions:
                out.append(_("  positions read as {positions}").format(positions=self.positions))
        return out + self._tail()

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "positions": self.positions, "event": self.event_id}


@dataclass
class ExportReport(Report):
    def lines(self) -> list[str]:
        n = self.counts.get
        out = [
            _("exported {file} (REFI-QDA project)").format(file=self.file)
            if self.format == "qdpx"
            else _("exported {file} (REFI-QDA codebook)").format(file=self.file)
        ]
        out.append(
            _("  {codes} with their grounded-theory fields in [GT] lines and sets").format(
                codes=counted(n("codes", 0), _("{n} code"), _("{n} codes"))
            )
        )
        if self.format == "qdpx":
            out.append(
                _("  {sources}, {selections} holding {codings} by {coders}").format(
                    sources=counted(n("sources", 0), _("{n} text source"), _("{n} text sources")),
                    selections=counted(n("selections", 0), _("{n} selection"), _("{n} selections")),
                    codings=counted(n("codings", 0), _("{n} coding"), _("{n} codings")),
                    coders=counted(n("users", 0), _("{n} coder"), _("{n} coders")),
                )
            )
            out.append(
                _("  {memos} as notes, {relations} as links, {cases}, {variables}").format(
                    memos=counted(n("notes", 0), _("{n} memo"), _("{n} memos")),
                    relations=counted(n("relations", 0), _("{n} relation"), _("{n} relations")),
                    cases=counted(n("cases", 0), _("{n} case"), _("{n} cases")),
                    variables=counted(n("variables", 0), _("{n} variable"), _("{n} variables")),
                )
                + (_(", the concept network as a graph") if n("codes") else "")
            )
        return out + self._tail()
