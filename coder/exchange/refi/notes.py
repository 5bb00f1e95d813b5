"""Links and notes of a REFI-QDA project: relations between codes, their evidence, and memos
attached where the file attached them. A mixin of :class:`~coder.exchange.refi.writer.ProjectWriter`,
run after codes, sources and codings are in (links and notes point at them)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from coder.i18n import N_, Msg
from coder.model import MEMO_TYPES
from coder.store.journal import Change
from coder.store.schema import memos, relation_evidence, relation_types, relations

from .convention import parse_time, split_marked, unescape
from .parse import FNote, QdaFile
from .positions import TextMap
from .report import ImportReport, many, plural

_MEMO_COLS = [
    "guid",
    "type",
    "target_type",
    "target_id",
    "title",
    "text",
    "coder_id",
    "created",
    "modified",
    "start",
    "end",
]


class NotesAndLinks:
    """Relations, evidence and memos; the state lives in the writer."""

    ch: Change
    conn: Connection
    qf: QdaFile
    report: ImportReport
    now: float
    note_texts: dict[str, str]
    texts: dict[str, TextMap]
    codes: dict[str, int]
    cases: dict[str, int]
    sources: dict[str, int]
    codings: dict[str, int]
    selections: dict[str, tuple[int, int | None]]
    relations: dict[str, int]
    memo_rows: list[tuple[Any, ...]]
    note_targets: dict[str, list[tuple[str, str | None]]]
    _unanchored: int
    """Annotations whose passage could not be kept (counted for the report)."""
    _extra_passages: int
    _memo: Callable[..., None]

    # -- links: relations, evidence, attached notes ----------------------------------------------

    def _links(self) -> None:
        ch, conn, report = self.ch, self.conn, self.report
        known = {}
        for name, label_zh in conn.execute(
            select(relation_types.c.name, relation_types.c.label_zh)
        ):
            known[name] = name
            if label_zh:
                known.setdefault(label_zh, name)
        rows = conn.execute(
            select(
                relations.c.id,
                relations.c.guid,
                relations.c.from_id,
                relations.c.to_id,
                relations.c.type,
            )
        ).all()
        taken = {r.guid.lower() for r in rows}
        existing = {(r.from_id, r.to_id, r.type): r.id for r in rows}
        note_guids = {n.guid for n in self.qf.notes}
        undirected = dropped = 0
        dropped_names: list[str] = []
        rest = []
        for link in self.qf.links:
            a, b = self.codes.get(link.origin or ""), self.codes.get(link.target or "")
            if a is None or b is None:
                rest.append(link)
                continue
            for note in link.notes:
                self.note_targets[note].append(("relation", link.guid))
            if a == b:
                dropped += 1
                dropped_names.append(link.name or "(unnamed)")
                continue
            rtype, description = self._relation_type(link.name, known)
            if link.direction in ("Associative", "Bidirectional"):
                undirected += 1
            key = (a, b, rtype)
            if key in existing:
                self.relations[link.guid] = existing[key]
                continue
            rid = ch.insert(
                relations,
                {
                    "guid": link.guid if link.guid not in taken else str(uuid.uuid4()),
                    "from_id": a,
                    "to_id": b,
                    "type": rtype,
                    "description": description,
                    "coder_id": ch.coder_id,
                    "created": self.now,
                },
            )
            taken.add(link.guid)
            existing[key] = self.relations[link.guid] = rid
            report.add("relations")
        evidence: set[tuple[int, int]] = set()
        for link in rest:
            o, t = link.origin or "", link.target or ""
            if t in self.relations and o in self.codings:
                evidence.add((self.relations[t], self.codings[o]))
                continue
            if o in note_guids and t:
                self.note_targets[o].append(("any", t))
            elif t in note_guids and o:
                self.note_targets[t].append(("any", o))
            else:
                dropped += 1
                dropped_names.append(link.name or "(unnamed)")
        if evidence:
            have = set(
                conn.execute(
                    select(relation_evidence.c.relation_id, relation_evidence.c.coding_id)
                ).all()
            )
            new = sorted(evidence - {tuple(p) for p in have})
            ch.insert_values(relation_evidence, ["relation_id", "coding_id"], new)
            report.add("evidence", len(new))
        if undirected:
            report.note(
                f"{plural(undirected, 'undirected link')} read as relations from origin to target"
            )
        names = ", ".join(repr(n) for n in dropped_names[:3]) + (
            " …" if len(dropped_names) > 3 else ""
        )
        links = many(dropped, N_("{n} link"), N_("{n} links"))
        report.drop(
            Msg("{links} ({names})", links=links, names=names),
            Msg("relations link two different codes; these link other things"),
            dropped,
        )

    def _relation_type(self, name: str, known: dict[str, str]) -> tuple[str, str]:
        text = name.strip()
        head, sep, rest = text.partition(": ")
        if head in known:
            return known[head], unescape(rest) if sep else ""
        if text in known:
            return known[text], ""
        slug = re.sub(r"\s+", "_", text)[:64] or "associated"
        if slug not in known:
            self.ch.insert(
                relation_types,
                {
                    "name": slug,
                    "label_zh": "",
                    "family": "imported",
                    "description": f"from {self.qf.origin or 'a REFI-QDA file'}",
                },
            )
            known[slug] = slug
            self.report.note(f"new relation type {slug!r} (from a link of the file)")
        return slug, ""

    def _notes(self) -> None:
        for code in self.qf.codes:
            for note in code.notes:
                self.note_targets[note].append(("code", code.guid))
        for src in self.qf.sources:
            for note in src.notes:
                self.note_targets[note].append(("source", src.guid))
            for sel in src.selections:
                for note in sel.notes:
                    self.note_targets[note].append(("selection", sel.guid))
                for c in sel.codings:
                    for note in c.notes:
                        self.note_targets[note].append(("coding", c.guid))
        for note in self.qf.project_notes:
            self.note_targets[note].append(("project", None))
        text_sources = [src.guid for src in self.qf.sources if src.guid in self.texts]
        for fnote in self.qf.notes:
            head, pairs = split_marked(fnote.description)
            fields = dict(pairs)
            text = (
                fnote.content if fnote.content is not None else self.note_texts.get(fnote.guid, "")
            )
            if head.strip():
                text = f"{head}\n\n{text}" if text else head
            kind, target = "project", None
            targets = self.note_targets.get(fnote.guid, [])
            if targets:
                kind, target = targets[0]
            span = None
            if fnote.selections:
                if not targets and len(text_sources) == 1:
                    kind, target = "source", text_sources[0]
                span = self._passage(fnote, kind, target)
            mtype = fields.get("type", "")
            if mtype not in MEMO_TYPES:
                mtype = {"code": "code", "project": "project"}.get(kind, "theoretical")
            self._memo(
                kind,
                target,
                unescape(fields["title"]) if "title" in fields else fnote.name,
                text,
                user=fnote.user,
                mtype=mtype,
                guid=fnote.guid,
                created=parse_time(fnote.created),
                modified=parse_time(fnote.modified),
                span=span,
            )
        if self.qf.description.strip():
            description = self.qf.description
            self._memo(
                "project", None, "project description", description, user=None, mtype="project"
            )
        self._write_memos()

    def _passage(self, note: FNote, kind: str, target: str | None) -> tuple[int, int] | None:
        """The passage an annotation (a note with its own selection) is about, in project
        positions; None (and counted for the report) when it cannot be placed."""
        self._extra_passages += len(note.selections) - 1
        sel = note.selections[0]
        tm = self.texts.get(target or "") if kind == "source" else None
        if tm is None or sel.start is None or sel.end is None:
            self._unanchored += 1
            return None
        a, b = sorted((sel.start, sel.end))
        start, end = tm.offset(a), tm.offset(b, end=True)
        if start is None or end is None or start >= end:
            self._unanchored += 1
            return None
        return start, end

    def _resolve(self, kind: str, target: str | None) -> tuple[str, int | None] | None:
        if kind == "project":
            return ("project", None)
        t = target or ""
        if kind == "selection" or (kind == "any" and t in self.selections):
            if t in self.selections:
                sid, first = self.selections[t]
                return ("coding", first) if first is not None else ("source", sid)
            return None
        tables = {
            "code": self.codes,
            "source": self.sources,
            "case": self.cases,
            "coding": self.codings,
            "relation": self.relations,
        }
        if kind == "any":
            for name, table in tables.items():
                if t in table:
                    return (name, table[t])
            return None
        found = tables[kind].get(t)
        return (kind, found) if found is not None else None

    def _write_memos(self) -> None:
        taken = {g.lower() for (g,) in self.conn.execute(select(memos.c.guid))}
        out, stray, again = [], 0, 0
        for row in self.memo_rows:
            guid, mtype, kind, target, title, text, coder, created, modified, span = row
            if guid is not None and guid in taken:
                again += 1
                continue
            resolved = self._resolve(kind, target)
            if resolved is None:
                stray += 1
                resolved = ("project", None)
                if mtype == "code":
                    mtype = "theoretical"
            if span is not None and resolved[0] != "source":
                span = None
                self._unanchored += 1
            created = created or self.now
            out.append(
                (
                    guid or str(uuid.uuid4()),
                    mtype,
                    resolved[0],
                    resolved[1],
                    title,
                    text,
                    coder,
                    created,
                    modified or created,
                    *(span or (None, None)),
                )
            )
            taken.add(out[-1][0])
        self.ch.insert_values(memos, _MEMO_COLS, out)
        self.report.add("memos", len(out))
        self.report.add("memos_anchored", sum(1 for r in out if r[-2] is not None))
        n = self._unanchored
        annotations = many(n, N_("{n} annotation"), N_("{n} annotations"))
        self.report.drop(
            Msg("the passage of {annotations}", annotations=annotations),
            Msg(
                "it names no text source of the file, or its positions lie outside the text; "
                "the note came in as a memo without it"
            ),
            n,
        )
        n = self._extra_passages
        passages = many(n, N_("{n} further passage"), N_("{n} further passages"))
        self.report.drop(
            Msg("{passages} of annotations", passages=passages),
            Msg("a memo is anchored to one passage; the first one was kept"),
            n,
        )
        self.report.drop(
            many(again, N_("{n} note"), N_("{n} notes")),
            Msg("a memo with the same GUID is in the project already"),
            again,
        )
        if stray:
            self.report.note(
                f"{plural(stray, 'note')} belonged to objects that did not come in; "
                "kept as memos about the whole project"
            )

    # -- what is left ----------------------------------------------------------------------------

    def _leftovers(self) -> None:
        report, qf = self.report, self.qf
        sets = [s for s in qf.sets if s.notes]
        report.drop(
            many(len(sets), N_("{n} note set"), N_("{n} note sets")),
            Msg("coder has no groups of memos"),
            len(sets),
        )
        if qf.graphs:
            v = sum(g[1] for g in qf.graphs)
            e = sum(g[2] for g in qf.graphs)
            graphs = many(len(qf.graphs), N_("{n} graph"), N_("{n} graphs"))
            report.drop(
                Msg("{graphs} ({v} vertices, {e} edges)", graphs=graphs, v=v, e=e),
                Msg("drawings are not kept; the concept network comes from codes and relations"),
                len(qf.graphs),
            )
        for tag, n in sorted(qf.unknown.items()):
            report.drop(
                Msg(
                    N_("{n} <{tag}> element") if n == 1 else N_("{n} <{tag}> elements"),
                    n=f"{n:,}",
                    tag=tag,
                ),
                Msg("not part of REFI-QDA 1.0"),
                n,
            )
