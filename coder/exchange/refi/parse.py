"""Reading a ``.qde`` or ``.qdc`` into plain records, before anything touches the project.

The parse streams (lxml ``iterparse``): each top-level part and each source is turned into records
when its element ends, and the element is freed. Names are matched without their namespace, so
``urn:QDA-XML:project:1.0``, ``…:1:0``, ``…:0:4`` and files without a namespace all read the same.
GUIDs are stored lower case without braces; an object whose GUID is not a GUID gets one derived
from what the file wrote, so references to it still resolve.

Length: one streaming parser for both REFI documents (.qde and .qdc); each part's
reader is a short function, and they share the namespace-free matching and GUID repair.
"""

from __future__ import annotations

import gc
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from coder.i18n import _

from .convention import derived_guid, norm_guid
from .xmlsafe import iter_elements, local, namespace, refuse

TEXT_KINDS = ("TextSource",)
MEDIA_KINDS = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
_OTHER_SELECTIONS = (
    "PictureSelection",
    "PDFSelection",
    "AudioSelection",
    "VideoSelection",
    "TranscriptSelection",
)


_HEX = frozenset("0123456789abcdef")


def gid(raw: str | None) -> str:
    """The stored form of a GUID the file wrote (derived when it is not a GUID)."""
    if not raw:
        return str(uuid.uuid4())
    if len(raw) == 36 and raw[8] == raw[13] == raw[18] == raw[23] == "-":
        low = raw.lower()
        if _HEX.issuperset(low.replace("-", "")):
            return low
    return norm_guid(raw) or derived_guid("foreign", raw.strip())


_REFS: dict[str, str] = {}


def ref(raw: str | None) -> str | None:
    """Like :func:`gid` for references, which repeat (codes, users): remembered."""
    if not raw:
        return None
    found = _REFS.get(raw)
    if found is None:
        found = gid(raw)
        if len(_REFS) < 100_000:
            _REFS[raw] = found
    return found


@dataclass
class FCode:
    guid: str
    name: str
    colour: str | None
    codable: bool
    parent: str | None
    depth: int
    description: str = ""
    notes: list[str] = field(default_factory=list)
    children: int = 0


@dataclass(slots=True)
class FCoding:
    guid: str
    code: str | None
    user: str | None
    created: str | None
    notes: list[str]


@dataclass(slots=True)
class FSelection:
    guid: str
    start: int | None
    end: int | None
    description: str
    codings: list[FCoding]
    notes: list[str]
    user: str | None
    created: str | None


@dataclass
class FSource:
    kind: str
    """TextSource, a media kind, or "Representation"/"Transcript" (the text of a PDF or a
    recording)."""
    guid: str
    name: str
    plain_path: str | None = None
    rich_path: str | None = None
    media_path: str | None = None
    content: str | None = None
    description: str = ""
    selections: list[FSelection] = field(default_factory=list)
    codings: list[FCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: list[tuple[str | None, str]] = field(default_factory=list)
    user: str | None = None
    created: str | None = None
    other_selections: int = 0
    other_codings: int = 0


@dataclass
class FNote:
    guid: str
    name: str
    description: str
    content: str | None
    plain_path: str | None
    user: str | None
    created: str | None
    modified: str | None
    selections: list[FSelection] = field(default_factory=list)
    """The passage(s) an annotation is about (QualCoder writes one inside the note)."""


@dataclass
class FLink:
    guid: str
    name: str
    direction: str
    origin: str | None
    target: str | None
    notes: list[str]


@dataclass
class FSet:
    guid: str
    name: str
    description: str
    codes: list[str]
    sources: list[str]
    notes: list[str]


@dataclass
class FCase:
    guid: str
    name: str
    description: str
    codes: list[str]
    values: list[tuple[str | None, str]]
    sources: list[str]
    selections: list[str]


@dataclass
class QdaFile:
    """Everything a ``.qde`` (or a ``.qdc``) holds, as plain records."""

    root: str
    namespace: str
    name: str = ""
    origin: str = ""
    creating_user: str | None = None
    description: str = ""
    users: list[tuple[str, str | None]] = field(default_factory=list)
    codes: list[FCode] = field(default_factory=list)
    variables: dict[str, tuple[str, str]] = field(default_factory=dict)
    """GUID -> (name, type)."""
    cases: list[FCase] = field(default_factory=list)
    sources: list[FSource] = field(default_factory=list)
    notes: list[FNote] = field(default_factory=list)
    links: list[FLink] = field(default_factory=list)
    sets: list[FSet] = field(default_factory=list)
    graphs: list[tuple[str, int, int]] = field(default_factory=list)
    """(name, vertices, edges) of each graph."""
    project_notes: list[str] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)


def _text(el: Any) -> str:
    return "".join(el.itertext())


def _int(raw: str | None) -> int | None:
    try:
        return int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


_SECTIONS = ("Users", "CodeBook", "Variables", "Cases", "Notes", "Links", "Sets", "Graphs")


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Bulk work on hundreds of thousands of small records without cycles among them: the
    cyclic garbage collector would only walk them again and again (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(data: bytes, name: str, expect: str) -> QdaFile:
    """Parse a ``.qde`` (``expect="Project"``) or ``.qdc`` (``expect="CodeBook"``)."""
    with no_cycle_collection():
        return _parse(data, name, expect)


def _parse(data: bytes, name: str, expect: str) -> QdaFile:
    qf: QdaFile | None = None
    root: Any = None
    for el in iter_elements(data, name, (expect, *_SECTIONS, "TextSource", *MEDIA_KINDS)):
        if qf is None:
            root = el.getroottree().getroot()
            qf = _root(root, name, expect)
        parent = el.getparent()
        if el is root:
            _rest(el, qf)
        elif parent is root:
            tag = local(el.tag)
            if tag in _TOP and expect == "Project":
                _TOP[tag](el, qf)
                _free(el)
        elif parent is not None and parent.getparent() is root and local(parent.tag) == "Sources":
            _source(el, local(el.tag), qf)
            _free(el)
    if qf is None:  # pragma: no cover - iterparse raises on an empty document
        raise refuse(name, _("the file holds no XML"))
    return qf


def _rest(root: Any, qf: QdaFile) -> None:
    """The root's children that were not taken as they ended: a codebook's, and the project's
    own description and notes."""
    for el in root:
        tag = local(el.tag)
        if tag in ("Sources", "") or (qf.root == "Project" and tag in _SECTIONS):
            continue
        handler = _TOP.get(tag)
        if handler is not None:
            handler(el, qf)
        else:
            qf.unknown[tag] += 1


def _free(el: Any) -> None:
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _root(el: Any, name: str, expect: str) -> QdaFile:
    tag = local(el.tag)
    ns = namespace(el.tag)
    if tag != expect:
        what = "project (.qde)" if expect == "Project" else "codebook (.qdc)"
        raise refuse(
            name, _("the root element is <{tag}>, not a REFI-QDA {what}").format(tag=tag, what=what)
        )
    qf = QdaFile(root=tag, namespace=ns)
    qf.name = el.get("name") or ""
    qf.origin = el.get("origin") or ""
    qf.creating_user = ref(el.get("creatingUserGUID"))
    return qf


def _users(el: Any, qf: QdaFile) -> None:
    for u in el:
        if local(u.tag) == "User":
            qf.users.append((gid(u.get("guid")), u.get("name") or u.get("id")))


def _codebook(el: Any, qf: QdaFile) -> None:
    for ch in el:
        if local(ch.tag) == "Codes":
            _codes(ch, qf)


def _codes(el: Any, qf: QdaFile, parent: FCode | None = None) -> None:
    for ch in el:
        if local(ch.tag) != "Code":
            continue
        codable = (ch.get("isCodable") or "true").strip().lower() not in ("false", "0")
        code = FCode(
            guid=gid(ch.get("guid")),
            name=ch.get("name") or "",
            colour=ch.get("color"),
            codable=codable,
            parent=parent.guid if parent else None,
            depth=parent.depth + 1 if parent else 0,
        )
        if parent:
            parent.children += 1
        qf.codes.append(code)
        for sub in ch:
            n = local(sub.tag)
            if n == "Description":
                code.description = _text(sub)
            elif n == "NoteRef":
                code.notes.append(gid(sub.get("targetGUID")))
        _codes(ch, qf, code)


def _value(el: Any) -> tuple[str | None, str]:
    var, value = None, ""
    for ch in el:
        n = local(ch.tag)
        if n == "VariableRef":
            var = ref(ch.get("targetGUID"))
        elif n.endswith("Value"):
            value = _text(ch)
    return var, value


def _variables(el: Any, qf: QdaFile) -> None:
    for ch in el:
        if local(ch.tag) == "Variable":
            qf.variables[gid(ch.get("guid"))] = (
                ch.get("name") or "",
                ch.get("typeOfVariable") or "Text",
            )


def _cases(el: Any, qf: QdaFile) -> None:
    for ch in el:
        if local(ch.tag) != "Case":
            continue
        case = FCase(gid(ch.get("guid")), ch.get("name") or "", "", [], [], [], [])
        for sub in ch:
            n = local(sub.tag)
            if n == "Description":
                case.description = _text(sub)
            elif n == "CodeRef":
                case.codes.append(gid(sub.get("targetGUID")))
            elif n == "VariableValue":
                case.values.append(_value(sub))
            elif n == "SourceRef":
                case.sources.append(gid(sub.get("targetGUID")))
            elif n == "SelectionRef":
                case.selections.append(gid(sub.get("targetGUID")))
        qf.cases.append(case)


# The two functions below run once per selection and coding (200,000 of each in a large
# project): they are written for speed.


def _coding(el: Any) -> FCoding:
    code = None
    notes: list[str] = []
    for ch in el:
        n = local(ch.tag)
        if n == "CodeRef":
            if code is None:
                code = ref(ch.get("targetGUID"))
        elif n == "NoteRef":
            notes.append(gid(ch.get("targetGUID")))
    get = el.get
    return FCoding(gid(get("guid")), code, ref(get("creatingUser")), get("creationDateTime"), notes)


def _selection(el: Any) -> FSelection:
    get = el.get
    codings: list[FCoding] = []
    notes: list[str] = []
    description = ""
    for ch in el:
        n = local(ch.tag)
        if n == "Coding":
            codings.append(_coding(ch))
        elif n == "Description":
            description = _text(ch)
        elif n == "NoteRef":
            notes.append(gid(ch.get("targetGUID")))
    return FSelection(
        gid(get("guid")),
        _int(get("startPosition")),
        _int(get("endPosition")),
        description,
        codings,
        notes,
        ref(get("creatingUser")),
        get("creationDateTime"),
    )


def _text_source(el: Any, kind: str, name: str = "") -> FSource:
    src = FSource(
        kind=kind,
        guid=gid(el.get("guid")),
        name=el.get("name") or name,
        plain_path=el.get("plainTextPath"),
        rich_path=el.get("richTextPath"),
        media_path=el.get("path") or el.get("currentPath"),
        user=ref(el.get("creatingUser")),
        created=el.get("creationDateTime"),
    )
    for ch in el:
        n = local(ch.tag)
        if n == "PlainTextSelection":
            src.selections.append(_selection(ch))
        elif n == "Description":
            src.description = _text(ch)
        elif n == "PlainTextContent":
            src.content = _text(ch)
        elif n == "Coding":
            src.codings.append(_coding(ch))
        elif n == "NoteRef":
            src.notes.append(gid(ch.get("targetGUID")))
        elif n == "VariableValue":
            src.values.append(_value(ch))
        elif n in _OTHER_SELECTIONS:
            src.other_selections += 1
            src.other_codings += sum(1 for c in ch.iter() if local(c.tag) == "Coding")
    return src


def _source(el: Any, tag: str, qf: QdaFile) -> None:
    if tag == "TextSource":
        qf.sources.append(_text_source(el, tag))
        return
    if tag not in MEDIA_KINDS:
        qf.unknown[tag] += 1
        return
    media = _text_source(el, tag)
    qf.sources.append(media)
    # The text of a PDF (its Representation), a transcript of a recording, or the text
    # description of a picture can come in as a text source. (A PDF region's own
    # Representation, inside its PDFSelection, is only that region's text.)
    for ch in el:
        n = local(ch.tag)
        if n in ("Representation", "Transcript", "TextDescription"):
            kind = "Transcript" if n == "Transcript" else "Representation"
            text = _text_source(ch, kind, name=media.name)
            if not text.name:
                text.name = media.name
            qf.sources.append(text)


def _notes(el: Any, qf: QdaFile) -> None:
    for ch in el:
        if local(ch.tag) != "Note":
            continue
        src = _text_source(ch, "Note")
        qf.notes.append(
            FNote(
                src.guid,
                ch.get("name") or "",
                src.description,
                src.content,
                src.plain_path,
                src.user,
                src.created,
                ch.get("modifiedDateTime"),
                src.selections,
            )
        )


def _links(el: Any, qf: QdaFile) -> None:
    for ch in el:
        if local(ch.tag) != "Link":
            continue
        notes = [gid(n.get("targetGUID")) for n in ch if local(n.tag) == "NoteRef"]
        qf.links.append(
            FLink(
                gid(ch.get("guid")),
                ch.get("name") or "",
                ch.get("direction") or "",
                ref(ch.get("originGUID")),
                ref(ch.get("targetGUID")),
                notes,
            )
        )


def _sets(el: Any, qf: QdaFile) -> None:
    for ch in el:
        if local(ch.tag) != "Set":
            continue
        s = FSet(gid(ch.get("guid")), ch.get("name") or "", "", [], [], [])
        for sub in ch:
            n = local(sub.tag)
            target = gid(sub.get("targetGUID") or sub.get("guid"))
            if n == "Description":
                s.description = _text(sub)
            elif n == "MemberCode":
                s.codes.append(target)
            elif n == "MemberSource":
                s.sources.append(target)
            elif n == "MemberNote":
                s.notes.append(target)
        qf.sets.append(s)


def _graphs(el: Any, qf: QdaFile) -> None:
    for ch in el:
        if local(ch.tag) == "Graph":
            kinds = Counter(local(x.tag) for x in ch)
            qf.graphs.append((ch.get("name") or "", kinds["Vertex"], kinds["Edge"]))


def _description(el: Any, qf: QdaFile) -> None:
    qf.description = _text(el)


def _note_ref(el: Any, qf: QdaFile) -> None:
    qf.project_notes.append(gid(el.get("targetGUID")))


_TOP = {
    "Users": _users,
    "CodeBook": _codebook,
    "Codes": lambda el, qf: _codes(el, qf),
    "Variables": _variables,
    "Cases": _cases,
    "Notes": _notes,
    "Links": _links,
    "Sets": _sets,
    "Graphs": _graphs,
    "Description": _description,
    "NoteRef": _note_ref,
}
