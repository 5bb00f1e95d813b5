"""Reading untrusted REFI-QDA files safely, and writing XML that other programs can read.

A ``.qdpx`` from a colleague is untrusted input. Before anything is imported:

* The archive's central directory is checked: too many entries, a declared total size or an
  entry compressed beyond :data:`MAX_RATIO` to one (a zip bomb), entry names that would leave the
  archive's folder (``../``, absolute paths, drive letters), symbolic links and encrypted entries
  are refused. Entries are then read in chunks and never past their declared size.
* XML is parsed with lxml without entities, DTDs or network access (``resolve_entities=False,
  no_network=True, dtd_validation=False, load_dtd=False, huge_tree=False``); a document whose
  prolog holds a ``<!DOCTYPE`` (the carrier of entity expansion and external entities) is refused
  before the parser sees it.

Every refusal is one :class:`~coder.errors.InvalidInput` line that ends "nothing was imported".
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from coder.errors import InvalidInput
from coder.i18n import _

MAX_ENTRIES = 50_000
MAX_TOTAL = 2 * 1024**3
"""Declared uncompressed size of all entries together."""
MAX_XML = 1024**3
"""Largest ``.qde`` or ``.qdc``."""
MAX_SOURCE = 2**31 - 1
"""Largest internal source file (spec §8.5)."""
MAX_RATIO = 200
"""Entries over :data:`RATIO_FLOOR` bytes compressed more than this are taken for a zip bomb."""
RATIO_FLOOR = 1024**2
_CHUNK = 1024**2

PARSE_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "dtd_validation": False,
    "load_dtd": False,
    "huge_tree": False,
}


def refuse(name: str, what: str) -> InvalidInput:
    # Parser messages can hold line breaks; the user gets one line.
    return InvalidInput(
        _("{name}: {what}; nothing was imported").format(name=name, what=" ".join(what.split()))
    )


# -- XML in ------------------------------------------------------------------------------------

_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


def check_prolog(data: bytes, name: str) -> None:
    """Refuse a document type declaration (and with it every entity) before parsing."""
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    pos = 0
    while True:
        m = _PROLOG_ITEM.match(head, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    if head[pos : pos + 9].upper() == b"<!DOCTYPE" or b"<!ENTITY" in data:
        raise refuse(
            name,
            _(
                "the XML declares a DOCTYPE or entities, which REFI-QDA files never need (refused: entity expansion and external entities are an attack)"
            ),
        )


def iter_elements(data: bytes, name: str, tags: Iterable[str]) -> Iterator[Any]:
    """The elements named ``tags`` (in any namespace or none), each as it ends, from a safe,
    streaming parse of ``data``. lxml filters the names, so other elements cost no Python."""
    check_prolog(data, name)
    context = etree.iterparse(
        BytesIO(data),
        events=("end",),
        tag=[f"{{*}}{t}" for t in tags],
        remove_comments=True,
        remove_pis=True,
        **PARSE_OPTIONS,
    )
    try:
        for _x, el in context:
            yield el
    except etree.XMLSyntaxError as exc:
        raise refuse(name, _("not well-formed XML ({msg})").format(msg=exc.msg)) from None
    docinfo = context.root.getroottree().docinfo if context.root is not None else None
    if docinfo is not None and (docinfo.doctype or docinfo.internalDTD is not None):
        raise refuse(name, _("the XML declares a DOCTYPE"))


_LOCAL: dict[Any, str] = {}


def local(tag: Any) -> str:
    """An element's name without its namespace (REFI files come with namespace variants)."""
    try:
        return _LOCAL[tag]
    except KeyError:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if isinstance(tag, str) and len(_LOCAL) < 10_000:
            _LOCAL[tag] = name
        return name


def namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def read_limited(path: Path, limit: int) -> bytes:
    """A whole file, refused when it is larger than ``limit`` bytes."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InvalidInput(
            _("{path}: no such file; nothing was imported").format(path=path)
        ) from None
    if size > limit:
        raise refuse(
            path.name,
            _("{size} MB is over the {limit} MB limit").format(
                size=size // 1024**2, limit=limit // 1024**2
            ),
        )
    return path.read_bytes()


# -- zip archives ------------------------------------------------------------------------------


class Archive:
    """A ``.qdpx`` opened for reading, after its directory passed every check."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        if not path.exists():
            raise InvalidInput(_("{path}: no such file; nothing was imported").format(path=path))
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise refuse(
                self.name, _("not a zip archive, which a .qdpx is ({exc})").format(exc=exc)
            ) from None
        try:
            self.members = self._check(self._zip.infolist())
        except BaseException:
            self._zip.close()
            raise

    def _check(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        if len(infos) > MAX_ENTRIES:
            raise refuse(
                self.name,
                _("{n_infos} entries, over the limit of {MAX_ENTRIES}").format(
                    n_infos=len(infos), MAX_ENTRIES=MAX_ENTRIES
                ),
            )
        total = 0
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            entry = info.filename
            clean = entry.replace("\\", "/")
            parts = PurePosixPath(clean).parts
            if (
                clean.startswith("/")
                or re.match(r"^[A-Za-z]:", clean)
                or ".." in parts
                or "\x00" in clean
            ):
                raise refuse(
                    self.name,
                    _("the entry {entry!r} points outside the archive").format(entry=entry),
                )
            if stat.S_ISLNK(info.external_attr >> 16):
                raise refuse(
                    self.name, _("the entry {entry!r} is a symbolic link").format(entry=entry)
                )
            if info.flag_bits & 0x1:
                raise refuse(self.name, _("the entry {entry!r} is encrypted").format(entry=entry))
            if info.file_size > MAX_SOURCE:
                raise refuse(
                    self.name,
                    _("the entry {entry!r} declares {file_size:,} bytes").format(
                        entry=entry, file_size=info.file_size
                    ),
                )
            total += info.file_size
            if total > MAX_TOTAL:
                raise refuse(
                    self.name,
                    _("the entries expand to more than {MAX_TOTAL} GB (a zip bomb?)").format(
                        MAX_TOTAL=MAX_TOTAL // 1024**3
                    ),
                )
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                raise refuse(
                    self.name,
                    _("the entry {entry!r} is compressed {ratio:,} to 1 (a zip bomb?)").format(
                        entry=entry, ratio=ratio
                    ),
                )
            if not info.is_dir():
                members[clean.lower()] = info
        return members

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def project_entry(self) -> zipfile.ZipInfo:
        """The one ``*.qde`` (any name and case; at the root if there are several levels)."""
        qdes = [info for key, info in self.members.items() if key.endswith(".qde")]
        top = [info for info in qdes if "/" not in info.filename.replace("\\", "/")]
        found = top or qdes
        if not found:
            raise refuse(self.name, _("the archive holds no .qde project file"))
        if len(found) > 1:
            names = ", ".join(sorted(i.filename for i in found))
            raise refuse(
                self.name, _("the archive holds several .qde files ({names})").format(names=names)
            )
        return found[0]

    def find(self, ref: str) -> zipfile.ZipInfo | None:
        """The entry an internal path names: ``internal://x.txt``, ``internal:/x.txt`` or just
        ``x.txt``, in ``sources/`` or ``Sources/`` or anywhere (compared without case)."""
        path = re.sub(r"^internal:/*", "", ref.strip(), flags=re.IGNORECASE).replace("\\", "/")
        path = path.lstrip("/").lower()
        if not path or ".." in PurePosixPath(path).parts:
            return None
        for key in (f"sources/{path}", path):
            if key in self.members:
                return self.members[key]
        base = path.rsplit("/", 1)[-1]
        hits = [info for key, info in self.members.items() if key.rsplit("/", 1)[-1] == base]
        return hits[0] if len(hits) == 1 else None

    def read(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        """An entry's bytes, read in chunks and never beyond its declared size or ``limit``."""
        if info.file_size > limit:
            raise refuse(
                self.name,
                _("{filename} holds {file_size:,} bytes, over the limit of {limit:,}").format(
                    filename=info.filename, file_size=info.file_size, limit=limit
                ),
            )
        out = bytearray()
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    out += chunk
                    if len(out) > info.file_size or len(out) > limit:
                        raise refuse(
                            self.name,
                            _("{filename} expands beyond its declared size").format(
                                filename=info.filename
                            ),
                        )
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise refuse(
                self.name,
                _("{filename} cannot be read ({exc})").format(filename=info.filename, exc=exc),
            ) from None
        return bytes(out)


# -- XML out -----------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class XmlWriter:
    """A small, fast streaming XML writer (lxml's tree costs too much for 200,000 selections).

    Characters that XML 1.0 cannot carry at all are left out and counted in ``dropped``.
    """

    def __init__(self, write: Any) -> None:
        self._write = write
        self._buf: list[str] = []
        self._size = 0
        self.dropped = 0

    def clean(self, s: str) -> str:
        if _NOT_XML.search(s):
            out = _NOT_XML.sub("", s)
            self.dropped += len(s) - len(out)
            return out
        return s

    def attr(self, s: str) -> str:
        """``s`` as an attribute value: escaped as text, then the quote and the whitespace an
        XML parser would otherwise normalise to spaces."""
        s = self.text(s)
        if '"' in s:
            s = s.replace('"', "&quot;")
        if "\n" in s or "\t" in s:
            s = s.replace("\n", "&#10;").replace("\t", "&#9;")
        return s

    def text(self, s: str) -> str:
        s = self.clean(s)
        if "&" in s:
            s = s.replace("&", "&amp;")
        if "<" in s:
            s = s.replace("<", "&lt;")
        if ">" in s:
            s = s.replace(">", "&gt;")
        if "\r" in s:
            s = s.replace("\r", "&#13;")
        return s

    def raw(self, s: str) -> None:
        """Write markup that is already escaped."""
        self._buf.append(s)
        self._size += len(s)
        if self._size > 262_144:
            self.flush()

    def tag(self, name: str, attrs: dict[str, str | None], *, close: bool = False) -> None:
        """``<name a="…">`` (``close``: ``<name a="…"/>``); None values are left out."""
        parts = [f"<{name}"]
        for key, value in attrs.items():
            if value is not None:
                parts.append(f' {key}="{self.attr(value)}"')
        parts.append("/>" if close else ">")
        self.raw("".join(parts))

    def end(self, name: str) -> None:
        self.raw(f"</{name}>")

    def element(self, name: str, text: str) -> None:
        self.raw(f"<{name}>{self.text(text)}</{name}>")

    def flush(self) -> None:
        if self._buf:
            self._write("".join(self._buf).encode("utf-8"))
            self._buf.clear()
            self._size = 0
