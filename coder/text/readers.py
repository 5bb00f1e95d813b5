"""Readers: a file on disk becomes a SourceDraft (normalised text, structure, provenance)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import SourceDraft, Turn
from coder.text.nlp import detect_language
from coder.text.normalise import decode, normalise
from coder.text.speakers import DEFAULT_RULE, TurnRule
from coder.text.structure import structure

#: Largest file a reader accepts; bigger files are refused with a message, not read half-way.
MAX_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUFFIXES = TEXT_SUFFIXES | {".docx", ".srt", ".vtt", ".pdf"}
#: Limits on what a .docx may unpack to (a Word transcript is a few MB at most).
DOCX_MAX_UNPACKED = 200 * 1024 * 1024
DOCX_MAX_ENTRIES = 5000


def read_text_file(
    path: Path, *, encoding: str | None = None, rule: TurnRule = DEFAULT_RULE
) -> SourceDraft:
    """Read a plain-text or Markdown transcript."""
    data = _read_bytes(path)
    raw, used = decode(data, encoding, name=path.name)
    return _draft(path, data, raw, used, rule=rule)


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput(
            _(
                "{name}: {size} MB is over the {MAX_BYTES} MB limit for one source (split it into interviews); nothing was imported"
            ).format(
                name=path.name, size=size // (1024 * 1024), MAX_BYTES=MAX_BYTES // (1024 * 1024)
            )
        )
    data = path.read_bytes()
    if not data.strip():
        raise InvalidInput(
            _("{name}: the file is empty; nothing was imported").format(name=path.name)
        )
    return data


def _draft(
    path: Path,
    data: bytes,
    text: str,
    encoding: str,
    warnings: list[str] | None = None,
    rule: TurnRule = DEFAULT_RULE,
) -> SourceDraft:
    """Normalise, find structure, and wrap up as a draft."""
    parts = structure(normalise(text), name=path.name, rule=rule)
    if not parts.body.strip():
        raise InvalidInput(
            _("{name}: no text in the file; nothing was imported").format(name=path.name)
        )
    media = parts.attributes.get("media", "").strip()
    if media and not Path(media).expanduser().is_absolute():
        # A recording named in the front matter lies beside the transcript.
        parts.attributes["media"] = str((path.parent / media).resolve())
    return SourceDraft(
        name=path.stem,
        text=parts.body,
        original_name=path.name,
        encoding=encoding,
        format=path.suffix.lower().lstrip(".") or "txt",
        sha256=hashlib.sha256(data).hexdigest(),
        language=detect_language(parts.body),
        attributes=parts.attributes,
        case=parts.case,
        case_attributes=parts.case_attributes,
        turns=parts.turns,
        warnings=warnings or [],
    )


def read_docx(path: Path, *, rule: TurnRule = DEFAULT_RULE) -> SourceDraft:
    """A Word file: paragraphs and tables in document order (a table row becomes a line with its
    cells separated by tabs)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml import etree

    data = _read_bytes(path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InvalidInput(
            _(
                "{name}: not a Word .docx file (it is not a zip archive); nothing was imported"
            ).format(name=path.name)
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        unpacked = sum(i.file_size for i in infos)
    if len(infos) > DOCX_MAX_ENTRIES or unpacked > DOCX_MAX_UNPACKED:
        raise InvalidInput(
            _(
                "{name}: the .docx would unpack to {unpacked} MB in {n_infos} parts (a zip bomb?); nothing was imported"
            ).format(name=path.name, unpacked=unpacked // (1024 * 1024), n_infos=len(infos))
        )
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                for row in Table(child, document).rows:
                    lines.append("\t".join(cell.text.replace("\n", " ") for cell in row.cells))
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        etree.LxmlError,
        AttributeError,
        TypeError,
        IndexError,
    ) as exc:
        # A broken package or broken XML inside it (lxml refuses over-deep nesting too).
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidInput(
            _("{name}: not a readable .docx file ({reason}); nothing was imported").format(
                name=path.name, reason=reason
            )
        ) from None
    return _draft(path, data, "\n".join(lines) + "\n", "docx", rule=rule)


def read_subtitles(
    path: Path, *, encoding: str | None = None, rule: TurnRule = DEFAULT_RULE
) -> SourceDraft:
    """.srt or .vtt: each cue becomes a turn, its start time kept; a speaker comes from a WebVTT
    voice tag or a leading speaker label in the cue (``说话人1：``; ``rule`` decides which labels
    are speakers, over all the cues)."""
    import webvtt
    from webvtt.errors import MalformedFileError

    data = _read_bytes(path)
    raw, used = decode(data, encoding, name=path.name)
    text = normalise(raw)
    fmt = path.suffix.lower().lstrip(".")
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=fmt).captions
    except (MalformedFileError, ValueError, IndexError) as exc:
        raise InvalidInput(
            _("{name}: not a valid {fmt} subtitle file ({exc}); nothing was imported").format(
                name=path.name, fmt=fmt, exc=exc
            )
        ) from None
    if not captions:
        raise InvalidInput(
            _("{name}: no subtitle cues in the file; nothing was imported").format(name=path.name)
        )
    lines = [cue.text.strip().replace("\n", " ") for cue in captions]
    # Which labels name speakers is decided over all the cues, as for any transcript.
    speakers = rule.speakers("\n".join(lines))
    body: list[str] = []
    turns: list[Turn] = []
    pos = 0
    for i, (cue, line) in enumerate(zip(captions, lines, strict=True)):
        speaker = getattr(cue, "voice", None) or ""
        start = pos
        found = None if speaker else rule.label(line, speakers)
        if found:
            speaker, words, _x = found
            start = pos + words
        elif speaker:
            line = f"{speaker}：{line}"
            start = pos + len(speaker) + 1
        body.append(line)
        stamp = cue.start.split(".")[0]
        turns.append(Turn(i, start, pos + len(line), speaker, stamp))
        pos += len(line) + 1
    joined = "\n".join(body) + "\n"
    return SourceDraft(
        name=path.stem,
        text=joined,
        original_name=path.name,
        encoding=used,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        language=detect_language(joined),
        turns=turns,
    )


def read_pdf(path: Path, *, rule: TurnRule = DEFAULT_RULE) -> SourceDraft:
    """The text layer of a PDF (pypdf). Layout is lost: say so."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = _read_bytes(path)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise InvalidInput(
            _("{name}: not a readable PDF ({exc}); nothing was imported").format(
                name=path.name, exc=exc
            )
        ) from None
    if not any(p.strip() for p in pages):
        raise InvalidInput(
            _("{name}: the PDF has no text layer (a scan?); nothing was imported").format(
                name=path.name
            )
        )
    warning = f"{path.name}: PDF text imported; layout (columns, headers, tables) is lost — check the text"
    return _draft(path, data, "\n".join(pages), "pdf", [warning], rule=rule)


def read_file(
    path: Path, *, encoding: str | None = None, rule: TurnRule = DEFAULT_RULE
) -> SourceDraft:
    """Read any supported source file by its suffix; ``rule`` finds its speaker turns."""
    if not path.exists():
        raise InvalidInput(_("{path}: no such file; nothing was imported").format(path=path))
    if path.is_dir():
        raise InvalidInput(_("{path}: is a folder; nothing was imported").format(path=path))
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_text_file(path, encoding=encoding, rule=rule)
    if suffix == ".docx":
        return read_docx(path, rule=rule)
    if suffix in (".srt", ".vtt"):
        return read_subtitles(path, encoding=encoding, rule=rule)
    if suffix == ".pdf":
        return read_pdf(path, rule=rule)
    raise InvalidInput(
        _(
            "{name}: {suffix_or_no_suffix} files cannot be imported (supported: {sorted}); nothing was imported"
        ).format(
            name=path.name,
            suffix_or_no_suffix=suffix or "no suffix",
            sorted=", ".join(sorted(SUFFIXES)),
        )
    )


def collect(paths: list[Path]) -> list[Path]:
    """Files to import: the given files, and the supported files in given folders (recursively)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith(".")
                )
            )
        else:
            out.append(p)
    return out
