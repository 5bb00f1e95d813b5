"""Importing REFI-QDA codebooks (``.qdc``) and projects (``.qdpx``) into a project.

Everything is read and checked first (archive, XML, source texts); then the whole import is
written as one undoable event. What a file holds that this program cannot keep is named in the
report, with the reason; the rest comes in.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from coder.errors import InvalidInput
from coder.i18n import N_, Msg, Word, _, english, pgettext
from coder.text.normalise import decode
from coder.text.readers import MAX_BYTES
from coder.text.speakers import TurnRule

from .codes import CodeMerger
from .parse import MEDIA_KINDS, FSource, QdaFile, no_cycle_collection, parse
from .positions import TextMap, model_for
from .report import ImportReport, many
from .writer import ProjectWriter
from .xmlsafe import MAX_XML, Archive, read_limited, refuse

if TYPE_CHECKING:
    from coder.project import Project


def _guarded(name: str, exc: Exception) -> InvalidInput:
    return InvalidInput(
        _("{name}: the project refused part of it ({exc}); nothing was imported").format(
            name=name, exc=exc
        )
    )


def _namespace_note(qf: QdaFile, kind: str, report: ImportReport) -> None:
    expected = f"urn:QDA-XML:{kind}:"
    if qf.namespace and not qf.namespace.startswith(expected):
        report.note(f"unexpected XML namespace {qf.namespace!r}; read as REFI-QDA {kind} anyway")


def import_qdc(project: Project, path: str | Path) -> ImportReport:
    """Merge a REFI-QDA codebook into the project by name, as one undoable event."""
    path = Path(path)
    qf = parse(read_limited(path, MAX_XML), path.name, "CodeBook")
    report = ImportReport(path.name, "qdc", qf.origin)
    _namespace_note(qf, "codebook", report)
    if not qf.codes:
        raise refuse(path.name, _("the codebook holds no codes"))
    try:
        with project.change("load-codebook", f"load codebook {path.name}") as ch:
            CodeMerger(ch, report).run(qf.codes, qf.sets)
            c = report.counts
            ch.summary = (
                f"load codebook {path.name}: {c.get('codes_added', 0)} codes added, "
                f"{c.get('codes_updated', 0)} updated"
            )
    except IntegrityError as exc:
        raise _guarded(path.name, exc.orig or exc) from None
    report.event_id = ch.event_id
    return report


def import_qdpx(
    project: Project, path: str | Path, *, speakers: Sequence[str] | None = None
) -> ImportReport:
    """Import a REFI-QDA project (users, codebook, cases and variables, text sources with their
    selections and codings, notes, links) into the project, as one undoable event. The sources'
    speaker turns are found as for any transcript, or from exactly ``speakers``."""
    with no_cycle_collection():
        return _import_qdpx(project, Path(path), speakers)


def _import_qdpx(project: Project, path: Path, speakers: Sequence[str] | None) -> ImportReport:
    with Archive(path) as archive:
        entry = archive.project_entry()
        qf = parse(archive.read(entry, MAX_XML), path.name, "Project")
        model = model_for(qf.origin)
        report = ImportReport(path.name, "qdpx", qf.origin, positions=model.describe())
        _namespace_note(qf, "project", report)
        texts = _read_texts(archive, qf, model, report)
        note_texts = _read_note_texts(archive, qf)
    rule = TurnRule.for_project(project, explicit=speakers)
    try:
        with project.change("import-refi", f"import {path.name}") as ch:
            ProjectWriter(ch, qf, texts, note_texts, rule, report).run()
    except IntegrityError as exc:
        raise _guarded(path.name, exc.orig or exc) from None
    report.event_id = ch.event_id
    return report


# -- reading texts before the write --------------------------------------------------------------


def _vocabulary() -> None:  # pragma: no cover - never called: marks words for the catalogs
    """The media kinds a report's :class:`Word` says ("the audio (…) stays out")."""
    for _word in (
        pgettext("media kind", "picture"),
        pgettext("media kind", "pdf"),
        pgettext("media kind", "audio"),
        pgettext("media kind", "video"),
    ):
        pass


def _counts(src: FSource) -> Msg:
    n_sel = len(src.selections) + src.other_selections
    n_cod = sum(len(s.codings) for s in src.selections) + len(src.codings) + src.other_codings
    selections = many(n_sel, N_("{n} selection"), N_("{n} selections"))
    codings = many(n_cod, N_("{n} coding"), N_("{n} codings"))
    return Msg("{selections}, {codings}", selections=selections, codings=codings)


def _read_texts(
    archive: Archive, qf: QdaFile, model: Any, report: ImportReport
) -> dict[str, TextMap]:
    """The normalised text of each text source that can come in, by source GUID."""
    out: dict[str, TextMap] = {}
    text_paths = {
        s.plain_path.lower() for s in qf.sources if s.kind == "TextSource" and s.plain_path
    }
    for src in qf.sources:
        label = f"{src.kind} {src.name!r}" if src.name else src.kind
        what = Msg("{label} ({counts})", label=label, counts=_counts(src))
        if src.kind in MEDIA_KINDS:
            where: str | Msg = src.media_path or Msg("no path")
            report.drop(
                what,
                Msg(
                    "coder holds text only; the {kind} ({where}) stays out",
                    kind=Word("media kind", src.kind.removesuffix("Source").lower()),
                    where=where,
                ),
                1,
            )
            continue
        if src.kind == "Transcript" and src.plain_path and src.plain_path.lower() in text_paths:
            continue  # the same text is a text source of its own
        raw = None
        if src.plain_path:
            info = archive.find(src.plain_path)
            if info is None:
                if src.content is None:
                    report.drop(
                        what,
                        Msg(
                            "its text file {path} is missing from the archive",
                            path=src.plain_path,
                        ),
                    )
                    continue
            elif info.file_size > MAX_BYTES:
                report.drop(
                    what,
                    Msg(
                        "its text is over the {mb} MB limit for one source",
                        mb=MAX_BYTES // 1024**2,
                    ),
                )
                continue
            else:
                try:
                    with english():  # the reason goes into the report's JSON
                        raw, _enc = decode(archive.read(info, MAX_BYTES), name=info.filename)
                except InvalidInput as exc:
                    report.drop(what, str(exc).split("; nothing")[0])
                    continue
        if raw is None:
            raw = src.content
        if raw is None:
            report.drop(what, Msg("it names no plain text (a rich-text-only source)"))
            continue
        tm = TextMap(raw, model)
        if not tm.text.strip():
            report.drop(what, Msg("its text is empty"))
            continue
        if not tm.exact:
            report.note(f"{src.name}: composed characters make a few positions approximate")
        out[src.guid] = tm
    return out


def _read_note_texts(archive: Archive, qf: QdaFile) -> dict[str, str]:
    out = {}
    for note in qf.notes:
        if note.content is None and note.plain_path:
            info = archive.find(note.plain_path)
            if info is not None and info.file_size <= MAX_BYTES:
                try:
                    out[note.guid] = decode(archive.read(info, MAX_BYTES))[0]
                except InvalidInput:
                    continue
    return out
