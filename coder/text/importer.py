"""Importing files and folders into a project: the one routine the CLI and the TUI share.

Each file is read whole or not at all: a file that cannot be read (empty, binary, undecodable,
malformed), or whose name or content is already in the project, is reported and skipped. The
files that read cleanly are written together as one undoable event ("import N sources"); a very
large import is written in several events of at most ``BATCH_CHARS`` characters, so memory stays
bounded.

Formats that carry several sources and their codings in one file (MAXQDA structured text) belong
to the exchange layer, above this one: the caller passes them in as ``structured`` (the CLI passes
:data:`coder.exchange.maxqda.STRUCTURED_TEXT`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from coder.errors import CoderError, InvalidInput
from coder.i18n import _
from coder.model import SourceDraft
from coder.text.readers import collect, read_file
from coder.text.speakers import TurnRule

if TYPE_CHECKING:
    from coder.project import Project


BATCH_CHARS = 20_000_000


class StructuredImport(Protocol):
    """What a structured file brought: its sources, and one line that says so."""

    drafts: list[SourceDraft]

    def line(self) -> str: ...


@dataclass(frozen=True)
class StructuredFormat:
    """A file format with several sources (and their codings) in one file: ``detect(path)`` says
    whether a file is one; ``load(project, path, encoding=, rule=)`` imports it as one event."""

    detect: Callable[[Path], bool]
    load: Callable[..., Any]


@dataclass
class ImportReport:
    imported: list[SourceDraft] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What a file brought beside its sources (MAXQDA structured text: its codings)."""
    files: int = 0


def import_paths(
    project: Project,
    paths: list[Path],
    *,
    encoding: str | None = None,
    on_file: Callable[[Path, SourceDraft | None, str | None], None] | None = None,
    speakers: Sequence[str] | None = None,
    structured: Sequence[StructuredFormat] = (),
) -> ImportReport:
    """Import files and folders (recursively). ``on_file(path, draft, error)`` reports progress;
    ``speakers`` are exactly the speaker labels of these files (else they are inferred, see
    coder.text.speakers); a file one of the ``structured`` formats detects is imported by it."""
    files = collect(paths)
    report = ImportReport(files=len(files))
    if not files:
        raise InvalidInput(
            _(
                "no importable files (.txt .md .docx .srt .vtt .pdf) in {map}; nothing was imported"
            ).format(map=", ".join(map(str, paths)))
        )
    rule = TurnRule.for_project(project, explicit=speakers)
    known = project.sources()
    names = {s.name for s in known}
    hashes = {s.sha256 for s in known}
    pending: list[SourceDraft] = []
    size = 0

    def flush() -> None:
        nonlocal pending, size
        if pending:
            summary = (
                f"import {pending[0].name}"
                if len(pending) == 1
                else f"import {len(pending)} sources"
            )
            project.add_sources(pending, summary=summary)
            report.imported.extend(pending)
        pending, size = [], 0

    for path in files:
        fmt = next((f for f in structured if f.detect(path)), None)
        if fmt is not None:
            # Several sources and their codings in one file, in one event of its own
            flush()
            try:
                done: StructuredImport = fmt.load(project, path, encoding=encoding, rule=rule)
            except CoderError as exc:
                report.failed.append((path, str(exc)))
                if on_file:
                    on_file(path, None, str(exc))
                continue
            names.update(d.name for d in done.drafts)
            hashes.update(d.sha256 for d in done.drafts)
            report.imported.extend(done.drafts)
            report.notes.append(done.line())
            if on_file:
                on_file(path, done.drafts[0], None)
            continue
        try:
            draft = read_file(path, encoding=encoding, rule=rule)
            if draft.name in names:
                raise InvalidInput(
                    _(
                        "{name}: a source named {name2!r} exists already; this file was skipped"
                    ).format(name=path.name, name2=draft.name)
                )
            if draft.sha256 in hashes:
                raise InvalidInput(
                    _("{name}: the same file was imported before; this file was skipped").format(
                        name=path.name
                    )
                )
        except CoderError as exc:
            report.failed.append((path, str(exc)))
            if on_file:
                on_file(path, None, str(exc))
            continue
        names.add(draft.name)
        hashes.add(draft.sha256)
        report.warnings.extend(draft.warnings)
        pending.append(draft)
        size += len(draft.text)
        if on_file:
            on_file(path, draft, None)
        if size >= BATCH_CHARS:
            flush()
    flush()
    return report
