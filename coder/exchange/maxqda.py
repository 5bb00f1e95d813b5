r"""MAXQDA's structured text (its "preprocessor" format for pre-coded texts), both ways.

The format, as MAXQDA documents it and as this module reads and writes it::

    #TEXT S1-01
    街道干部说：#CODE 基层治理困境\条块分割&&统筹#上面千条线，下面一根针#ENDCODE#。
    #TEXT S1-02
    ...

* A line that starts with ``#TEXT`` (capitals, no space after ``#``) begins a document; the rest
  of that line is its name (a name left empty becomes "FILE 1", "FILE 2", ...). The document's
  text is everything up to the next ``#TEXT`` line, without the line break that ends it.
* ``#CODE codes#`` opens a coded passage and ``#ENDCODE#`` closes it; what lies between is coded
  with every code of the list. Codes are joined by ``&&``; a backslash separates a code from its
  subcode (``parent\child``). MAXQDA's line form (``#CODE codes`` alone on a line, the passage on
  the lines after it, ``#ENDCODE`` without its ``#`` alone on a line) is read too; there the
  marker lines are not part of the text. ``#ENDCODE#`` always ends the passage where it stands,
  so what :func:`export_structured` writes reads back exactly.
* Passages do not nest and cannot cross: a ``#CODE`` inside an open passage, an ``#ENDCODE``
  with none open, or a passage still open at the next ``#TEXT`` or the end is malformed input.

Import (:func:`import_structured`) is all or nothing per file, as one undoable event: the
documents become sources, the codes are matched to the project's codes by path (then by name, when
one code has it) or made (a code with codes under it an axial category, else an open code, never
above the level of an existing parent), and the codings belong to the importing coder, since the
format names none. A file is taken for this format only when its first non-empty line starts with
``#TEXT`` (:func:`is_structured`), so a plain transcript is never misread.

Export (:func:`export_structured`) writes one ``#TEXT`` per source and, since passages cannot
nest or cross, the largest set of codings whose passages do not overlap (passages that touch are
fine; several codes on one passage share one ``#CODE``). The report says how many codings it
left out and why.

Length: reader and writer of one format kept together, so that what
:func:`export_structured` writes is visibly what :func:`import_structured` reads.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from coder.errors import InvalidInput
from coder.facade.codebook import LEVEL_RANK
from coder.facade.codings import coding_keys
from coder.facade.sources import check_drafts
from coder.i18n import _
from coder.model import SourceDraft
from coder.store.schema import code_parents, codes, codings, sources
from coder.text.importer import StructuredFormat
from coder.text.nlp import detect_language
from coder.text.normalise import decode, normalise
from coder.text.speakers import TurnRule
from coder.text.structure import find_turns

if TYPE_CHECKING:
    from coder.project import Project


TEXT_MARK = "#TEXT"
CODE_OPEN = "#CODE"
CODE_CLOSE = "#ENDCODE"
#: MAXQDA shortens code names longer than this.
MAXQDA_NAME_LIMIT = 63
_MARKER = re.compile(r"#CODE|#ENDCODE#?")


def is_structured(path: Path) -> bool:
    """True when the file's first non-empty line starts with ``#TEXT``; only its first bytes are
    read, so a large transcript costs nothing. (UTF-8, GB18030 and Big5 keep ``#TEXT`` as ASCII
    bytes; UTF-16 files say so with their BOM.)"""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("ascii", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.startswith(TEXT_MARK)


# -- reading ----------------------------------------------------------------------------------


@dataclass
class Document:
    name: str
    text: str
    passages: list[tuple[int, int, list[tuple[str, ...]]]] = field(default_factory=list)
    """(start, end, code paths) in the document's text."""


def parse(text: str, name: str) -> list[Document]:
    """Parse normalised structured text into documents; raises InvalidInput if malformed."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # a final line break ends the last line; it does not start an empty one
    heads = [i for i, line in enumerate(lines) if line.startswith(TEXT_MARK)]
    if not heads or any(line.strip() for line in lines[: heads[0]]):
        raise InvalidInput(
            _("{name}: does not start with #TEXT; nothing was imported").format(name=name)
        )
    docs = []
    stem = Path(name).stem
    for n, (a, b) in enumerate(zip(heads, [*heads[1:], len(lines)], strict=True), 1):
        title = " ".join(lines[a][len(TEXT_MARK) :].split()) or f"{stem} {n}"
        body = "\n".join(lines[a + 1 : b])
        docs.append(_parse_body(title, body, a + 2, name))
    return docs


def _parse_body(title: str, body: str, first_line: int, name: str) -> Document:
    out: list[str] = []
    passages: list[tuple[int, int, list[tuple[str, ...]]]] = []
    pos = 0
    size = 0  # characters written to out
    open_at: int | None = None
    open_codes: list[tuple[str, ...]] = []
    line_starts = [0] + [m.end() for m in re.finditer("\n", body)]

    def where(i: int) -> str:
        return f"{name}: line {first_line + bisect.bisect_right(line_starts, i) - 1}"

    for m in _MARKER.finditer(body):
        start, end = m.start(), m.end()
        line_start = body.rfind("\n", 0, start) + 1
        alone = not body[line_start:start].strip()
        if m.group() == CODE_OPEN:
            if open_at is not None:
                raise InvalidInput(
                    _(
                        "{where}: #CODE inside a passage that is still open (the format does not nest passages); nothing was imported"
                    ).format(where=where(start))
                )
            line_end = body.find("\n", end)
            line_end = len(body) if line_end < 0 else line_end
            hash_at = body.find("#", end, line_end)
            if hash_at < 0:  # the line form: the codes run to the end of the line
                spec, after = body[end:line_end], min(line_end + 1, len(body))
                if not alone:
                    raise InvalidInput(
                        _("{where}: #CODE needs '#' after its codes; nothing was imported").format(
                            where=where(start)
                        )
                    )
                cut_from = line_start
            else:
                spec, after, cut_from = body[end:hash_at], hash_at + 1, start
            chunk = body[pos:cut_from]
            out.append(chunk)
            size += len(chunk)
            open_codes = _code_paths(spec, where(start))
            open_at, pos = size, after
        else:
            if open_at is None:
                raise InvalidInput(
                    _("{where}: #ENDCODE without a #CODE before it; nothing was imported").format(
                        where=where(start)
                    )
                )
            line_end = body.find("\n", end)
            line_end = len(body) if line_end < 0 else line_end
            if m.group() == CODE_CLOSE and alone and not body[end:line_end].strip():
                # The line form (``#ENDCODE`` alone on its line, without the closing ``#``): the
                # marker's line goes, and the passage ends before the line break that ends its
                # last line (that line break stays in the text). ``#ENDCODE#`` always closes
                # the passage right where it stands.
                chunk = body[pos : max(pos, line_start)]
                coded = chunk[:-1] if chunk.endswith("\n") else chunk
                passages.append((open_at, size + len(coded), open_codes))
                out.append(chunk)
                size += len(chunk)
                after = min(line_end + 1, len(body))
            else:
                chunk = body[pos:start]
                out.append(chunk)
                size += len(chunk)
                passages.append((open_at, size, open_codes))
                after = end
            open_at, pos = None, after
    if open_at is not None:
        raise InvalidInput(
            _(
                "{name}: document {title!r} ends inside a #CODE passage (no #ENDCODE); nothing was imported"
            ).format(name=name, title=title)
        )
    out.append(body[pos:])
    return Document(title, "".join(out), passages)


def _code_paths(spec: str, where: str) -> list[tuple[str, ...]]:
    paths = []
    for item in spec.split("&&"):
        parts = tuple(" ".join(p.split()) for p in item.split("\\"))
        if not item.strip() or not all(parts):
            raise InvalidInput(
                _("{where}: a code in {strip!r} is empty; nothing was imported").format(
                    where=where, strip=spec.strip()
                )
            )
        paths.append(parts)
    return paths


@dataclass
class StructuredImport:
    """What one structured-text file brought in."""

    file: str
    drafts: list[SourceDraft]
    codings: int = 0
    codes_added: int = 0
    codes_matched: int = 0
    empty: int = 0
    coder: str = ""

    def line(self) -> str:
        extra = (
            _("; {empty} empty passages (no text between #CODE and #ENDCODE) were skipped").format(
                empty=self.empty
            )
            if self.empty
            else ""
        )
        return _(
            "{file}: MAXQDA structured text: {n_drafts} sources, {codings} codings by {coder}, {codes_added} codes added, {codes_matched} matched to the codebook{extra}"
        ).format(
            file=self.file,
            n_drafts=len(self.drafts),
            codings=self.codings,
            coder=self.coder,
            codes_added=self.codes_added,
            codes_matched=self.codes_matched,
            extra=extra,
        )


def import_structured(
    project: Project,
    path: Path,
    *,
    encoding: str | None = None,
    rule: TurnRule | None = None,
) -> StructuredImport:
    """Import one structured-text file as one undoable event (all of it, or nothing)."""
    from coder.text.readers import _read_bytes

    data = _read_bytes(path)
    raw, used = decode(data, encoding, name=path.name)
    docs = parse(normalise(raw), path.name)
    rule = rule or TurnRule.for_project(project)
    drafts = []
    for doc in docs:
        if not doc.text.strip():
            raise InvalidInput(
                _("{name}: document {name2!r} has no text; nothing was imported").format(
                    name=path.name, name2=doc.name
                )
            )
        if normalise(doc.text) != doc.text:
            raise InvalidInput(
                _(
                    "{name}: document {name2!r} is not in Unicode NFC once its markers are taken out; nothing was imported"
                ).format(name=path.name, name2=doc.name)
            )
        drafts.append(
            SourceDraft(
                name=doc.name,
                text=doc.text,
                original_name=path.name,
                encoding=used,
                format="txt",
                sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
                language=detect_language(doc.text[:5000]),
                turns=find_turns(doc.text, rule),
            )
        )
    check_drafts(drafts)
    result = StructuredImport(path.name, drafts, coder=project.coder)
    summary = f"import {path.name} (MAXQDA structured text)"
    with project.change("import-maxqda", summary) as ch:
        known = set(ch.conn.execute(select(sources.c.sha256)).scalars())
        for d in drafts:
            if d.sha256 in known:
                raise InvalidInput(
                    _(
                        "{name}: the text of {name2!r} is in the project already; nothing was imported"
                    ).format(name=path.name, name2=d.name)
                )
        ids = project._insert_sources(ch, drafts)
        paths = {p for doc in docs for _x, _x, ps in doc.passages for p in ps}
        resolve = _CodeResolver(project, ch, result, paths)
        rows = []
        seen = coding_keys(ch.conn, ids)
        now = time.time()
        coder_id = ch.coder_id
        assert coder_id is not None  # a change always knows its coder
        for sid, doc in zip(ids, docs, strict=True):
            for start, end, code_paths in doc.passages:
                if start >= end:
                    result.empty += 1
                    continue
                for p in code_paths:
                    key = (sid, resolve(p), coder_id, start, end)
                    if key not in seen:
                        seen.add(key)
                        rows.append((sid, start, end, key[1], ch.coder_id, "", now))
        rows.sort()
        cols = ["source_id", "start", "end", "code_id", "coder_id", "memo", "created"]
        ch.insert_values(codings, cols, rows)
        result.codings = len(rows)
        ch.summary = (
            f"import {path.name} (MAXQDA structured text): {len(ids)} sources, {len(rows)} codings"
        )
    return result


class _CodeResolver:
    """Code paths to code ids: an existing code by path, else by name (when one code has it),
    else a new code under its path's parent."""

    def __init__(
        self, project: Project, ch: Any, result: StructuredImport, paths: set[tuple[str, ...]]
    ) -> None:
        self.project, self.ch, self.result = project, ch, result
        rows = ch.conn.execute(select(codes.c.id, codes.c.name, codes.c.level)).all()
        self.level = {r.id: r.level for r in rows}
        self.name = {r.id: r.name for r in rows}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for r in rows:
            self.by_name[r.name].append(r.id)
        links = ch.conn.execute(
            select(code_parents.c.child_id, code_parents.c.parent_id, code_parents.c.is_primary)
        ).all()
        primary = {r.child_id: r.parent_id for r in links if r.is_primary}
        self.parents = defaultdict(set)
        for r in links:
            self.parents[r.child_id].add(r.parent_id)
        self.by_path: dict[tuple[str, ...], int] = {}
        for cid in self.name:
            self.by_path.setdefault(self._path_of(cid, primary), cid)
        #: Paths of the file that have codes under them: those become categories.
        self.inner = {p[:k] for p in paths for k in range(1, len(p))}
        self.made: set[int] = set()
        self.matched: set[int] = set()

    def _path_of(self, cid: int, primary: dict[int, int]) -> tuple[str, ...]:
        names, seen = [self.name[cid]], {cid}
        while cid in primary and primary[cid] not in seen:
            cid = primary[cid]
            seen.add(cid)
            names.append(self.name[cid])
        return tuple(reversed(names))

    def __call__(self, path: tuple[str, ...]) -> int:
        cid = self.by_path.get(path)
        if cid is not None:
            self._matched(cid)
            return cid
        parent = self(path[:-1]) if len(path) > 1 else None
        named = self.by_name.get(path[-1], [])
        if len(named) == 1 and named[0] not in self.made:
            cid = named[0]  # the project's code of that name, wherever it sits
            self._matched(cid)
        elif len(named) == 1 or (
            named and self._level(path, parent) in {self.level[c] for c in named}
        ):
            # One code per name and level: a second path of this file to a code it made (or
            # to one of that level) makes the path's parent a second parent, where it may be.
            level = self._level(path, parent)
            cid = next((c for c in named if self.level[c] == level), named[0])
            if cid in self.made:
                self._also_under(cid, parent)
            else:
                self._matched(cid)
        else:
            level = self._level(path, parent)
            cid = self.project._insert_code(self.ch, level, {"name": path[-1]})
            if parent is not None:
                self.project.link_parent(self.ch, cid, parent, primary=True)
                self.parents[cid].add(parent)
            self.level[cid], self.name[cid] = level, path[-1]
            self.by_name[path[-1]].append(cid)
            self.made.add(cid)
            self.result.codes_added += 1
        self.by_path[path] = cid
        return cid

    def _level(self, path: tuple[str, ...], parent: int | None) -> str:
        level = "axial" if path in self.inner else "open"
        if parent is not None and LEVEL_RANK[self.level[parent]] < LEVEL_RANK[level]:
            level = self.level[parent]
        return level

    def _also_under(self, cid: int, parent: int | None) -> None:
        if (
            parent is not None
            and parent != cid
            and parent not in self.parents[cid]
            and LEVEL_RANK[self.level[parent]] >= LEVEL_RANK[self.level[cid]]
        ):
            self.project.link_parent(self.ch, cid, parent, primary=False)
            self.parents[cid].add(parent)

    def _matched(self, cid: int) -> None:
        if cid not in self.made and cid not in self.matched:
            self.matched.add(cid)
            self.result.codes_matched += 1


# -- writing ----------------------------------------------------------------------------------


@dataclass
class StructuredExport:
    file: str
    sources: int = 0
    codings: int = 0
    passages: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    sources_left_out: list[str] = field(default_factory=list)
    long_names: int = 0
    memos: int = 0

    def lines(self) -> list[str]:
        out = [
            f"wrote {self.file}: {self.sources} sources, {self.codings} codings in "
            f"{self.passages} #CODE passages (MAXQDA structured text)"
        ]
        if self.left_out:
            total = sum(self.left_out.values())
            why = "; ".join(f"{n} {reason}" for reason, n in self.left_out.items())
            out.append(f"left out {total} codings: {why}")
        if self.sources_left_out:
            out.append(
                f"left out {len(self.sources_left_out)} sources whose text holds #TEXT, #CODE "
                f"or #ENDCODE, which the format cannot escape: {', '.join(self.sources_left_out)}"
            )
        if self.memos:
            out.append(
                f"note: {self.memos} memos on codings are not in the format (the format has no "
                "place for them; their codings were written where they could be)"
            )
        if self.long_names:
            out.append(
                f"note: {self.long_names} code names are longer than MAXQDA's "
                f"{MAXQDA_NAME_LIMIT} characters; MAXQDA shortens them"
            )
        return out


CROSSING = "overlap or nest in codings that were written (passages cannot cross or nest)"
REPEATED = "repeat the same code on the same passage by another coder (the format names no coder)"
UNWRITABLE = "have a code whose path holds \\, && or # (which the format cannot hold)"
IN_SOURCE_LEFT_OUT = "are in sources that were left out"


def _choose(groups: list[tuple[int, int, int]]) -> set[int]:
    """Weighted interval scheduling: the indexes of non-overlapping (start, end, weight) groups
    with the largest total weight (touching groups do not overlap)."""
    order = sorted(range(len(groups)), key=lambda i: (groups[i][1], groups[i][0]))
    ends = [groups[i][1] for i in order]
    best = [0] * (len(order) + 1)
    take = [False] * len(order)
    for k, i in enumerate(order):
        start, _x, weight = groups[i]
        j = bisect.bisect_right(ends, start, 0, k)  # groups ending at or before this start
        with_it = best[j] + weight
        take[k] = with_it > best[k]
        best[k + 1] = max(best[k], with_it)
    chosen: set[int] = set()
    k = len(order)
    while k > 0:
        if take[k - 1]:
            i = order[k - 1]
            chosen.add(i)
            k = bisect.bisect_right(ends, groups[i][0], 0, k - 1)
        else:
            k -= 1
    return chosen


def write_document(name: str, text: str, passages: list[tuple[int, int, list[str]]]) -> str:
    """One ``#TEXT`` document: ``passages`` are (start, end, code paths joined by ``\\``), none
    overlapping another; what :func:`parse` reads back as the same text and passages."""
    out, pos = [f"{TEXT_MARK} {name}\n"], 0
    for a, b, paths in sorted(passages):
        out += [text[pos:a], f"{CODE_OPEN} {'&&'.join(paths)}#", text[a:b], f"{CODE_CLOSE}#"]
        pos = b
    out += [text[pos:], "\n"]
    return "".join(out)


def export_structured(project: Project, path: Path) -> StructuredExport:
    """Write the project's sources and codings as MAXQDA structured text (UTF-8 with a BOM)."""
    report = StructuredExport(path.name)
    all_codes = project.codes()
    by_id = {c.id: c for c in all_codes}

    def code_path(cid: int) -> list[str]:
        names, seen, c = [], set(), by_id[cid]
        while True:
            names.append(c.name)
            seen.add(c.id)
            if not c.parents or c.parents[0] not in by_id or c.parents[0] in seen:
                break
            c = by_id[c.parents[0]]
        return names[::-1]

    writable = {
        c.id: "\\".join(code_path(c.id))
        for c in all_codes
        if not any(bad in n for n in code_path(c.id) for bad in ("\\", "&&", "#", "\n"))
    }
    report.long_names = sum(len(c.name) > MAXQDA_NAME_LIMIT for c in all_codes)
    drop: dict[str, int] = defaultdict(int)
    parts: list[str] = []
    srcs = project.sources()
    if not srcs:
        raise InvalidInput(
            _("{name}: the project has no sources; nothing was written").format(name=path.name)
        )
    for src in srcs:
        text = project.source_text(src.id)
        segs = project.segments(source=src.id)
        if (
            CODE_OPEN in text
            or CODE_CLOSE in text
            or any(line.startswith(TEXT_MARK) for line in text.split("\n"))
        ):
            report.sources_left_out.append(src.name)
            drop[IN_SOURCE_LEFT_OUT] += len(segs)
            continue
        spans: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
        for seg in segs:
            report.memos += bool(seg.memo)
            if seg.code_id not in writable:
                drop[UNWRITABLE] += 1
                continue
            bucket = spans[(seg.start, seg.end)]
            if seg.code_id in bucket:
                drop[REPEATED] += 1
            bucket[seg.code_id] = bucket.get(seg.code_id, 0) + 1
        keys = list(spans)
        chosen = _choose([(a, b, len(spans[(a, b)])) for a, b in keys])
        drop[CROSSING] += sum(len(spans[k]) for i, k in enumerate(keys) if i not in chosen)
        passages = [(*keys[i], sorted(writable[c] for c in spans[keys[i]])) for i in sorted(chosen)]
        parts.append(write_document(src.name, text, passages))
        report.codings += sum(len(p[2]) for p in passages)
        report.passages += len(passages)
        report.sources += 1
    if not report.sources:
        raise InvalidInput(
            _("{name}: no source can be written in this format; nothing was written").format(
                name=path.name
            )
        )
    report.left_out = {k: v for k, v in drop.items() if v}
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes("".join(parts).encode("utf-8-sig"))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return report


def _is_structured_txt(path: Path) -> bool:
    return path.suffix.lower() == ".txt" and is_structured(path)


#: MAXQDA structured text for :func:`coder.text.importer.import_paths` (``structured=[...]``).
STRUCTURED_TEXT = StructuredFormat(detect=_is_structured_txt, load=import_structured)
