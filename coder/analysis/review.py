"""Disagreement review (分歧讨论): the units where two coders differ, and their resolutions.

**Units.** As at agreement's ``segment`` unit: a unit is a distinct coded span
``(source, start, end)`` of either coder, in the sources both coders coded (the scope of
:func:`coder.analysis.agreement.agreement`). The two coders *disagree* there when the sets of codes
they applied to exactly that span differ (one set may be empty: a code one coder missed).

**Resolutions.** Resolving a disagreement accepts A's codes, B's, both (the union) or neither, as
the codings of a third, *consensus* coder at that span, so the coders' own codings, and with them
the reliability figures, stay as they were. The decision and the reviewer's reasons are kept as a
methodological memo on the source, titled ``resolution S2-01 [828,852) R1/R2: accept R1``, which is
how :func:`resolutions` finds it again. One resolution is one undoable event; resolving a unit
again replaces the earlier consensus codings and memo at that span.

Length: units, resolutions and the review report are one concept (a resolution is
found again by its unit), so they stay together.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select

from coder.analysis.agreement import _scope
from coder.analysis.names import CONSENSUS
from coder.errors import InvalidInput
from coder.i18n import _
from coder.store.schema import coders as coders_table
from coder.store.schema import codes, codings, memos, relation_evidence, sources

if TYPE_CHECKING:
    from coder.project import Project


CHOICES = ("a", "b", "both", "neither")
#: Memo type and target of the resolution memos.
MEMO_TYPE = "methodological"
_TITLE = re.compile(r"^resolution .* \[(\d+),(\d+)\)$")

Key = tuple[int, int, int]
"""A unit: ``(source id, start, end)``."""


@dataclass(frozen=True, slots=True)
class CodeRef:
    """A code as the review shows it."""

    id: int
    label: str
    name: str

    @property
    def display(self) -> str:
        return f"{self.label} {self.name}"


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a disagreement was resolved: the decision, the reviewer's memo, who and when."""

    memo_id: int
    source: str
    source_id: int
    start: int
    end: int
    coders: tuple[str, str]
    decision: str
    """One of :data:`CHOICES`, relative to ``coders`` (``"a"`` accepts ``coders[0]``)."""
    memo: str
    who: str
    when: float

    @property
    def key(self) -> Key:
        return (self.source_id, self.start, self.end)

    @property
    def phrase(self) -> str:
        """``accept R1``, ``accept both``, …"""
        return decision_phrase(self.decision, self.coders)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A unit where two coders' sets of codes differ, side by side."""

    source: str
    source_id: int
    start: int
    end: int
    text: str
    coders: tuple[str, str]
    a: tuple[CodeRef, ...]
    """The first coder's codes at the span (codebook order; empty where they coded nothing)."""
    b: tuple[CodeRef, ...]
    resolution: Resolution | None = None
    stale: bool = False
    """Resolved once, but a coder has changed their codes here since: what the consensus coder
    holds is no longer what the decision gives, so the unit needs reviewing again."""

    @property
    def key(self) -> Key:
        return (self.source_id, self.start, self.end)

    @property
    def resolved(self) -> bool:
        return self.resolution is not None and not self.stale

    @property
    def unit(self) -> str:
        """``S2-01 [828,852)``."""
        return f"{self.source} [{self.start},{self.end})"

    def to_json(self) -> dict[str, Any]:
        """One row of ``review --json``."""
        res = self.resolution
        return {
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "coders": list(self.coders),
            "A": [c.label for c in self.a],
            "B": [c.label for c in self.b],
            "A_names": [c.name for c in self.a],
            "B_names": [c.name for c in self.b],
            "resolved": self.resolved,
            "stale": self.stale,
            "choice": res.decision if res else None,
            "decision": res.phrase if res else None,
            "memo": res.memo if res else None,
            "who": res.who if res else None,
            "when": res.when if res else None,
        }


def decision_phrase(choice: str, coders: tuple[str, str]) -> str:
    """What a choice means in words: ``accept R1``, ``accept R2``, ``accept both``, ``accept
    neither``."""
    if choice not in CHOICES:
        raise InvalidInput(
            _("choice {choice!r} is not one of {CHOICES}; nothing was changed").format(
                choice=choice, CHOICES=", ".join(CHOICES)
            )
        )
    who = {"a": coders[0], "b": coders[1]}.get(choice, choice)
    return f"accept {who}"


def resolution_title(
    source: str, start: int, end: int, coders: tuple[str, str], choice: str
) -> str:
    """The title a resolution memo is found by again."""
    return f"resolution {source} [{start},{end}) {coders[0]}/{coders[1]}: " + decision_phrase(
        choice, coders
    )


def _pair(coders: Sequence[str]) -> tuple[str, str]:
    names = tuple(c.strip() for c in coders)
    if len(names) != 2 or not all(names) or names[0] == names[1]:
        raise InvalidInput(
            _(
                "disagreement review compares two different coders, not {names}; nothing was changed"
            ).format(names=", ".join(names) or "none")
        )
    return names[0], names[1]


# -- queries --------------------------------------------------------------------------------------


def _code_refs(project: Project) -> dict[int, tuple[int, CodeRef]]:
    """Every code by id, with its place in the codebook's order."""
    return {c.id: (i, CodeRef(c.id, c.label, c.name)) for i, c in enumerate(project.codes())}


def _sets(
    project: Project, coder_ids: Sequence[int], source_ids: Sequence[int]
) -> dict[Key, dict[int, set[int]]]:
    """Per unit, each coder's set of code ids."""
    query = select(
        codings.c.source_id, codings.c.start, codings.c.end, codings.c.coder_id, codings.c.code_id
    ).where(codings.c.coder_id.in_(list(coder_ids)), codings.c.source_id.in_(list(source_ids)))
    out: dict[Key, dict[int, set[int]]] = {}
    with project.read() as conn:
        for sid, start, end, coder, code in conn.execute(query):
            out.setdefault((sid, start, end), {}).setdefault(coder, set()).add(code)
    return out


def disagreements(
    project: Project,
    coders: Sequence[str],
    *,
    sources: Sequence[int | str] | None = None,
    consensus: str = CONSENSUS,
) -> list[Disagreement]:
    """The units where the two ``coders`` applied different sets of codes, in source order, each
    with its resolution (or None). ``sources`` narrows the sources compared, as in agreement.

    A resolution is *stale* when the ``consensus`` coder's codes at the unit are no longer what
    its decision gives from the coders' codes now (a coder changed theirs after the decision):
    the unit counts as open again, with the earlier decision shown."""
    pair = _pair(coders)
    scope = _scope(project, list(pair), sources)
    a_id, b_id = scope.coder_ids
    sets = _sets(project, scope.coder_ids, scope.source_ids)
    refs = _code_refs(project)
    position = {sid: i for i, sid in enumerate(scope.source_ids)}
    differ = sorted(
        (k for k, by in sets.items() if by.get(a_id, set()) != by.get(b_id, set())),
        key=lambda k: (position[k[0]], k[1], k[2]),
    )
    texts = _texts(project, {k[0] for k in differ})
    done = {r.key: r for r in resolutions(project, pair)}
    held = _consensus_sets(project, consensus, {k for k in differ if k in done})
    out = []
    for key in differ:
        sid, start, end = key
        a, b = sets[key].get(a_id, set()), sets[key].get(b_id, set())
        res = done.get(key)
        stale = False
        if res is not None:
            implied = {"a": a, "b": b, "both": a | b, "neither": set()}[res.decision]
            stale = held.get(key, set()) != implied
        out.append(
            Disagreement(
                scope.names[sid],
                sid,
                start,
                end,
                texts[sid][start:end],
                pair,
                _ordered(a, refs),
                _ordered(b, refs),
                res,
                stale,
            )
        )
    return out


def _consensus_sets(project: Project, consensus: str, keys: set[Key]) -> dict[Key, set[int]]:
    """The ``consensus`` coder's codes at each of ``keys``."""
    if not keys:
        return {}
    with project.read() as conn:
        rows = conn.execute(
            select(codings.c.source_id, codings.c.start, codings.c.end, codings.c.code_id)
            .select_from(codings.join(coders_table, coders_table.c.id == codings.c.coder_id))
            .where(
                coders_table.c.name == consensus,
                codings.c.source_id.in_(sorted({k[0] for k in keys})),
            )
        ).all()
    out: dict[Key, set[int]] = {}
    for sid, start, end, code in rows:
        if (sid, start, end) in keys:
            out.setdefault((sid, start, end), set()).add(code)
    return out


def _ordered(ids: set[int], refs: dict[int, tuple[int, CodeRef]]) -> tuple[CodeRef, ...]:
    return tuple(refs[i][1] for i in sorted(ids, key=lambda i: refs[i][0]))


def _texts(project: Project, source_ids: set[int]) -> dict[int, str]:
    if not source_ids:
        return {}
    with project.read() as conn:
        rows = conn.execute(
            select(sources.c.id, sources.c.text).where(sources.c.id.in_(sorted(source_ids)))
        ).all()
    return {r[0]: r[1] for r in rows}


def resolutions(project: Project, coders: Sequence[str]) -> list[Resolution]:
    """The resolutions recorded for the two ``coders`` (in either order; decisions are given
    relative to the order asked), the latest per unit, in source order."""
    with project.read() as conn:
        return _resolutions(conn, _pair(coders))


def _resolutions(conn: Connection, pair: tuple[str, str]) -> list[Resolution]:
    suffixes = {
        f" {x}/{y}: {decision_phrase(choice, (x, y))}": (choice, swapped)
        for swapped, (x, y) in ((True, pair[::-1]), (False, pair))
        for choice in CHOICES
    }
    swap = {"a": "b", "b": "a", "both": "both", "neither": "neither"}
    query = (
        select(
            memos.c.id,
            memos.c.target_id,
            memos.c.title,
            memos.c.text,
            coders_table.c.name,
            memos.c.modified,
            sources.c.name,
            sources.c.position,
        )
        .select_from(
            memos.join(coders_table, coders_table.c.id == memos.c.coder_id).join(
                sources, sources.c.id == memos.c.target_id
            )
        )
        .where(
            memos.c.type == MEMO_TYPE,
            memos.c.target_type == "source",
            memos.c.title.like("resolution %"),
        )
        .order_by(memos.c.id)
    )
    rows = conn.execute(query).all()
    latest: dict[Key, tuple[int, Resolution]] = {}
    for mid, sid, title, text, who, when, source, pos in rows:
        for suffix, (choice, swapped) in suffixes.items():
            if not title.endswith(suffix):
                continue
            span = _TITLE.match(title[: -len(suffix)])
            if span is None:
                continue
            start, end = int(span[1]), int(span[2])
            decision = swap[choice] if swapped else choice
            res = Resolution(mid, source, sid, start, end, pair, decision, text, who, when)
            latest[res.key] = (pos, res)
            break
    return [r for _x, r in sorted(latest.values(), key=lambda pr: (pr[0], pr[1].start, pr[1].end))]


# -- resolving ------------------------------------------------------------------------------------


def resolve(
    project: Project,
    d: Disagreement,
    choice: str,
    memo: str = "",
    *,
    consensus: str = CONSENSUS,
) -> Resolution:
    """Resolve ``d`` as one undoable event: the ``consensus`` coder's codings at exactly its span
    become A's codes, B's, the union or none (``choice`` ``"a"``, ``"b"``, ``"both"``,
    ``"neither"``), and a methodological memo on the source records the decision and ``memo``.
    An earlier resolution of the same unit (its consensus codings and memo) is replaced. The two
    coders' own codings are never touched."""
    pair = _pair(d.coders)
    phrase = decision_phrase(choice, pair)
    consensus = consensus.strip()
    if not consensus or consensus in pair:
        raise InvalidInput(
            _(
                "the consensus coder must be someone other than {pair} and {pair2}, not {consensus!r}; nothing was changed"
            ).format(pair=pair[0], pair2=pair[1], consensus=consensus)
        )
    sid, start, end = d.key
    title = resolution_title(d.source, start, end, pair, choice)
    with project.change("resolve", f"resolve {d.unit} {pair[0]}/{pair[1]}: {phrase}") as ch:
        conn = ch.conn
        ids = dict(
            conn.execute(
                select(coders_table.c.name, coders_table.c.id).where(coders_table.c.name.in_(pair))
            ).all()
        )
        at_span = (codings.c.source_id == sid, codings.c.start == start, codings.c.end == end)

        def codes_of(coder_id: int | None) -> set[int]:
            return {
                r[0]
                for r in conn.execute(
                    select(codings.c.code_id).where(*at_span, codings.c.coder_id == coder_id)
                )
            }

        a, b = codes_of(ids.get(pair[0])), codes_of(ids.get(pair[1]))
        if a == b:
            raise InvalidInput(
                _("{pair} and {pair2} agree at {unit} now; nothing was changed").format(
                    pair=pair[0], pair2=pair[1], unit=d.unit
                )
            )
        wanted = {"a": a, "b": b, "both": a | b, "neither": set()}[choice]
        consensus_id = project.ensure_coder(conn, consensus)
        have = dict(
            conn.execute(
                select(codings.c.code_id, codings.c.id).where(
                    *at_span, codings.c.coder_id == consensus_id
                )
            ).all()
        )
        # Consensus codings that stay are kept as they are (their ids, memos and evidence).
        gone = [cid for code, cid in have.items() if code not in wanted]
        if gone:
            ch.delete_where(relation_evidence, relation_evidence.c.coding_id.in_(gone))
            ch.delete_where(memos, memos.c.target_type == "coding", memos.c.target_id.in_(gone))
            ch.delete_where(codings, codings.c.id.in_(gone))
        now = time.time()
        ch.insert_many(
            codings,
            [
                {
                    "source_id": sid,
                    "code_id": code,
                    "coder_id": consensus_id,
                    "start": start,
                    "end": end,
                    "memo": "",
                    "created": now,
                }
                for code in sorted(wanted - set(have))
            ],
        )
        # Earlier resolutions of this unit, also those made with the coders in the other order.
        earlier = [r.memo_id for r in _resolutions(conn, pair) if r.key == d.key]
        if earlier:
            ch.delete_where(memos, memos.c.id.in_(earlier))
        mid = ch.insert(
            memos,
            {
                "guid": str(uuid.uuid4()),
                "type": MEMO_TYPE,
                "target_type": "source",
                "target_id": sid,
                "title": title,
                "text": memo,
                "coder_id": ch.coder_id,
                "created": now,
                "modified": now,
            },
        )
        labels = dict(conn.execute(select(codes.c.id, codes.c.label)).all())
        adopted = ", ".join(sorted(labels[c] for c in wanted)) or "no code"
        ch.summary = f"resolve {d.unit} {pair[0]}/{pair[1]}: {phrase} ({consensus}: {adopted})"
    who = project.coder
    return Resolution(mid, d.source, sid, start, end, pair, choice, memo, who, now)


# -- reporting ------------------------------------------------------------------------------------


def report(
    project: Project, coders: Sequence[str], *, consensus: str = CONSENSUS
) -> list[dict[str, Any]]:
    """The resolutions of the two ``coders`` for a paper's appendix: one row per unit resolved,
    with the passage, both coders' codes, the decision, what the consensus coder holds there now,
    the reviewer's memo, who resolved it and when."""
    pair = _pair(coders)
    done = resolutions(project, pair)
    if not done:
        return []
    refs = _code_refs(project)
    texts = _texts(project, {r.source_id for r in done})
    with project.read() as conn:
        coder_ids = dict(
            conn.execute(
                select(coders_table.c.name, coders_table.c.id).where(
                    coders_table.c.name.in_([*pair, consensus])
                )
            ).all()
        )
    sets = _sets(project, list(coder_ids.values()), sorted(texts))

    def shown(key: Key, name: str) -> str:
        ids = sets.get(key, {}).get(coder_ids.get(name, -1), set())
        return "; ".join(c.display for c in _ordered(ids, refs)) or "—"

    return [
        {
            "unit": f"{r.source} [{r.start},{r.end})",
            "source": r.source,
            "start": r.start,
            "end": r.end,
            "text": texts[r.source_id][r.start : r.end],
            "coders": list(pair),
            "A": shown(r.key, pair[0]),
            "B": shown(r.key, pair[1]),
            "decision": r.phrase,
            "choice": r.decision,
            "consensus": shown(r.key, consensus),
            "memo": r.memo,
            "who": r.who,
            "when": dt.datetime.fromtimestamp(r.when).astimezone().isoformat(timespec="seconds"),
        }
        for r in done
    ]


def coders_by_codings(project: Project, *, consensus: str = CONSENSUS) -> list[tuple[str, int]]:
    """Coders (other than the consensus coder) and their codings, most first."""
    with project.read() as conn:
        rows = conn.execute(
            select(coders_table.c.name, func.count(codings.c.id))
            .select_from(codings.join(coders_table, coders_table.c.id == codings.c.coder_id))
            .group_by(coders_table.c.name)
            .order_by(func.count(codings.c.id).desc(), coders_table.c.name)
        ).all()
    return [(name, n) for name, n in rows if name != consensus]


def busiest_pair(project: Project, *, consensus: str = CONSENSUS) -> tuple[str, str] | None:
    """The two coders (other than the consensus coder) with the most codings, most first; None
    when fewer than two have coded anything."""
    names = [name for name, _x in coders_by_codings(project, consensus=consensus)]
    return (names[0], names[1]) if len(names) >= 2 else None
