"""What an import or export did: what came in or went out, and what was dropped and why.

The REFI-QDA spec asks programs to warn about data loss; these reports are how. ``lines()`` gives
the one-liners the CLI prints, ``as_dict()`` the document ``--json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


@dataclass
class Dropped:
    """Something that did not come across: what, how many, and why."""

    what: str
    why: str
    count: int = 1


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

    def drop(self, what: str, why: str, count: int = 1) -> None:
        if count:
            self.dropped.append(Dropped(what, why, count))

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
        out = [f"  not kept: {d.what} — {d.why}" for d in self.dropped]
        out += [f"  note: {n}" for n in self.notes]
        return out


@dataclass
class ImportReport(Report):
    positions: str = ""
    """How the producer's text positions were read."""
    event_id: int | None = None
    """The undoable event that holds the import (None when nothing changed)."""

    def lines(self) -> list[str]:
        c = self.counts.get
        where = f" ({self.origin})" if self.origin else ""
        if self.event_id is None:
            head = f"{self.file}{where}: nothing new to import; the project is unchanged"
        else:
            head = f"imported {self.file}{where} as one undoable step"
        out = [head]
        codes = f"{plural(c('codes_added', 0), 'code')} added"
        if c("codes_updated", 0) or c("codes_matched", 0):
            codes += f", {c('codes_matched', 0):,} matched existing codes"
            codes += f" ({c('codes_updated', 0):,} updated)"
        out.append(f"  codes: {codes}")
        if self.format == "qdpx":
            out.append(
                f"  sources: {plural(c('sources', 0), 'text source')}"
                + (
                    f" ({c('sources_reused', 0):,} already in the project)"
                    if c("sources_reused")
                    else ""
                )
                + f"; {plural(c('selections', 0), 'selection')} read, "
                f"{plural(c('codings', 0), 'coding')} added by {plural(c('coders', 0), 'coder')}"
            )
            out.append(
                f"  also: {plural(c('memos', 0), 'memo')}, {plural(c('relations', 0), 'relation')}, "
                f"{plural(c('cases', 0), 'case')}, {plural(c('attributes', 0), 'attribute value')}"
            )
            if self.positions:
                out.append(f"  positions read as {self.positions}")
        return out + self._tail()

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "positions": self.positions, "event": self.event_id}


@dataclass
class ExportReport(Report):
    def lines(self) -> list[str]:
        c = self.counts.get
        out = [
            f"exported {self.file} (REFI-QDA {'project' if self.format == 'qdpx' else 'codebook'})"
        ]
        out.append(
            f"  {plural(c('codes', 0), 'code')} with their grounded-theory fields in [GT] lines and sets"
        )
        if self.format == "qdpx":
            out.append(
                f"  {plural(c('sources', 0), 'text source')}, {plural(c('selections', 0), 'selection')} "
                f"holding {plural(c('codings', 0), 'coding')} by {plural(c('users', 0), 'coder')}"
            )
            out.append(
                f"  {plural(c('notes', 0), 'memo')} as notes, {plural(c('relations', 0), 'relation')} as links, "
                f"{plural(c('cases', 0), 'case')}, {plural(c('variables', 0), 'variable')}"
                + (", the concept network as a graph" if c("codes") else "")
            )
        return out + self._tail()
