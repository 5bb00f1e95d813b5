"""Sources, their turns and attributes, and cases (interviewees)."""

from __future__ import annotations

import hashlib
import time
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import func, select

from coder.errors import InvalidInput, NotFound
from coder.i18n import _
from coder.model import Case, Source, SourceDraft, Turn
from coder.store.core import FacadeCore
from coder.store.journal import Change
from coder.store.schema import case_attributes, cases, source_attributes, sources, turns


def is_normalised(text: str) -> bool:
    return "\r" not in text and "\ufeff" not in text[:1] and unicodedata.is_normalized("NFC", text)


#: The columns of a new source row, in the order :func:`source_row` gives them.
SOURCE_COLUMNS = [
    "guid",
    "name",
    "text",
    "chars",
    "original_name",
    "sha256",
    "encoding",
    "format",
    "language",
    "case_id",
    "position",
    "imported",
    "sentences",
    "sentence_rules",
]


def source_row(
    name: str,
    text: str,
    original_name: str,
    sha256: str,
    encoding: str,
    fmt: str,
    language: str,
    case_id: int | None,
    position: int,
    imported: float,
    turns: Sequence[Turn] | None,
) -> tuple[object, ...]:
    """One new source's values for :data:`SOURCE_COLUMNS` (a fresh guid; the SHA-256 of the
    text when none is given; the sentence boundaries inside ``turns``, so that no reader has to
    compute them, or with ``None`` none: the first reader computes and stores them). Shared by
    every import that writes sources."""
    from coder.text import nlp

    return (
        str(uuid.uuid4()),
        name,
        text,
        len(text),
        original_name,
        sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        encoding,
        fmt,
        language,
        case_id,
        position,
        imported,
        *(nlp.stored_sentences(text, list(turns), language) if turns is not None else (None, None)),
    )


def check_drafts(drafts: Sequence[SourceDraft]) -> None:
    """Refuse drafts that cannot be sources: no name, text not normalised, turns outside the
    text, two with one name."""
    names = [d.name for d in drafts]
    for d in drafts:
        if not d.name.strip():
            raise InvalidInput(_("a source needs a name; nothing was imported"))
        if not is_normalised(d.text):
            raise InvalidInput(
                _("{name}: text is not normalised; nothing was imported").format(name=d.name)
            )
        for t in d.turns or ():
            if not 0 <= t.start <= t.end <= len(d.text):
                raise InvalidInput(
                    _("{name}: turn {idx} lies outside the text; nothing was imported").format(
                        name=d.name, idx=t.idx
                    )
                )
    if len(set(names)) != len(names):
        raise InvalidInput(_("two sources with the same name in one import; nothing was imported"))


class SourceOps(FacadeCore):
    """Adding and reading sources. Mixed into :class:`coder.project.Project`."""

    def add_source(self, draft: SourceDraft) -> Source:
        """Add one source (one event)."""
        return self.add_sources([draft])[0]

    def add_sources(self, drafts: Sequence[SourceDraft], summary: str = "") -> list[Source]:
        """Add several sources as one event: all of them, or none if any is refused. A draft
        whose ``turns`` is None gets the turns the project's rule finds (coder.text.speakers)."""
        if any(d.turns is None for d in drafts):
            from coder.text.speakers import TurnRule

            rule = TurnRule.for_project(self)
            drafts = [
                d if d.turns is not None else replace(d, turns=rule.find(d.text)) for d in drafts
            ]
        check_drafts(drafts)
        names = [d.name for d in drafts]
        summary = summary or (
            f"import {names[0]}" if len(names) == 1 else f"import {len(names)} sources"
        )
        with self.change("import", summary) as ch:
            ids = self._insert_sources(ch, drafts)
        return self.sources(only=ids)

    def _insert_sources(self, ch: Change, drafts: Sequence[SourceDraft]) -> list[int]:
        """Write checked drafts (:func:`check_drafts`) in the open change; returns their ids.
        Shared with imports that add codings in the same event (MAXQDA's structured text)."""
        names = [d.name for d in drafts]
        taken = set(
            ch.conn.execute(select(sources.c.name).where(sources.c.name.in_(names))).scalars()
        )
        if taken:
            raise InvalidInput(
                _("a source named {sorted!r} already exists; nothing was imported").format(
                    sorted=sorted(taken)[0]
                )
            )
        position = ch.conn.execute(
            select(func.coalesce(func.max(sources.c.position), 0))
        ).scalar_one()
        now = time.time()
        case_ids: dict[str, int] = {}
        for d in drafts:
            if d.case and d.case not in case_ids:
                case_ids[d.case] = self._case_id(ch, d.case, d.case_attributes)
            elif d.case:
                self._case_id(ch, d.case, d.case_attributes)
        ids = ch.insert_values(
            sources,
            SOURCE_COLUMNS,
            [
                source_row(
                    d.name,
                    d.text,
                    d.original_name,
                    d.sha256,
                    d.encoding,
                    d.format,
                    d.language,
                    case_ids.get(d.case) if d.case else None,
                    position + i,
                    now,
                    d.turns or (),
                )
                for i, d in enumerate(drafts, 1)
            ],
        )
        ch.insert_values(
            source_attributes,
            ["source_id", "name", "value"],
            [
                (sid, k, str(v))
                for sid, d in zip(ids, drafts, strict=True)
                for k, v in d.attributes.items()
            ],
        )
        ch.insert_values(
            turns,
            ["source_id", "idx", "start", "end", "speaker", "timestamp"],
            [
                (sid, t.idx, t.start, t.end, t.speaker, t.timestamp)
                for sid, d in zip(ids, drafts, strict=True)
                for t in d.turns or ()
            ],
        )
        return ids

    def set_turns(self, new: Mapping[int, Sequence[Turn]], summary: str = "") -> int | None:
        """Replace the turns of sources (by id) as one undoable event; the text and the codings
        stay as they are. Sources whose turns are already ``new`` are left alone; returns the
        event's id, or None when nothing changed."""
        from coder.text import nlp

        for sid, found in new.items():
            chars = self.source(sid).chars
            for t in found:
                if not 0 <= t.start <= t.end <= chars:
                    raise InvalidInput(
                        _(
                            "source {sid}: turn {idx} lies outside the text; nothing was changed"
                        ).format(sid=sid, idx=t.idx)
                    )
        changed = {sid: list(found) for sid, found in new.items() if self.turns(sid) != list(found)}
        if not changed:
            return None
        summary = summary or f"recompute the turns of {len(changed)} sources"
        with self.change("set-turns", summary) as ch:
            # Sentences never cross a turn: their stored boundaries change with the turns, in
            # the same event (its undo brings back both).
            for sid, text, language in ch.conn.execute(
                select(sources.c.id, sources.c.text, sources.c.language).where(
                    sources.c.id.in_(list(changed))
                )
            ).all():
                found_sentences, rules = nlp.stored_sentences(text, changed[sid], language)
                ch.update(
                    sources,
                    {"id": sid},
                    {"sentences": found_sentences, "sentence_rules": rules},
                )
            ch.delete_where(turns, turns.c.source_id.in_(list(changed)))
            ch.insert_values(
                turns,
                ["source_id", "idx", "start", "end", "speaker", "timestamp"],
                [
                    (sid, t.idx, t.start, t.end, t.speaker, t.timestamp)
                    for sid, found in changed.items()
                    for t in found
                ],
            )
        return ch.event_id

    def _case_id(self, ch: Change, name: str, attributes: dict[str, str]) -> int:
        """The case named ``name``, created with ``attributes`` if new; new attributes are added."""
        row = ch.conn.execute(select(cases.c.id).where(cases.c.name == name)).first()
        if row is None:
            case_id = ch.insert(cases, {"guid": str(uuid.uuid4()), "name": name})
            existing: dict[str, str] = {}
        else:
            case_id = row[0]
            existing = dict(
                ch.conn.execute(
                    select(case_attributes.c.name, case_attributes.c.value).where(
                        case_attributes.c.case_id == case_id
                    )
                ).all()
            )
        for key, value in attributes.items():
            if key not in existing:
                ch.insert(case_attributes, {"case_id": case_id, "name": key, "value": str(value)})
            elif existing[key] != str(value):
                ch.update(case_attributes, {"case_id": case_id, "name": key}, {"value": str(value)})
        return case_id

    # -- queries -----------------------------------------------------------------------------

    def sources(self, *, only: int | Iterable[int] | None = None) -> list[Source]:
        """All sources in import order (or just those with ids ``only``), with their attributes
        and turn counts."""
        tq = select(turns.c.source_id, func.count()).group_by(turns.c.source_id)
        aq = select(
            source_attributes.c.source_id, source_attributes.c.name, source_attributes.c.value
        )
        query = (
            select(
                sources.c.id,
                sources.c.guid,
                sources.c.name,
                sources.c.chars,
                sources.c.original_name,
                sources.c.sha256,
                sources.c.encoding,
                sources.c.format,
                cases.c.name.label("case"),
                sources.c.position,
            )
            .select_from(sources.outerjoin(cases, cases.c.id == sources.c.case_id))
            .order_by(sources.c.position)
        )
        if only is not None:
            ids = [only] if isinstance(only, int) else list(only)
            tq = tq.where(turns.c.source_id.in_(ids))
            aq = aq.where(source_attributes.c.source_id.in_(ids))
            query = query.where(sources.c.id.in_(ids))
        with self.read() as conn:
            turn_counts: dict[int, int] = {r[0]: r[1] for r in conn.execute(tq)}
            attrs: dict[int, dict[str, str]] = {}
            for sid, key, value in conn.execute(aq):
                attrs.setdefault(sid, {})[key] = value
            rows = conn.execute(query).all()
        return [
            # The query selects exactly the columns that precede ``turns`` in Source.
            Source(*r, turns=turn_counts.get(r.id, 0), attributes=attrs.get(r.id, {}))  # type: ignore[misc]
            for r in rows
        ]

    def source(self, ref: int | str) -> Source:
        """A source by id or name."""
        found = self.sources(only=self.source_id(ref))
        if not found:  # pragma: no cover - source_id checked it
            raise NotFound(_("no source {ref!r}").format(ref=ref))
        return found[0]

    def source_id(self, ref: int | str) -> int:
        """Resolve a source reference (id, or name) to its id; NotFound names what was asked."""
        with self.read() as conn:
            row = None
            if isinstance(ref, int) and not isinstance(ref, bool):  # the workbench's ids
                row = conn.execute(select(sources.c.id).where(sources.c.id == ref)).first()
            if row is None:
                row = conn.execute(select(sources.c.id).where(sources.c.name == str(ref))).first()
            if row is None and str(ref).isdigit():
                row = conn.execute(select(sources.c.id).where(sources.c.id == int(ref))).first()
        if row is None:
            raise NotFound(_("no source named {ref!r}; nothing was changed").format(ref=ref))
        return int(row[0])

    def source_text(self, ref: int | str) -> str:
        """The normalised text of a source: the text all offsets index."""
        sid = self.source_id(ref)
        with self.read() as conn:
            return str(conn.execute(select(sources.c.text).where(sources.c.id == sid)).scalar_one())

    def turns(self, ref: int | str) -> list[Turn]:
        sid = self.source_id(ref)
        with self.read() as conn:
            rows = conn.execute(
                select(turns.c.idx, turns.c.start, turns.c.end, turns.c.speaker, turns.c.timestamp)
                .where(turns.c.source_id == sid)
                .order_by(turns.c.idx)
            ).all()
        return [Turn(*r) for r in rows]

    def cases(self) -> list[Case]:
        with self.read() as conn:
            attrs: dict[int, dict[str, str]] = {}
            for cid, key, value in conn.execute(
                select(case_attributes.c.case_id, case_attributes.c.name, case_attributes.c.value)
            ):
                attrs.setdefault(cid, {})[key] = value
            rows = conn.execute(select(cases.c.id, cases.c.name).order_by(cases.c.id)).all()
        return [Case(r.id, r.name, attrs.get(r.id, {})) for r in rows]

    def set_source_attribute(self, ref: int | str, name: str, value: str) -> None:
        sid = self.source_id(ref)
        with self.change("set-attribute", f"set {name} of source {ref}") as ch:
            key = {"source_id": sid, "name": name}
            exists = ch.conn.execute(
                select(source_attributes.c.value).where(
                    source_attributes.c.source_id == sid, source_attributes.c.name == name
                )
            ).first()
            if exists:
                ch.update(source_attributes, key, {"value": value})
            else:
                ch.insert(source_attributes, {**key, "value": value})
