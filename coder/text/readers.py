"""Readers: a file on disk becomes a SourceDraft (normalised text, structure, provenance)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from coder.errors import InvalidInput
from coder.model import SourceDraft
from coder.text.normalise import decode, normalise
from coder.text.structure import structure

#: Largest file a reader accepts; bigger files are refused with a message, not read half-way.
MAX_BYTES = 200 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def read_text_file(path: Path, *, encoding: str | None = None) -> SourceDraft:
    """Read a plain-text or Markdown transcript."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput(
            f"{path.name}: {size // (1024 * 1024)} MB is over the {MAX_BYTES // (1024 * 1024)} MB limit; nothing was imported"
        )
    data = path.read_bytes()
    if not data.strip():
        raise InvalidInput(f"{path.name}: the file is empty; nothing was imported")
    raw, used = decode(data, encoding, name=path.name)
    text = normalise(raw)
    parts = structure(text, name=path.name)
    if not parts.body.strip():
        raise InvalidInput(f"{path.name}: no text after the front matter; nothing was imported")
    return SourceDraft(
        name=path.stem,
        text=parts.body,
        original_name=path.name,
        encoding=used,
        format=path.suffix.lower().lstrip(".") or "txt",
        sha256=hashlib.sha256(data).hexdigest(),
        attributes=parts.attributes,
        case=parts.case,
        case_attributes=parts.case_attributes,
        turns=parts.turns,
    )


def read_file(path: Path, *, encoding: str | None = None) -> SourceDraft:
    """Read any supported source file by its suffix."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file; nothing was imported")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_text_file(path, encoding=encoding)
    raise InvalidInput(
        f"{path.name}: {suffix or 'no suffix'} files cannot be imported yet (supported: .txt, .md); nothing was imported"
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
                    if f.is_file()
                    and f.suffix.lower() in TEXT_SUFFIXES
                    and not f.name.startswith(".")
                )
            )
        else:
            out.append(p)
    return out
