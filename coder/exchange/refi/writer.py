"""Writing a parsed REFI-QDA project into the open change: coders, cases, sources (with their
attributes and speaker turns) and codings. Links and notes follow in ``notes``."""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import func, insert, select

from coder.facade.codings import coding_keys
from coder.i18n import N_, Msg
from coder.store.journal import Change
from coder.store.schema import (
    case_attributes,
    cases,
    coders,
    codings,
    source_attributes,
    sources,
    turns,
)
from coder.text.nlp import detect_language, stored_sentences
from coder.text.speakers import TurnRule
from coder.text.structure import find_turns

from .codes import CodeMerger
from .convention import parse_time, split_marked, unescape
from .notes import NotesAndLinks
from .parse import FSource, QdaFile
from .positions import TextMap
from .report import ImportReport, many, plural


class ProjectWriter(NotesAndLinks):
    """Writes one parsed project into the open change."""

    def __init__(
        self,
        ch: Change,
        qf: QdaFile,
        texts: dict[str, TextMap],
        note_texts: dict[str, str],
        rule: TurnRule,
        report: ImportReport,
    ) -> None:
        self.ch, self.conn = ch, ch.conn
        self.qf, self.texts, self.note_texts = qf, texts, note_texts
        self.rule = rule
        self.report = report
        self.now = time.time()
        self.users: dict[str, int] = {}
        self.codes: dict[str, int] = {}
        self.cases: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.codings: dict[str, int] = {}
        self.selections: dict[str, tuple[int, int | None]] = {}
        """Selection GUID -> (source id, its first coding id)."""
        self.relations: dict[str, int] = {}
        self.memo_rows: list[tuple[Any, ...]] = []
        self.note_targets: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        self.used_coders: set[int] = set()
        self.reused: set[int] = set()
        """Sources of the file that were in the project already (the same text)."""
        self._unanchored = self._extra_passages = 0

    def run(self) -> None:
        self._users()
        self.codes = CodeMerger(self.ch, self.report).run(self.qf.codes, self.qf.sets)
        self._cases()
        self._sources()
        self._codings()
        self._links()
        self._notes()
        self._leftovers()
        c = self.report.counts
        c["coders"] = len(self.used_coders)
        self.ch.summary = (
            f"import {self.report.file}: {plural(c.get('sources', 0), 'source')}, "
            f"{c.get('codes_added', 0)} codes added, {plural(c.get('codings', 0), 'coding')}"
        )

    # -- coders --------------------------------------------------------------------------------

    def _users(self) -> None:
        rows = self.conn.execute(select(coders.c.id, coders.c.guid, coders.c.name)).all()
        self._by_guid = {r.guid.lower(): r.id for r in rows}
        self._by_name = {r.name: r.id for r in rows}
        for guid, name in self.qf.users:
            if guid in self._by_guid:
                self.users[guid] = self._by_guid[guid]
            elif name and name.strip() in self._by_name:
                self.users[guid] = self._by_name[name.strip()]
            else:
                self.users[guid] = self._new_coder(guid, (name or "").strip())

    def _new_coder(self, guid: str, name: str) -> int:
        # Coders are identities, not edits: like every first use of a coder, not journalled.
        base = name or f"user {guid[:8]}"
        name, n = base, 2
        while name in self._by_name:
            name, n = f"{base} ({n})", n + 1
        ident = int(
            self.conn.execute(
                insert(coders).returning(coders.c.id),
                {
                    "guid": guid if guid not in self._by_guid else str(uuid.uuid4()),
                    "name": name,
                    "created": self.now,
                },
            ).scalar_one()
        )
        self._by_guid[guid] = ident
        self._by_name[name] = ident
        self.report.add("coders_new")
        return ident

    def coder(self, *guids: str | None) -> int:
        """The coder of the first user GUID given; unknown GUIDs become coders of their own,
        and with none the importing coder."""
        for guid in guids:
            if guid:
                if guid not in self.users:
                    self.users[guid] = self._new_coder(guid, "")
                    self.report.note(
                        f"user {guid} is not in the file's user list; added as a coder"
                    )
                return self.users[guid]
        assert self.ch.coder_id is not None
        return self.ch.coder_id

    # -- cases ---------------------------------------------------------------------------------

    def _variable(self, guid: str | None) -> str | None:
        found = self.qf.variables.get(guid or "")
        return found[0] if found and found[0] else None

    def _cases(self) -> None:
        ch, conn, report = self.ch, self.conn, self.report
        rows = conn.execute(select(cases.c.id, cases.c.guid, cases.c.name)).all()
        by_guid = {r.guid.lower(): r.id for r in rows}
        by_name = {r.name: r.id for r in rows}
        self.source_case: dict[str, int] = {}
        unknown = refs = 0
        for i, case in enumerate(self.qf.cases, 1):
            name = " ".join(case.name.split()) or f"case {i}"
            cid = by_guid.get(case.guid) or by_name.get(name)
            if cid is None:
                cid = ch.insert(
                    cases, {"guid": case.guid, "name": name, "description": case.description}
                )
                by_guid[case.guid], by_name[name] = cid, cid
                report.add("cases")
            self.cases[case.guid] = cid
            have = dict(
                conn.execute(
                    select(case_attributes.c.name, case_attributes.c.value).where(
                        case_attributes.c.case_id == cid
                    )
                ).all()
            )
            for var, value in case.values:
                attr = self._variable(var)
                if attr is None:
                    unknown += 1
                elif attr not in have:
                    ch.insert(case_attributes, {"case_id": cid, "name": attr, "value": value})
                    have[attr] = value
                    report.add("attributes")
                elif have[attr] != value:
                    ch.update(case_attributes, {"case_id": cid, "name": attr}, {"value": value})
                    report.add("attributes")
            for guid in case.sources:
                self.source_case.setdefault(guid, cid)
            refs += len(case.codes) + len(case.selections)
        report.drop(
            many(unknown, N_("{n} variable value"), N_("{n} variable values")),
            Msg("its variable is not in the file's list"),
            unknown,
        )
        references = many(
            refs, N_("{n} code or selection reference"), N_("{n} code or selection references")
        )
        report.drop(
            Msg("{references} of cases", references=references),
            Msg("cases hold sources here, not codes or passages"),
            refs,
        )

    # -- sources -------------------------------------------------------------------------------

    def _sources(self) -> None:
        ch, conn, report = self.ch, self.conn, self.report
        rows = conn.execute(select(sources.c.id, sources.c.guid, sources.c.name)).all()
        # GUIDs and names taken: by a source of the project (its id) or of this import (None).
        by_guid: dict[str, int | None] = {r.guid.lower(): r.id for r in rows}
        by_name: dict[str, int | None] = {r.name: r.id for r in rows}
        position = conn.execute(select(func.coalesce(func.max(sources.c.position), 0))).scalar_one()
        source_sets: dict[str, list[str]] = defaultdict(list)
        for s in self.qf.sets:
            for guid in s.sources:
                source_sets[guid].append(s.name)
        new: list[tuple[FSource, dict[str, Any], dict[str, str], list[Any]]] = []
        for i, src in enumerate(self.qf.sources, 1):
            tm = self.texts.get(src.guid)
            if tm is None:
                continue
            head, pairs = split_marked(src.description)
            meta = {k: unescape(v) for k, v in pairs}
            stem = re.sub(r"^.*[:/\\]", "", src.plain_path or "").rsplit(".", 1)[0]
            name = " ".join(src.name.split()) or stem or f"source {i}"
            if src.guid in by_guid or name in by_name:
                same = by_guid.get(src.guid) or by_name.get(name)
                text = (
                    conn.execute(select(sources.c.text).where(sources.c.id == same)).scalar()
                    if same is not None
                    else None
                )
                if same is not None and text == tm.text:
                    self.sources[src.guid] = same
                    self.reused.add(same)
                    report.add("sources_reused")
                    continue
                base, n = name, 2
                while name in by_name:
                    name, n = f"{base} ({n})", n + 1
                report.note(
                    f"source {base!r} differs from the one in the project: added as {name!r}"
                )
            guid = src.guid if src.guid not in by_guid else str(uuid.uuid4())
            attrs = {}
            for var, value in src.values:
                attr = self._variable(var)
                if attr is not None:
                    attrs[attr] = value
            if source_sets.get(src.guid):
                attrs.setdefault("sets", "; ".join(source_sets[src.guid]))
            position += 1
            language = meta.get("language") or detect_language(tm.text[:5000])
            found = find_turns(tm.text, self.rule)
            sentences, rules = stored_sentences(tm.text, found, language)
            row = {
                "guid": guid,
                "name": name,
                "text": tm.text,
                "chars": len(tm.text),
                "original_name": meta.get("original_name") or _original(src),
                "sha256": meta.get("sha256") or hashlib.sha256(tm.text.encode("utf-8")).hexdigest(),
                "encoding": meta.get("encoding", "utf-8"),
                "format": meta.get("format", "txt")[:16],
                "language": language,
                "case_id": self.source_case.get(src.guid),
                "position": position,
                "imported": parse_time(src.created) or self.now,
                "sentences": sentences,
                "sentence_rules": rules,
            }
            by_guid[guid] = by_name[name] = None
            new.append((src, row, attrs, found))
            if head.strip():
                self._memo("source", src.guid, "description", head, user=src.user)
        if not new:
            return
        cols = list(new[0][1])
        ids = ch.insert_values(sources, cols, [[r[c] for c in cols] for _, r, _, _ in new])
        attr_rows, turn_rows = [], []
        for sid, (src, _row, attrs, found) in zip(ids, new, strict=True):
            self.sources[src.guid] = sid
            attr_rows += [(sid, k, str(v)) for k, v in attrs.items()]
            turn_rows += [(sid, t.idx, t.start, t.end, t.speaker, t.timestamp) for t in found]
        ch.insert_values(source_attributes, ["source_id", "name", "value"], attr_rows)
        ch.insert_values(
            turns, ["source_id", "idx", "start", "end", "speaker", "timestamp"], turn_rows
        )
        report.add("sources", len(ids))
        report.add("attributes", len(attr_rows))

    # -- selections and codings ----------------------------------------------------------------

    def _codings(self) -> None:
        conn, report = self.conn, self.report
        seen = coding_keys(conn, self.reused)
        rows: list[tuple[Any, ...]] = []
        guids: list[tuple[str, str]] = []  # (coding GUID, selection GUID)
        index: dict[tuple[int, int, int, int, int], int] = {}
        aliases: list[tuple[str, int]] = []  # a repeated coding: its GUID and its twin's row
        bad = outside = zero = unknown = twins = bare = timed = 0
        times: dict[str | None, float] = {}

        def when(raw: str | None) -> float:
            if raw not in times:
                times[raw] = parse_time(raw) or self.now
            return times[raw]

        users = self.users
        for src in self.qf.sources:
            sid = self.sources.get(src.guid)
            if sid is None:
                continue
            tm = self.texts[src.guid]
            report.add("selections", len(src.selections))
            timed += src.other_selections
            for sel in src.selections:
                a, b = sel.start, sel.end
                if a is None or b is None:
                    bad += 1
                    continue
                if b < a:
                    a, b = b, a
                s, e = tm.offset(a), tm.offset(b, end=True)
                if s is None or e is None:
                    outside += 1
                    continue
                if s >= e:
                    zero += 1
                    if sel.description.strip():
                        title = f"note at position {s}"
                        self._memo("source", src.guid, title, sel.description, user=sel.user)
                    self.selections[sel.guid] = (sid, None)
                    continue
                self.selections[sel.guid] = (sid, None)
                if not sel.codings:
                    if sel.description.strip():
                        # A comment on a passage (MAXQDA's shape): a memo anchored to it.
                        self._memo(
                            "source",
                            src.guid,
                            f"comment on {s}–{e}",
                            sel.description,
                            user=sel.user,
                            span=(s, e),
                        )
                    elif not sel.notes:
                        bare += 1
                for c in sel.codings:
                    cid = self.codes.get(c.code or "")
                    if cid is None:
                        unknown += 1
                        continue
                    coder = users.get(c.user) if c.user else None
                    if coder is None:
                        coder = self.coder(c.user, sel.user, src.user, self.qf.creating_user)
                    key = (sid, cid, coder, s, e)
                    if key in seen:
                        twins += 1
                        if key in index:
                            aliases.append((c.guid, index[key]))
                        continue
                    seen.add(key)
                    index[key] = len(rows)
                    rows.append((sid, s, e, cid, coder, sel.description, when(c.created)))
                    guids.append((c.guid, sel.guid))
            for c in src.codings:  # codings of the whole source
                cid = self.codes.get(c.code or "")
                if cid is None:
                    unknown += 1
                    continue
                coder = self.coder(c.user, src.user, self.qf.creating_user)
                key = (sid, cid, coder, 0, len(tm.text))
                if key not in seen:
                    seen.add(key)
                    index[key] = len(rows)
                    rows.append((sid, 0, len(tm.text), cid, coder, "", when(c.created)))
                    guids.append((c.guid, ""))
        order = sorted(range(len(rows)), key=rows.__getitem__)
        cols = ["source_id", "start", "end", "code_id", "coder_id", "memo", "created"]
        ids = self.ch.insert_values(codings, cols, [rows[i] for i in order])
        id_of_row = dict(zip(order, ids, strict=True))
        for i, ident in id_of_row.items():
            coding, selection = guids[i]
            self.codings[coding] = ident
            self.used_coders.add(rows[i][4])
            if selection and self.selections[selection][1] is None:
                self.selections[selection] = (rows[i][0], ident)
        for coding, i in aliases:
            self.codings.setdefault(coding, id_of_row[i])
        report.add("codings", len(ids))
        selection_words = N_("{n} selection"), N_("{n} selections")
        coding_words = N_("{n} coding"), N_("{n} codings")
        bare_selections = many(bare, *selection_words)
        report.drop(many(bad, *selection_words), Msg("its positions are not numbers"), bad)
        report.drop(
            many(outside, *selection_words), Msg("its positions lie outside the text"), outside
        )
        report.drop(
            many(zero, N_("{n} zero-length selection"), N_("{n} zero-length selections")),
            Msg("a point, not a passage, cannot be coded (any note on it was kept on the source)"),
            zero,
        )
        report.drop(many(unknown, *coding_words), Msg("its code is not in the codebook"), unknown)
        report.drop(
            many(twins, *coding_words),
            Msg("the same code by the same coder on the same passage is kept once"),
            twins,
        )
        report.drop(
            many(timed, N_("{n} transcript selection"), N_("{n} transcript selections")),
            Msg("it is tied to sync points of a recording, not to text positions"),
            timed,
        )
        report.drop(
            Msg("{selections} without codings or notes", selections=bare_selections),
            Msg("nothing to keep but a position"),
            bare,
        )

    def _memo(
        self,
        kind: str,
        target: str | None,
        title: str,
        text: str,
        *,
        user: str | None,
        mtype: str = "theoretical",
        guid: str | None = None,
        created: float | None = None,
        modified: float | None = None,
        span: tuple[int, int] | None = None,
    ) -> None:
        """A memo to write once everything it may point at is in: on a ``kind`` of object
        ("code", "source", "selection", "coding", "relation", "case", "any", "project") named by
        its GUID in the file; with ``span``, on that passage of a source (project positions)."""
        self.memo_rows.append(
            (guid, mtype, kind, target, title, text, self.coder(user), created, modified, span)
        )


def _original(src: FSource) -> str:
    for path in (src.rich_path, src.plain_path):
        if path:
            return re.sub(r"^.*[:/\\]", "", path)
    return ""
