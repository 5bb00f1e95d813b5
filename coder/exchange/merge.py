"""Merging a colleague's copy of a project into this one (``coder merge PROJECT OTHER``).

Team coding goes like this: one project file is copied to each coder, everyone codes their copy
(blind to the others), and the copies are merged back into one. Coders are identities by name, so
each coder's codings stay theirs and agreement can compare them afterwards.

How the other copy's content is matched to this project's:

* **Sources** by name *and* the SHA-256 of their normalised text. The same name with a different
  text is a conflict: reported, and the codings (and memos) on that source are skipped. A source
  whose text is here under another name is matched by its text. A source that is not here at all
  is added with its turns, attributes and case.
* **Codes** by identity (guid: the copy was made from this project, or merged before), then by
  level and name. New codes come in with their parents (a label that is taken here gets the next
  free label). A matched code whose definition, inclusion, exclusion or another field differs is
  reported as a conflict and keeps this project's text; an empty field here is filled from the
  copy (and reported).
* **Codings** by source, code, coder and span: duplicates are skipped (and counted); a coding memo
  fills an empty one here, a different one is a conflict.
* **Memos** by identity, then by target, type, title and text; **relations** by their two codes and
  type (new evidence is added); **cases** by name; **lineage** of merged and split codes by kind,
  code and target. Settings stay this project's, except that the copy's dictionary words are added;
  other settings that differ are reported.

Everything is one change, so one undo takes the whole merge back; nothing is dropped silently:
the report lists what was added, skipped and why, and every conflict. The other copy is only read
(opening it brings its schema up to date if it is older, as opening any project does).

Length: one module on purpose. The matching rules above depend on each other (codings
follow the matched sources and codes, memos and relations follow both), and the whole merge
must be one change; the rules read best in the order they run.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, func, select

from coder.errors import InvalidInput
from coder.facade.codebook import next_label
from coder.i18n import N_, Msg, Word, _, english, in_english, pgettext, said
from coder.model import CODE_DESCRIPTION
from coder.store.journal import Change
from coder.store.schema import (
    case_attributes,
    cases,
    code_lineage,
    code_parents,
    coders,
    codes,
    codings,
    memos,
    relation_evidence,
    relation_types,
    relations,
    settings,
    source_attributes,
    sources,
    turns,
)

if TYPE_CHECKING:
    from coder.project import Project


#: Code fields compared between the copies (an empty one here is filled from the other copy).
CODE_FIELDS = tuple(k for k in CODE_DESCRIPTION if k != "in_vivo")
_READ = (
    settings,
    coders,
    cases,
    case_attributes,
    sources,
    source_attributes,
    turns,
    codes,
    code_parents,
    codings,
    memos,
    relation_types,
    relations,
    relation_evidence,
    code_lineage,
)


@dataclass(frozen=True)
class MergeItem:
    """One line of the report: what came in, was skipped, filled in, or conflicts."""

    kind: str
    """source, case, code, parent, coding, memo, relation, evidence, attribute, lineage, setting"""
    action: str
    """added, filled, matched, skipped or conflict"""
    what: str
    reason: str = ""
    count: int = 1
    shown: tuple[str | Msg, str | Msg] | None = field(default=None, compare=False, repr=False)
    """``what`` and ``reason`` as they were given, for the human report in the interface
    language (``what`` and ``reason`` are English: the JSON's)."""


def _action_word(action: str) -> str:
    """A report's action as a person reads it (the JSON keeps the English name); the words are
    marked for the catalogs in :func:`_vocabulary`."""
    return pgettext("merge action", action)


def _kind_word(kind: str) -> str:
    """A report's kind of item as a person reads it (marked in :func:`_vocabulary`)."""
    return pgettext("merge kind", kind)


def _vocabulary() -> None:  # pragma: no cover - never called: marks words for the catalogs
    """The values a report says: its actions and kinds, and what a :class:`Word` says (memo
    types, lineage kinds, what a memo is on)."""
    for _word in (
        pgettext("merge action", "added"),
        pgettext("merge action", "filled"),
        pgettext("merge action", "matched"),
        pgettext("merge action", "skipped"),
        pgettext("merge action", "conflict"),
        pgettext("merge kind", "source"),
        pgettext("merge kind", "case"),
        pgettext("merge kind", "code"),
        pgettext("merge kind", "parent"),
        pgettext("merge kind", "coding"),
        pgettext("merge kind", "memo"),
        pgettext("merge kind", "relation"),
        pgettext("merge kind", "evidence"),
        pgettext("merge kind", "attribute"),
        pgettext("merge kind", "lineage"),
        pgettext("merge kind", "setting"),
        pgettext("memo type", "code"),
        pgettext("memo type", "theoretical"),
        pgettext("memo type", "methodological"),
        pgettext("memo type", "comparison"),
        pgettext("memo type", "storyline"),
        pgettext("memo type", "project"),
        pgettext("lineage", "promote"),
        pgettext("lineage", "merge"),
        pgettext("lineage", "split"),
        pgettext("merge kind", "project"),
    ):
        pass


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def _kinds(kind: str, n: int) -> str:
    """``n`` things of a kind the merge adds ("3 codes") in the interface language."""
    said = {
        "attribute": (_("{n} attribute"), _("{n} attributes")),
        "case": (_("{n} case"), _("{n} cases")),
        "source": (_("{n} source"), _("{n} sources")),
        "code": (_("{n} code"), _("{n} codes")),
        "parent": (_("{n} parent"), _("{n} parents")),
        "relation": (_("{n} relation"), _("{n} relations")),
        "coding": (_("{n} coding"), _("{n} codings")),
        "evidence": (_("{n} evidence"), _("{n} evidences")),
        "memo": (_("{n} memo"), _("{n} memos")),
        "setting": (_("{n} setting"), _("{n} settings")),
        "lineage": (_("{n} lineage"), _("{n} lineages")),
    }
    if kind not in said:
        return f"{n} {kind}{'s' if n != 1 else ''}"
    one, many = said[kind]
    return (one if n == 1 else many).format(n=n)


@dataclass
class MergeReport:
    """What a merge did, item by item; ``event_id`` is the undoable event (None: nothing new)."""

    other: str
    items: list[MergeItem] = field(default_factory=list)
    event_id: int | None = None

    def add(
        self, kind: str, action: str, what: str | Msg, reason: str | Msg = "", count: int = 1
    ) -> None:
        """One line; ``what`` and ``reason`` kept in English for the JSON, said in the
        interface language in :meth:`lines`."""
        self.items.append(
            MergeItem(kind, action, in_english(what), in_english(reason), count, (what, reason))
        )

    def totals(self) -> dict[str, dict[str, int]]:
        """``{action: {kind: count}}``."""
        out: dict[str, dict[str, int]] = {}
        for item in self.items:
            per = out.setdefault(item.action, {})
            per[item.kind] = per.get(item.kind, 0) + item.count
        return out

    @property
    def conflicts(self) -> list[MergeItem]:
        return [i for i in self.items if i.action == "conflict"]

    def summary(self) -> str:
        """The merge in one line, in English: the event's summary and the JSON's."""
        with english():
            return self.head()

    def head(self) -> str:
        """The merge in one line in the interface language."""
        added = self.totals().get("added", {})
        parts = [_kinds(kind, n) for kind, n in sorted(added.items())]
        if parts:
            head = _("merge {other}: {parts} added").format(
                other=self.other, parts=", ".join(parts)
            )
        else:
            head = _("merge {other}: nothing new").format(other=self.other)
        if self.conflicts:
            n = len(self.conflicts)
            head += (
                _("; {n} conflict: this project's version kept")
                if n == 1
                else _("; {n} conflicts: this project's version kept")
            ).format(n=n)
        return head

    def lines(self) -> list[str]:
        out = [self.head()]
        for item in self.items:
            what, reason = item.shown or (item.what, item.reason)
            count = f" ×{item.count}" if item.count != 1 else ""
            why = f" — {said(reason)}" if item.reason else ""
            action, kind = _action_word(item.action), _kind_word(item.kind)
            out.append(f"  {_pad(action, 8)} {_pad(kind, 9)} {said(what)}{count}{why}")
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "other": self.other,
            "event": self.event_id,
            "summary": self.summary(),
            "totals": self.totals(),
            "conflicts": len(self.conflicts),
            "items": [
                {
                    "kind": i.kind,
                    "action": i.action,
                    "what": i.what,
                    "reason": i.reason,
                    "count": i.count,
                }
                for i in self.items
            ],
        }


def text_sha256(text: str) -> str:
    """The SHA-256 of a normalised text (sources store the hash of their file's bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def merge_project(project: Project, other: str | Path) -> MergeReport:
    """Bring the other copy's sources, codes, codings, memos and relations into ``project`` as
    one undoable change; returns the report (``event_id`` is None when nothing was new)."""
    from coder.project import Project
    from coder.store.engine import describe, is_server

    if is_server(other):
        label = describe(other).rsplit("/", 1)[-1].split("?", 1)[0]
        if describe(other) == project.location:
            raise InvalidInput(_("a project cannot be merged into itself; nothing was changed"))
        theirs = Project.open(str(other))
    else:
        other = Path(other)
        label = other.name
        if project.path is not None and other.resolve() == Path(project.path).resolve():
            raise InvalidInput(_("a project cannot be merged into itself; nothing was changed"))
        theirs = Project.open(other)
    try:
        with theirs.read() as conn:
            data = {t.name: _rows(conn, t) for t in _READ}
    finally:
        theirs.close()
    report = MergeReport(label)
    project.check_allowed("merge")
    if project.path is not None:
        project.backup("before-merge")  # a merge is undoable, and backed up as well
    with project.change("merge", f"merge {label}") as ch:
        _Merge(project, ch, data, report).run()
        ch.summary = report.summary()
    report.event_id = ch.event_id
    return report


class _Merge:
    """One merge in progress: maps from the other copy's ids to this project's."""

    def __init__(
        self,
        project: Project,
        ch: Change,
        data: dict[str, list[dict[str, Any]]],
        report: MergeReport,
    ) -> None:
        self.project = project
        self.ch = ch
        self.conn = ch.conn
        self.data = data
        """The other copy's rows, by table name."""
        self.report = report
        self.coder_names = {r["id"]: r["name"] for r in data["coders"]}
        self._coders: dict[int, int] = {}
        self.source_map: dict[int, int] = {}
        self.skipped_sources: dict[int, str] = {}
        self.case_map: dict[int, int] = {}
        self.code_map: dict[int, int] = {}
        self.coding_map: dict[int, int] = {}
        self.relation_map: dict[int, int] = {}
        self.labels: dict[int, str] = {}
        """Our label of each of our codes (for the report)."""
        self._index: dict[tuple[str, str], dict[Any, list[dict[str, Any]]]] = {}

    def run(self) -> None:
        self.cases()
        self.sources()
        self.codes()
        self.parents()
        self.relations()
        self.codings()
        self.evidence()
        self.memos()
        self.lineage()
        self.settings()

    # -- helpers ---------------------------------------------------------------------------

    def coder(self, their_id: int) -> int:
        """Our id of the other copy's coder (the same name), made here on first use."""
        if their_id not in self._coders:
            name = self.coder_names[their_id]
            self._coders[their_id] = int(self.project.ensure_coder(self.conn, name))
        return self._coders[their_id]

    def guid(self, table: Table, guid: str) -> str:
        """The other copy's guid, unless something else here has it."""
        taken = self.conn.execute(select(table.c.id).where(table.c.guid == guid)).first()
        return str(uuid.uuid4()) if taken else guid

    def attributes(
        self, table: Table, key: str, ours: int, rows: list[dict[str, Any]], what: Msg
    ) -> None:
        """Attributes the other copy has: missing ones added, different values reported."""
        have = dict(
            self.conn.execute(select(table.c.name, table.c.value).where(table.c[key] == ours)).all()
        )
        for r in rows:
            if r["name"] not in have:
                self.ch.insert(
                    table,
                    {
                        key: ours,
                        "name": r["name"],
                        "value": r["value"],
                        "type": r.get("type", "text"),
                    },
                )
                self.report.add(
                    "attribute",
                    "added",
                    Msg("{what}: {name} = {value}", what=what, name=r["name"], value=r["value"]),
                )
            elif have[r["name"]] != r["value"]:
                self.report.add(
                    "attribute",
                    "conflict",
                    Msg("{what}: {name}", what=what, name=r["name"]),
                    Msg(
                        "here {here!r}, there {there!r}; kept {here!r}",
                        here=have[r["name"]],
                        there=r["value"],
                    ),
                )

    def _rows(self, table: str, key: str, value: Any) -> list[dict[str, Any]]:
        """The other copy's rows of ``table`` whose ``key`` is ``value`` (indexed once)."""
        index = self._index.get((table, key))
        if index is None:
            index = {}
            for r in self.data[table]:
                index.setdefault(r[key], []).append(r)
            self._index[(table, key)] = index
        return index.get(value, [])

    # -- sources and cases -----------------------------------------------------------------

    def cases(self) -> None:
        ours = dict(self.conn.execute(select(cases.c.name, cases.c.id)).all())
        for c in self.data["cases"]:
            if c["name"] in ours:
                cid = ours[c["name"]]
            else:
                cid = self.ch.insert(
                    cases,
                    {
                        "guid": self.guid(cases, c["guid"]),
                        "name": c["name"],
                        "description": c["description"],
                    },
                )
                self.report.add("case", "added", c["name"])
            self.case_map[c["id"]] = cid
            attrs = self._rows("case_attributes", "case_id", c["id"])
            self.attributes(
                case_attributes, "case_id", cid, attrs, Msg("case {name}", name=c["name"])
            )

    def sources(self) -> None:
        ours = {
            r.name: (r.id, text_sha256(r.text))
            for r in self.conn.execute(select(sources.c.id, sources.c.name, sources.c.text))
        }
        by_text = {sha: (sid, name) for name, (sid, sha) in ours.items()}
        position = self.conn.execute(
            select(func.coalesce(func.max(sources.c.position), 0))
        ).scalar_one()
        for s in sorted(self.data["sources"], key=lambda r: r["position"]):
            sha = text_sha256(s["text"])
            if s["name"] in ours:
                sid, our_sha = ours[s["name"]]
                if our_sha != sha:
                    n = len(self._rows("codings", "source_id", s["id"]))
                    self.skipped_sources[s["id"]] = s["name"]
                    self.report.add(
                        "source",
                        "conflict",
                        s["name"],
                        Msg(
                            N_(
                                "same name, different text here; its {n} coding and memos are skipped"
                            )
                            if n == 1
                            else N_(
                                "same name, different text here; its {n} codings and memos are "
                                "skipped"
                            ),
                            n=n,
                        ),
                    )
                    continue
            elif sha in by_text:
                sid, name = by_text[sha]
                self.report.add("source", "matched", f"{s['name']} = {name}", Msg("the same text"))
            else:
                position += 1
                values = {k: v for k, v in s.items() if k not in ("id", "guid", "case_id")}
                sid = self.ch.insert(
                    sources,
                    {
                        **values,
                        "guid": self.guid(sources, s["guid"]),
                        "case_id": self.case_map.get(s["case_id"]) if s["case_id"] else None,
                        "position": position,
                    },
                )
                cols = ["source_id", "idx", "start", "end", "speaker", "timestamp"]
                self.ch.insert_values(
                    turns,
                    cols,
                    [
                        [sid, *(t[c] for c in cols[1:])]
                        for t in self._rows("turns", "source_id", s["id"])
                    ],
                )
                self.report.add("source", "added", s["name"], Msg("{n} characters", n=s["chars"]))
            self.source_map[s["id"]] = sid
            attrs = self._rows("source_attributes", "source_id", s["id"])
            self.attributes(
                source_attributes, "source_id", sid, attrs, Msg("source {name}", name=s["name"])
            )

    # -- the codebook ----------------------------------------------------------------------

    def codes(self) -> None:
        rows = self.conn.execute(select(codes)).mappings().all()
        by_guid = {r["guid"]: dict(r) for r in rows}
        by_name = {(r["level"], r["name"]): dict(r) for r in rows}
        self.labels = {r["id"]: r["label"] for r in rows}
        has_core = any(r["is_core"] for r in rows)
        for c in self.data["codes"]:
            mine = by_guid.get(c["guid"]) or by_name.get((c["level"], c["name"]))
            if mine is not None:
                self.code_map[c["id"]] = mine["id"]
                self.compare_code(mine, c)
                continue
            label = c["label"]
            notes: list[Msg] = []
            if self.conn.execute(select(codes.c.id).where(codes.c.label == label)).first():
                label = next_label(self.conn, c["level"])
                notes.append(
                    Msg("label {taken} is taken here: now {label}", taken=c["label"], label=label)
                )
            core = bool(c["is_core"]) and not has_core
            if c["is_core"] and has_core:
                notes.append(Msg("not the core category: this project has one"))
            note: str | Msg = (
                Msg("{one}; {other}", one=notes[0], other=notes[1])
                if len(notes) == 2
                else notes[0]
                if notes
                else ""
            )
            values = {k: v for k, v in c.items() if k not in ("id", "guid", "label", "is_core")}
            cid = self.ch.insert(
                codes,
                {**values, "guid": self.guid(codes, c["guid"]), "label": label, "is_core": core},
            )
            has_core = has_core or core
            self.code_map[c["id"]] = cid
            self.labels[cid] = label
            self.report.add(
                "code",
                "added",
                Msg(
                    "{label} {name} ({level})",
                    label=label,
                    name=c["name"],
                    level=Word("level", c["level"]),
                ),
                note,
            )

    def compare_code(self, mine: dict[str, Any], theirs: dict[str, Any]) -> None:
        what = f"{mine['label']} {mine['name']}"
        for key in ("name", "level"):
            if mine[key] != theirs[key]:
                self.report.add(
                    "code",
                    "conflict",
                    f"{what}: {key}",
                    Msg("there {there!r}; kept ours", there=theirs[key]),
                )
        fields = CODE_FIELDS if mine["level"] == theirs["level"] else CODE_FIELDS[:6]
        filled = {}
        for key in fields:
            ours, other = mine[key], theirs[key]
            if _empty(other) or ours == other:
                continue
            if _empty(ours):
                filled[key] = other
                self.report.add("code", "filled", f"{what}: {key}", Msg("empty here"))
            else:
                self.report.add(
                    "code",
                    "conflict",
                    f"{what}: {key}",
                    Msg(
                        "here {here!r}, there {there!r}; kept ours",
                        here=_clip(ours),
                        there=_clip(other),
                    ),
                )
        if filled:
            self.ch.update(codes, {"id": mine["id"]}, filled)

    def parents(self) -> None:
        from coder.errors import CoderError

        links = sorted(self.data["code_parents"], key=lambda r: not r["is_primary"])
        for link in links:
            child, parent = self.code_map[link["child_id"]], self.code_map[link["parent_id"]]
            have = self.conn.execute(
                select(code_parents.c.parent_id).where(code_parents.c.child_id == child)
            ).all()
            if parent in {h[0] for h in have}:
                continue
            what = Msg(
                "{child} under {parent}", child=self.labels[child], parent=self.labels[parent]
            )
            try:
                with english():  # the reason goes into the report's JSON
                    self.project.link_parent(
                        self.ch, child, parent, primary=bool(link["is_primary"]) and not have
                    )
            except CoderError as exc:
                self.report.add("parent", "skipped", what, str(exc).split(";")[0])
                continue
            self.report.add("parent", "added", what)

    def relations(self) -> None:
        ours_types = {r[0] for r in self.conn.execute(select(relation_types.c.name))}
        for t in self.data["relation_types"]:
            if t["name"] not in ours_types:
                self.ch.insert(relation_types, t)
                self.report.add("relation", "added", Msg("relation type {name}", name=t["name"]))
        for r in self.data["relations"]:
            a, b = self.code_map[r["from_id"]], self.code_map[r["to_id"]]
            what = f"{self.labels[a]} —{r['type']}→ {self.labels[b]}"
            row = self.conn.execute(
                select(relations.c.id).where(
                    relations.c.from_id == a, relations.c.to_id == b, relations.c.type == r["type"]
                )
            ).first()
            if row is not None:
                self.relation_map[r["id"]] = row[0]
                continue
            self.relation_map[r["id"]] = self.ch.insert(
                relations,
                {
                    "guid": self.guid(relations, r["guid"]),
                    "from_id": a,
                    "to_id": b,
                    "type": r["type"],
                    "description": r["description"],
                    "coder_id": self.coder(r["coder_id"]),
                    "created": r["created"],
                },
            )
            self.report.add("relation", "added", what)

    # -- codings, evidence, memos ------------------------------------------------------------

    def codings(self) -> None:
        existing = {
            (sid, code, coder, start, end): (ident, memo)
            for ident, sid, code, coder, start, end, memo in self.conn.execute(
                select(
                    codings.c.id,
                    codings.c.source_id,
                    codings.c.code_id,
                    codings.c.coder_id,
                    codings.c.start,
                    codings.c.end,
                    codings.c.memo,
                )
            )
        }
        names = {r["id"]: r["name"] for r in self.data["sources"]}
        tally: Counter[tuple[str, str, str]] = Counter()
        texts: dict[tuple[str, str, str], tuple[Msg, Msg | str]] = {}

        def count(action: str, where: Msg, reason: Msg | str = "") -> None:
            key = (action, where.english(), in_english(reason))
            tally[key] += 1
            texts.setdefault(key, (where, reason))

        pending: dict[tuple[int, ...], list[int]] = {}
        rows: list[tuple[Any, ...]] = []
        for c in self.data["codings"]:
            coder_name = self.coder_names[c["coder_id"]]
            where = Msg("{coder} in {source}", coder=coder_name, source=names[c["source_id"]])
            same = Msg("{coder}'s", coder=coder_name)  # duplicates are many: one line per coder
            if c["source_id"] in self.skipped_sources:
                count("skipped", where, Msg("the source's text differs here"))
                continue
            key = (
                self.source_map[c["source_id"]],
                self.code_map[c["code_id"]],
                self.coder(c["coder_id"]),
                c["start"],
                c["end"],
            )
            if key in pending:  # two sources there with this one's text
                pending[key].append(c["id"])
                count("skipped", same, Msg("already here"))
                continue
            if key in existing:
                ident, memo = existing[key]
                self.coding_map[c["id"]] = ident
                count("skipped", same, Msg("already here"))
                if c["memo"] and c["memo"] != memo:
                    if memo:
                        self.report.add(
                            "coding",
                            "conflict",
                            Msg(
                                "memo of coding {ident} ({where} {start}–{end})",
                                ident=ident,
                                where=where,
                                start=c["start"],
                                end=c["end"],
                            ),
                            Msg(
                                "here {here!r}, there {there!r}; kept ours",
                                here=_clip(memo),
                                there=_clip(c["memo"]),
                            ),
                        )
                    else:
                        self.ch.update(codings, {"id": ident}, {"memo": c["memo"]})
                        count("filled", where, Msg("memo was empty here"))
                continue
            pending[key] = [c["id"]]
            rows.append((*key, c["memo"], c["created"]))
            count("added", where)
        rows.sort(key=lambda r: (r[0], r[3], r[4]))  # index order: local B-tree inserts
        cols = ["source_id", "code_id", "coder_id", "start", "end", "memo", "created"]
        for row, ident in zip(rows, self.ch.insert_values(codings, cols, rows), strict=True):
            for theirs in pending[row[:5]]:
                self.coding_map[theirs] = ident
        for entry, n in sorted(tally.items()):
            shown_where, shown_reason = texts[entry]
            self.report.add("coding", entry[0], shown_where, shown_reason, count=n)

    def evidence(self) -> None:
        missing = 0
        for e in self.data["relation_evidence"]:
            rel = self.relation_map[e["relation_id"]]
            coding = self.coding_map.get(e["coding_id"])
            if coding is None:
                missing += 1
                continue
            if self.conn.execute(
                select(relation_evidence.c.coding_id).where(
                    relation_evidence.c.relation_id == rel, relation_evidence.c.coding_id == coding
                )
            ).first():
                continue
            self.ch.insert(relation_evidence, {"relation_id": rel, "coding_id": coding})
            self.report.add(
                "evidence",
                "added",
                Msg("coding {coding} for relation {relation}", coding=coding, relation=rel),
            )
        if missing:
            self.report.add(
                "evidence",
                "skipped",
                Msg("relation evidence"),
                Msg("its coding was skipped"),
                count=missing,
            )

    def memos(self) -> None:
        targets = {
            "source": self.source_map,
            "case": self.case_map,
            "code": self.code_map,
            "coding": self.coding_map,
            "relation": self.relation_map,
        }
        already = 0
        for m in self.data["memos"]:
            what = Msg(
                "{type} memo {title!r} on {target}",
                type=Word("memo type", m["type"]),
                title=_clip(m["title"] or m["text"]),
                target=Word("merge kind", m["target_type"]),
            )
            row = self.conn.execute(
                select(memos.c.title, memos.c.text).where(memos.c.guid == m["guid"])
            ).first()
            if row is not None:
                if (row.title, row.text) == (m["title"], m["text"]):
                    already += 1
                else:
                    self.report.add(
                        "memo", "conflict", what, Msg("edited in both copies; kept ours")
                    )
                continue
            target_id = None
            if m["target_type"] != "project":
                target_id = targets[m["target_type"]].get(m["target_id"])
                if target_id is None:
                    self.report.add("memo", "skipped", what, Msg("what it is about was not merged"))
                    continue
            twin = self.conn.execute(
                select(memos.c.id).where(
                    memos.c.target_type == m["target_type"],
                    memos.c.target_id.is_(None)
                    if target_id is None
                    else memos.c.target_id == target_id,
                    memos.c.type == m["type"],
                    memos.c.title == m["title"],
                    memos.c.text == m["text"],
                )
            ).first()
            if twin is not None:
                already += 1
                continue
            values = {k: v for k, v in m.items() if k not in ("id", "guid")}
            self.ch.insert(
                memos,
                {
                    **values,
                    "guid": self.guid(memos, m["guid"]),
                    "target_id": target_id,
                    "coder_id": self.coder(m["coder_id"]),
                },
            )
            self.report.add("memo", "added", what)
        if already:
            self.report.add("memo", "skipped", Msg("memos"), Msg("already here"), count=already)

    def lineage(self) -> None:
        have = {
            (r.kind, r.from_guid, r.to_code_id)
            for r in self.conn.execute(
                select(code_lineage.c.kind, code_lineage.c.from_guid, code_lineage.c.to_code_id)
            )
        }
        for r in self.data["code_lineage"]:
            to = self.code_map.get(r["to_code_id"]) if r["to_code_id"] is not None else None
            if (r["kind"], r["from_guid"], to) in have:
                continue
            values = {k: v for k, v in r.items() if k not in ("id", "event_id", "to_code_id")}
            self.ch.insert(
                code_lineage, {**values, "event_id": self.ch.reserve_event(), "to_code_id": to}
            )
            self.report.add(
                "lineage",
                "added",
                Msg(
                    "{kind} of {label} {name}",
                    kind=Word("lineage", r["kind"]),
                    label=r["from_label"],
                    name=r["from_name"],
                ),
            )

    def settings(self) -> None:
        ours = dict(self.conn.execute(select(settings.c.key, settings.c.value)).all())
        for s in self.data["settings"]:
            key, value = s["key"], s["value"]
            if key == "created" or ours.get(key) == value:
                continue
            if key == "dictionary":
                have = json.loads(ours.get(key, "[]"))
                new = sorted(set(json.loads(value)) - set(have))
                if new:
                    merged = json.dumps(sorted(set(have) | set(new)), ensure_ascii=False)
                    if key in ours:
                        self.ch.update(settings, {"key": key}, {"value": merged})
                    else:
                        self.ch.insert(settings, {"key": key, "value": merged})
                    self.report.add(
                        "setting", "added", Msg("dictionary: {words}", words=" ".join(new))
                    )
                continue
            self.report.add("setting", "skipped", key, Msg("differs in the other copy; kept ours"))


def _rows(conn: Any, table: Table) -> list[dict[str, Any]]:
    cols = [c.name for c in table.columns]
    return [dict(zip(cols, row, strict=True)) for row in conn.execute(select(table)).all()]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == "[]"


def _clip(text: str, n: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"
