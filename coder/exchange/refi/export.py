"""Writing a project as a REFI-QDA codebook (``.qdc``) or project (``.qdpx``).

The XML is streamed (see :class:`~coder.exchange.refi.xmlsafe.XmlWriter`), so a project with
200,000 codings exports in seconds. Every object keeps a stable GUID: codes, sources, memos,
relations, coders and cases their own; selections, codings, variables, sets and graph elements one
derived from what they are (so exporting the same content twice gives the same GUIDs).

Length: one streaming writer for the whole REFI project document; the XML's parts
(users, codes, sources with their selections, notes, sets, links, graphs) must be written in
schema order into one stream, and they share the GUID derivation.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from coder import __version__
from coder.errors import InvalidInput
from coder.i18n import N_, Msg, _
from coder.model import Code
from coder.store.schema import (
    case_attributes,
    cases,
    coders,
    codings,
    events,
    human_only,
    memos,
    relation_evidence,
    relations,
    source_attributes,
    sources,
)

from .convention import (
    SET_GLOSS,
    code_description,
    derived_guid,
    escape,
    iso,
    note_description,
    note_name,
    set_names,
)
from .graph import tree, write_graph
from .parse import no_cycle_collection
from .report import ExportReport, many
from .xmlsafe import XmlWriter

if TYPE_CHECKING:
    from coder.project import Project


ORIGIN = f"coder {__version__}"
PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write beside ``path`` and move into place, so a failed export leaves no half file."""
    if not path.parent.is_dir():
        raise InvalidInput(
            _("{parent}: no such folder; nothing was written").format(parent=path.parent)
        )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.writing")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_codes(
    out: XmlWriter,
    codes: list[Code],
    notes: dict[int, list[str]] | None = None,
) -> None:
    by_id = {c.id: c for c in codes}
    roots, children = tree(codes)

    def write(code: Code) -> None:
        attrs = {
            "guid": code.guid,
            "name": code.name,
            "isCodable": "true",
            "color": code.colour or None,
        }
        out.tag("Code", attrs)
        labels = [by_id[p].label for p in code.parents if p in by_id]
        out.element("Description", code_description(code, labels))
        for guid in (notes or {}).get(code.id, ()):
            out.tag("NoteRef", {"targetGUID": guid}, close=True)
        for child in children.get(code.id, ()):
            write(child)
        out.end("Code")

    out.raw("<Codes>")
    for root in roots:
        write(root)
    out.end("Codes")


def _write_sets(
    out: XmlWriter, codes: list[Code], member: str, project: Project | None = None
) -> int:
    """The convention sets (level, paradigm role, axis, core) with their member codes; a
    codebook names a member by ``guid``, a project by ``targetGUID``. A project's source sets
    (``coder sample``) follow as sets of ``MemberSource``. Returns how many sets."""
    from coder.exchange.refi.sets import write_source_sets

    members: dict[str, list[str]] = {name: [] for name in SET_GLOSS}
    for c in codes:
        for name in set_names(c):
            members[name].append(c.guid)
    groups = {k: v for k, v in members.items() if v}
    source_sets = bool(project is not None and project.sets())
    if groups or source_sets:
        out.raw("<Sets>")
        for name, guids in groups.items():
            out.tag("Set", {"guid": derived_guid("set", name), "name": name})
            out.element("Description", SET_GLOSS[name])
            for guid in guids:
                out.tag("MemberCode", {member: guid}, close=True)
            out.end("Set")
        written = write_source_sets(out, project) if source_sets and project is not None else 0
        out.end("Sets")
        return len(groups) + written
    return 0


def export_qdc(project: Project, path: str | Path) -> ExportReport:
    """Write the codebook as a REFI-QDA ``.qdc`` (the code tree, GT fields, convention sets)."""
    path = Path(path)
    codes = project.codes()
    report = ExportReport(path.name, "qdc", ORIGIN)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            out = XmlWriter(fh.write)
            out.raw(_DECLARATION)
            out.tag("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
            _write_codes(out, codes)
            report.counts["sets"] = _write_sets(out, codes, "guid")
            out.end("CodeBook")
            out.flush()
            report.counts["dropped_characters"] = out.dropped

    if not codes:  # the schema needs at least one code
        raise InvalidInput(
            _("{name}: the project has no codes to export; nothing was written").format(
                name=path.name
            )
        )
    _atomic(path, write)
    report.counts["codes"] = len(codes)
    n_rel, n_memo = len(project.relations()), len(project.memos())
    if n_rel or n_memo:
        relations = many(n_rel, N_("{n} relation"), N_("{n} relations"))
        memos_ = many(n_memo, N_("{n} memo"), N_("{n} memos"))
        report.drop(
            Msg("{relations} and {memos}", relations=relations, memos=memos_),
            Msg("a .qdc holds the code tree only (export a .qdpx to keep them)"),
            n_rel + n_memo,
        )
    _dropped_chars(report)
    return report


def _dropped_chars(report: ExportReport) -> None:
    n = report.counts.pop("dropped_characters", 0)
    if n:
        report.drop(
            many(n, N_("{n} control character"), N_("{n} control characters")),
            Msg("XML cannot hold them; they were left out of names and memos"),
            n,
        )


# -- the project ---------------------------------------------------------------------------------


class _Data:
    """Everything an export needs, read in one go."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.codes: list[Code] = project.codes()
        self.code_guid = {c.id: c.guid for c in self.codes}
        with project.read() as conn:
            self.coders = {r.id: (r.guid, r.name) for r in conn.execute(select(coders))}
            self.sources = conn.execute(
                select(
                    sources.c.id,
                    sources.c.guid,
                    sources.c.name,
                    sources.c.original_name,
                    sources.c.sha256,
                    sources.c.encoding,
                    sources.c.format,
                    sources.c.language,
                    sources.c.case_id,
                    sources.c.imported,
                ).order_by(sources.c.position)
            ).all()
            self.source_attrs: dict[int, list[tuple[str, str]]] = defaultdict(list)
            for sid, name, value in conn.execute(
                select(
                    source_attributes.c.source_id,
                    source_attributes.c.name,
                    source_attributes.c.value,
                ).order_by(source_attributes.c.name)
            ):
                self.source_attrs[sid].append((name, value))
            self.cases = conn.execute(select(cases).order_by(cases.c.id)).all()
            self.case_attrs: dict[int, list[tuple[str, str]]] = defaultdict(list)
            for cid, name, value in conn.execute(
                select(
                    case_attributes.c.case_id, case_attributes.c.name, case_attributes.c.value
                ).order_by(case_attributes.c.name)
            ):
                self.case_attrs[cid].append((name, value))
            self.memos = conn.execute(select(memos).order_by(memos.c.id)).all()
            self.relations = conn.execute(select(relations).order_by(relations.c.id)).all()
            self.evidence = conn.execute(
                select(relation_evidence).order_by(
                    relation_evidence.c.relation_id, relation_evidence.c.coding_id
                )
            ).all()
            self.codings = conn.execute(
                select(
                    codings.c.source_id,
                    codings.c.start,
                    codings.c.end,
                    codings.c.memo,
                    codings.c.code_id,
                    codings.c.coder_id,
                    codings.c.created,
                    codings.c.id,
                )
                .where(human_only(codings.c.coder_id))
                .order_by(
                    codings.c.source_id,
                    codings.c.start,
                    codings.c.end,
                    codings.c.memo,
                    codings.c.code_id,
                    codings.c.coder_id,
                )
            ).all()
            self.last_change = conn.execute(select(func.max(events.c.time))).scalar()
            self.source_coder, self.first_coder = _source_creators(conn, self.coders)
        self.title = project.title
        self.created = project.setting("created")
        note = _provenance_note(project, self.coders, self.first_coder, self.last_change)
        if note is not None:
            self.memos = [*self.memos, note]


def _provenance_note(
    project: Project, known: dict[int, Any], first: int | None, when: float | None
) -> Any | None:
    """What the machine did (see :mod:`coder.assist.provenance`), as a methodological memo on
    the whole project; None when it did nothing. Its GUID is derived from its text, so the same
    project exports the same note."""
    from types import SimpleNamespace

    from coder.assist.provenance import provenance

    said = provenance(project)
    if said.empty():
        return None
    text = "\n".join(said.lines("en") + [""] + said.lines("zh"))
    mine = next((cid for cid, (_x, name) in known.items() if name == project.coder), None)
    author = mine if mine is not None else first
    if author is None:  # nobody has written anything: no note has an author to name
        return None
    stamp = when or time.time()
    return SimpleNamespace(
        guid=derived_guid("provenance", text),
        type="methodological",
        target_type="project",
        target_id=None,
        title="Machine assistance 机器辅助编码",
        text=text,
        coder_id=author,
        created=stamp,
        modified=stamp,
        start=None,
        end=None,
    )


def _source_creators(conn: Any, known: dict[int, Any]) -> tuple[dict[int, int], int | None]:
    """Who brought each source in: the coder of the change that inserted its row (the journal
    names inserted rows by id); and for sources the journal does not name, whoever made the
    project's first change."""
    out: dict[int, int] = {}
    rows = conn.execute(
        select(events.c.coder_id, events.c.payload)
        .where(events.c.state == "done", events.c.payload.like('%"t": "sources"%'))
        .order_by(events.c.id)
    )
    for coder_id, payload in rows:
        if coder_id not in known:
            continue
        for step in json.loads(payload).get("do", []):
            if step.get("op") != "insert" or step.get("t") != "sources":
                continue
            if "range" in step:
                ids: Iterable[int] = range(step["range"][0], step["range"][1] + 1)
            elif step.get("cols") == ["id"]:
                ids = (k[0] for k in step.get("keys", []))
            elif "id" in step.get("cols", []):
                at = step["cols"].index("id")
                ids = (r[at] for r in step.get("rows", []))
            else:
                continue
            for sid in ids:
                out.setdefault(sid, coder_id)
    first = conn.execute(
        select(events.c.coder_id)
        .where(events.c.coder_id.is_not(None))
        .order_by(events.c.id)
        .limit(1)
    ).scalar()
    if first not in known:
        first = min(known) if known else None
    return out, first


def export_qdpx(project: Project, path: str | Path) -> ExportReport:
    """Write the whole project as a REFI-QDA ``.qdpx``: ``project.qde`` and ``sources/``."""
    with no_cycle_collection():
        return _export_qdpx(project, Path(path))


def _export_qdpx(project: Project, path: Path) -> ExportReport:
    data = _Data(project)
    report = ExportReport(path.name, "qdpx", ORIGIN)
    note_files: dict[str, str] = {}

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            with zf.open("project.qde", "w", force_zip64=len(data.codings) > 1_000_000) as fh:
                out = XmlWriter(fh.write)
                _write_project(out, data, report, note_files)
                out.flush()
                report.counts["dropped_characters"] = out.dropped
            with project.read() as conn:
                for row in data.sources:
                    text = conn.execute(
                        select(sources.c.text).where(sources.c.id == row.id)
                    ).scalar_one()
                    zf.writestr(f"sources/{row.guid}.txt", text.encode("utf-8"))
            for guid, text in note_files.items():
                zf.writestr(f"sources/{guid}.txt", text.encode("utf-8"))

    _atomic(path, write)
    lost = [
        "speaker turns (found again on import)",
        "code lineage and the undo history",
        "the label scheme, dictionary and stop words",
    ]
    report.note("REFI-QDA has no place for " + "; ".join(lost))
    _dropped_chars(report)
    return report


def _write_notes(
    out: XmlWriter,
    notes: Sequence[Any],
    coder_guid: dict[int, str],
    source_ids: set[int],
    files: dict[str, str],
) -> None:
    """The memos as ``Note``s. A memo's text is a file ``sources/<GUID>.txt`` named by
    ``plainTextPath`` (QualCoder reads notes only from there); a memo anchored to a passage is
    an annotation as QualCoder writes one: its text in ``PlainTextContent`` and the passage as
    the note's own ``PlainTextSelection`` (the source holds a ``NoteRef`` to it). Every note
    has a name of its own, the memo's title where it is one, and the title in a ``[GT]`` line
    where the name had to differ."""
    taken: set[str] = set()
    out.raw("<Notes>")
    for m in notes:
        user = coder_guid.get(m.coder_id)
        name = base = m.title.strip() or note_name(m)
        n = 2
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        taken.add(name)
        anchored = m.start is not None and m.target_type == "source" and m.target_id in source_ids
        attrs = {
            "guid": m.guid,
            "name": name,
            "plainTextPath": None if anchored else f"internal://{m.guid}.txt",
            "creatingUser": user,
            "creationDateTime": iso(m.created),
            "modifyingUser": user,
            "modifiedDateTime": iso(m.modified),
        }
        out.tag("Note", attrs)
        out.element("Description", note_description(m.type, None if name == m.title else m.title))
        if anchored:
            out.element("PlainTextContent", m.text)
            out.tag(
                "PlainTextSelection",
                {
                    "guid": derived_guid("annotation", m.guid),
                    "startPosition": str(m.start),
                    "endPosition": str(m.end),
                    "creatingUser": user,
                    "creationDateTime": iso(m.created),
                },
                close=True,
            )
        else:
            files[m.guid] = m.text
        out.end("Note")
    out.end("Notes")


def _write_project(
    out: XmlWriter, data: _Data, report: ExportReport, note_files: dict[str, str]
) -> None:
    coding_guid: dict[int, str] = {}
    memo_by_target: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    for m in data.memos:
        memo_by_target[(m.target_type, m.target_id)].append(m.guid)
    code_ids = set(data.code_guid)
    case_guid = {c.id: c.guid for c in data.cases}
    relation_ids = {r.id for r in data.relations}
    source_ids = {s.id for s in data.sources}
    source_user = {s.id: data.source_coder.get(s.id, data.first_coder) for s in data.sources}
    source_user = {sid: cid for sid, cid in source_user.items() if cid is not None}
    used_coders = sorted(  # type: ignore[type-var]
        {c.coder_id for c in data.codings}
        | {m.coder_id for m in data.memos}
        | set(source_user.values()) - {None}
    )

    out.raw(_DECLARATION)
    out.tag(
        "Project",
        {
            "xmlns": PROJECT_NS,
            "xmlns:xsi": _XSI,
            "xsi:schemaLocation": f"{PROJECT_NS} http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd",
            "name": data.title or "coder project",
            "origin": ORIGIN,
            "creationDateTime": iso(data.created),
            "modifiedDateTime": iso(data.last_change or time.time()),
        },
    )
    if used_coders:
        out.raw("<Users>")
        for cid in used_coders:
            guid, name = data.coders[cid]
            out.tag("User", {"guid": guid, "name": name}, close=True)
        out.end("Users")
    report.counts["users"] = len(used_coders)

    if data.codes:
        code_notes = {
            cid: memo_by_target[("code", cid)]
            for cid in code_ids
            if ("code", cid) in memo_by_target
        }
        out.raw("<CodeBook>")
        _write_codes(out, data.codes, code_notes)
        out.end("CodeBook")
    report.counts["codes"] = len(data.codes)

    # Variables: one per attribute name, of cases and sources alike.
    names = sorted(
        {n for attrs in data.case_attrs.values() for n, _x in attrs}
        | {n for attrs in data.source_attrs.values() for n, _x in attrs}
    )
    variable = {n: derived_guid("variable", n) for n in names}
    if names:
        out.raw("<Variables>")
        for n in names:
            out.tag(
                "Variable", {"guid": variable[n], "name": n, "typeOfVariable": "Text"}, close=True
            )
        out.end("Variables")
    report.counts["variables"] = len(names)

    def values(attrs: Iterable[tuple[str, str]]) -> None:
        for n, v in attrs:
            out.raw("<VariableValue>")
            out.tag("VariableRef", {"targetGUID": variable[n]}, close=True)
            out.element("TextValue", v)
            out.end("VariableValue")

    if data.cases:
        in_case: dict[int, list[str]] = defaultdict(list)
        for s in data.sources:
            if s.case_id is not None:
                in_case[s.case_id].append(s.guid)
        out.raw("<Cases>")
        for c in data.cases:
            out.tag("Case", {"guid": c.guid, "name": c.name})
            if c.description:
                out.element("Description", c.description)
            values(data.case_attrs.get(c.id, ()))
            for guid in in_case.get(c.id, ()):
                out.tag("SourceRef", {"targetGUID": guid}, close=True)
            out.end("Case")
        out.end("Cases")
    report.counts["cases"] = len(data.cases)

    by_source = {sid: list(rows) for sid, rows in groupby(data.codings, key=lambda r: r[0])}
    coder_guid = {cid: g for cid, (g, _x) in data.coders.items()}
    n_sel = 0
    if data.sources:
        out.raw("<Sources>")
        for s in data.sources:
            n_sel += _write_source(
                out,
                s,
                by_source.get(s.id, []),
                data,
                coder_guid,
                memo_by_target,
                coding_guid,
                values,
                coder_guid.get(source_user.get(s.id, -1)),
            )
        out.end("Sources")
    report.counts.update(sources=len(data.sources), selections=n_sel, codings=len(data.codings))

    attached = {("project", None)} | {("code", i) for i in code_ids}
    attached |= {("source", i) for i in source_ids} | {("relation", i) for i in relation_ids}
    attached |= {("coding", i) for i in coding_guid} | {("case", i) for i in case_guid}
    loose = [m for m in data.memos if (m.target_type, m.target_id) not in attached]
    if data.memos:
        _write_notes(out, data.memos, coder_guid, source_ids, note_files)
    report.counts["notes"] = len(data.memos)
    if loose:
        lost = many(len(loose), N_("{n} memo"), N_("{n} memos"))
        report.drop(
            Msg("{memos} on objects that no longer exist", memos=lost),
            Msg("exported as notes about the whole project"),
            len(loose),
        )

    links = 0
    case_memos = [m for m in data.memos if m.target_type == "case" and m.target_id in case_guid]
    if data.relations or case_memos:
        out.raw("<Links>")
        for r in data.relations:
            name = f"{r.type}: {escape(r.description)}" if r.description else r.type
            out.tag(
                "Link",
                {
                    "guid": r.guid,
                    "name": name,
                    "direction": "OneWay",
                    "originGUID": data.code_guid[r.from_id],
                    "targetGUID": data.code_guid[r.to_id],
                },
            )
            for guid in memo_by_target.get(("relation", r.id), ()):
                out.tag("NoteRef", {"targetGUID": guid}, close=True)
            out.end("Link")
            links += 1
        rel_guid = {r.id: r.guid for r in data.relations}
        for ev in data.evidence:
            origin = coding_guid.get(ev.coding_id)
            if origin is None:
                continue
            out.tag(
                "Link",
                {
                    "guid": derived_guid("evidence", rel_guid[ev.relation_id], origin),
                    "name": "evidence",
                    "direction": "OneWay",
                    "originGUID": origin,
                    "targetGUID": rel_guid[ev.relation_id],
                },
                close=True,
            )
            links += 1
        for m in case_memos:
            out.tag(
                "Link",
                {
                    "guid": derived_guid("memo-link", m.guid),
                    "name": "memo",
                    "direction": "OneWay",
                    "originGUID": m.guid,
                    "targetGUID": case_guid[m.target_id],
                },
                close=True,
            )
            links += 1
        out.end("Links")
    report.counts.update(relations=len(data.relations), links=links)

    report.counts["sets"] = _write_sets(out, data.codes, "targetGUID", data.project)
    if data.codes:
        write_graph(out, data.codes, data.relations)

    for guid in memo_by_target.get(("project", None), []):
        out.tag("NoteRef", {"targetGUID": guid}, close=True)
    for m in loose:
        out.tag("NoteRef", {"targetGUID": m.guid}, close=True)
    out.end("Project")


def _write_source(
    out: XmlWriter,
    s: Any,
    rows: list[Any],
    data: _Data,
    coder_guid: dict[int, str],
    memo_by_target: dict[tuple[str, int | None], list[str]],
    coding_guid: dict[int, str],
    values: Callable[[Iterable[tuple[str, str]]], None],
    user: str | None,
) -> int:
    """One ``TextSource`` with one selection per coding (NVivo's shape: every reader then
    takes each coding with its own coder); returns how many selections it has."""
    out.tag(
        "TextSource",
        {
            "guid": s.guid,
            "name": s.name,
            "plainTextPath": f"internal://{s.guid}.txt",
            "creatingUser": user,
            "creationDateTime": iso(s.imported),
        },
    )
    meta = [
        ("original_name", s.original_name),
        ("format", s.format),
        ("encoding", s.encoding),
        ("language", s.language),
        ("sha256", s.sha256),
    ]
    out.element("Description", "\n".join(f"[GT] {k}: {escape(v)}" for k, v in meta if v))
    src = s.guid
    code_guid = data.code_guid
    for _x, start, end, memo, code_id, coder_id, created, coding_id in rows:
        cg, ug = code_guid[code_id], coder_guid[coder_id]
        where = (src, str(start), str(end), cg, ug)
        guid = derived_guid("coding", *where)
        coding_guid[coding_id] = guid
        when = iso(created)
        out.raw(
            f'<PlainTextSelection guid="{derived_guid("selection", *where)}" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{ug}" '
            f'creationDateTime="{when}">'
        )
        if memo:
            out.element("Description", memo)
        out.raw(
            f'<Coding guid="{guid}" creatingUser="{ug}" creationDateTime="{when}">'
            f'<CodeRef targetGUID="{cg}"/>'
        )
        for note in memo_by_target.get(("coding", coding_id), ()):
            out.tag("NoteRef", {"targetGUID": note}, close=True)
        out.raw("</Coding></PlainTextSelection>")
    for note in memo_by_target.get(("source", s.id), ()):
        out.tag("NoteRef", {"targetGUID": note}, close=True)
    values(data.source_attrs.get(s.id, ()))
    out.end("TextSource")
    return len(rows)
