"""Coding queries: where do codes and words occur together, apart, near or inside each other.

The grammar is in :mod:`coder.text.query_grammar`. What a query finds depends on the unit.

**Segment unit** (the default). Each operand stands for the text it covers in each source: a code
the characters its codings cover (with a category's, the characters any code under it covers), a
search term the characters of its occurrences. Its *hits* are the maximal stretches of that text
(overlapping or touching codings make one hit). Then, for hits ``a`` of A and ``b`` of B in the
same source:

* ``A AND B`` — the text covered by both; a hit per maximal overlap;
* ``A OR B`` — the text covered by either (overlapping or touching hits merged);
* ``A NOT B`` — the hits of A that share no character with B;
* ``A NEAR/n B`` — for each pair whose gap (characters between the end of one and the start of the
  other, 0 when they overlap) is at most n, the text from the first start to the last end;
* ``A FOLLOWED_BY B`` — for each hit of A, the next hit of B that starts after it starts (B's hit
  starting later), and the text from A's start to the later end; ``FOLLOWED_BY/n`` (also written
  ``NEAR/n FOLLOWED_BY``) only when that gap is at most n;
* ``A IN B`` — the hits of A that lie wholly inside a hit of B.

The result of an operator is again text per source, so its hits are again maximal stretches (two
NEAR spans that touch make one hit), and operators nest.

**Sentence, turn and source units.** Each operand stands for the units it occurs in (a unit holds a
code when one of its codings overlaps the unit, a term when an occurrence does). Then ``AND`` is
the units holding both, ``OR`` either, ``A NOT B`` the units of A that hold no B, ``IN`` is the same
as ``AND`` (a unit lies inside itself), ``A NEAR/n B`` the units of A and of B whose gap (characters
between them, 0 for the same unit) is at most n together with the units between them, and ``A
FOLLOWED_BY B`` a unit of A, the next unit of B after it, and those between. Each unit found is a
hit.

A hit comes with its source, case, text, and the codes the query names that are coded in it (the
codes under a category included). ``--where`` keeps the sources whose attributes (or whose case's)
satisfy every condition; ``coder`` keeps one coder's codings.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from coder.analysis.data import UNITS, Hierarchy, attribute_of, coder_id, unit_spans
from coder.errors import InvalidInput
from coder.i18n import _
from coder.store.schema import codings, human_only, sources
from coder.text.query_grammar import Code, Node, Op, Term, operands, parse, show

if TYPE_CHECKING:
    from coder.project import Project


Span = tuple[int, int]
#: Segment unit: each source's sorted, disjoint, non-touching stretches of text.
Runs = dict[int, list[Span]]
#: Other units: each source's sorted unit indices.
UnitSet = dict[int, list[int]]


@dataclass
class Corpus:
    """What a query reads, already scoped to the chosen sources and coder."""

    codings: Mapping[int, Sequence[tuple[int, int, int]]]
    """Code id → its codings as ``(source, start, end)``."""
    texts: Mapping[int, str]
    """Source id → normalised text (needed for search terms)."""
    units: Mapping[int, Sequence[Span]] | None = None
    """Source id → sorted, disjoint unit spans; None at the segment unit."""
    _terms: dict[str, dict[int, list[Span]]] = field(default_factory=dict)

    def term(self, text: str) -> dict[int, list[Span]]:
        """Every occurrence of ``text`` (overlapping ones too), by source."""
        if text not in self._terms:
            found: dict[int, list[Span]] = {}
            for sid, body in self.texts.items():
                at = body.find(text)
                while at != -1:
                    found.setdefault(sid, []).append((at, at + len(text)))
                    at = body.find(text, at + 1)
            self._terms[text] = found
        return self._terms[text]


# -- resolving codes -----------------------------------------------------------------------------


def code_sets(node: Node, hierarchy: Hierarchy) -> dict[Code, frozenset[int]]:
    """Each code operand as the ids it stands for: itself, and (without ``=``) every code under
    it. A label is looked up before a name; an unknown code is an error."""
    by_label = {c.label: c.id for c in hierarchy.codes}
    by_name: dict[str, int] = {}
    for c in hierarchy.codes:
        by_name.setdefault(c.name, c.id)
    below: dict[int, set[int]] = {c.id: set() for c in hierarchy.codes}
    for cid, ups in hierarchy.ancestors.items():
        for up in ups:
            below[up].add(cid)
    out: dict[Code, frozenset[int]] = {}
    for operand in operands(node):
        if not isinstance(operand, Code) or operand in out:
            continue
        found_id = by_label.get(operand.ref, by_name.get(operand.ref))
        if found_id is None:
            raise InvalidInput(
                _(
                    "no code with the label or name {ref!r} in the query (a name with spaces or symbols goes in braces: {{like this}}); nothing was run"
                ).format(ref=operand.ref)
            )
        out[operand] = frozenset({found_id} if operand.exact else {found_id} | below[found_id])
    return out


# -- evaluating ----------------------------------------------------------------------------------


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted maximal stretches of the spans' union; overlapping or touching spans become one."""
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def evaluate(node: Node, corpus: Corpus, sets: Mapping[Code, frozenset[int]]) -> Runs | UnitSet:
    """The query's value: :data:`Runs` at the segment unit (``corpus.units`` is None), else a
    :data:`UnitSet`."""
    if corpus.units is None:
        return _segments(node, corpus, sets)
    return _units(node, corpus, sets)


def _operand_spans(
    node: Code | Term, corpus: Corpus, sets: Mapping[Code, frozenset[int]]
) -> dict[int, list[Span]]:
    if isinstance(node, Term):
        return corpus.term(node.text)
    out: dict[int, list[Span]] = {}
    for cid in sets[node]:
        for sid, s, e in corpus.codings.get(cid, ()):
            out.setdefault(sid, []).append((s, e))
    return out


def _segments(node: Node, corpus: Corpus, sets: Mapping[Code, frozenset[int]]) -> Runs:
    if not isinstance(node, Op):
        return {sid: merge(spans) for sid, spans in _operand_spans(node, corpus, sets).items()}
    a = _segments(node.left, corpus, sets)
    b = _segments(node.right, corpus, sets)
    if node.op == "OR":
        return {sid: merge(a.get(sid, []) + b.get(sid, [])) for sid in sorted(set(a) | set(b))}
    out: Runs = {}
    for sid, runs in a.items():
        other = b.get(sid, [])
        if node.op == "NOT":
            found = [r for r in runs if not _meets(r, other)]
        elif node.op == "AND":
            found = _intersect(runs, other)
        else:
            found = merge(_pairwise(node, runs, other))
        if found:
            out[sid] = found
    return out


def _meets(run: Span, others: list[Span]) -> bool:
    """Whether ``run`` shares a character with one of ``others`` (sorted, disjoint)."""
    i = bisect.bisect_right(others, (run[0], float("inf")))
    if i and others[i - 1][1] > run[0]:
        return True
    return i < len(others) and others[i][0] < run[1]


def _intersect(a: list[Span], b: list[Span]) -> list[Span]:
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _pairwise(node: Op, a: list[Span], b: list[Span]) -> list[Span]:
    """NEAR, FOLLOWED_BY and IN at the segment unit: the spans they find, before merging."""
    starts = [s for s, _x in b]
    ends = [e for _x, e in b]
    out: list[Span] = []
    for s, e in a:
        if node.op == "IN":
            k = bisect.bisect_right(starts, s) - 1
            if k >= 0 and ends[k] >= e:
                out.append((s, e))
        elif node.op == "NEAR":
            n = node.n or 0
            lo = bisect.bisect_left(ends, s - n)  # B's hits ending no more than n before A starts
            hi = bisect.bisect_right(starts, e + n) - 1  # ... and starting no more than n after
            if lo <= hi:
                out.append((min(s, starts[lo]), max(e, ends[hi])))
        else:  # FOLLOWED_BY: the next B starting after A starts (the smallest gap of all)
            k = bisect.bisect_right(starts, s)
            if k < len(b) and (node.n is None or max(0, starts[k] - e) <= node.n):
                out.append((s, max(e, ends[k])))
    return out


def _units(node: Node, corpus: Corpus, sets: Mapping[Code, frozenset[int]]) -> UnitSet:
    assert corpus.units is not None
    if not isinstance(node, Op):
        out: UnitSet = {}
        for sid, spans in _operand_spans(node, corpus, sets).items():
            units = corpus.units.get(sid, ())
            ends = [e for _x, e in units]
            starts = [s for s, _x in units]
            held: set[int] = set()
            for s, e in spans:
                held.update(range(bisect.bisect_right(ends, s), bisect.bisect_left(starts, e)))
            if held:
                out[sid] = sorted(held)
        return out
    a = _units(node.left, corpus, sets)
    b = _units(node.right, corpus, sets)
    if node.op == "OR":
        return {sid: sorted(set(a.get(sid, [])) | set(b.get(sid, []))) for sid in set(a) | set(b)}
    result: UnitSet = {}
    for sid, mine in a.items():
        other = b.get(sid, [])
        if node.op == "NOT":
            found = sorted(set(mine) - set(other))
        elif node.op in ("AND", "IN"):
            found = sorted(set(mine) & set(other))
        else:
            found = _unit_pairs(node, mine, other, corpus.units[sid])
        if found:
            result[sid] = found
    return result


def _unit_pairs(node: Op, a: list[int], b: list[int], units: Sequence[Span]) -> list[int]:
    """NEAR and FOLLOWED_BY over units: the units of each pair found and those between."""
    starts = [s for s, _x in units]
    ends = [e for _x, e in units]
    found: set[int] = set()
    for i in a:
        if node.op == "NEAR":
            n = node.n or 0
            # The units within n characters of unit i lie in one run of indices around i.
            lo = min(bisect.bisect_left(ends, starts[i] - n), i)
            hi = max(bisect.bisect_right(starts, ends[i] + n) - 1, i)
            first = bisect.bisect_left(b, lo)
            last = bisect.bisect_right(b, hi) - 1
            if first <= last:
                found.update(range(min(i, b[first]), max(i, b[last]) + 1))
        else:
            k = bisect.bisect_right(b, i)
            if k < len(b) and (node.n is None or starts[b[k]] - ends[i] <= node.n):
                found.update(range(i, b[k] + 1))
    return sorted(found)


# -- conditions on attributes --------------------------------------------------------------------

_CONDITION = re.compile(r"^\s*(?P<name>[^<>=!]+?)\s*(?P<op>>=|<=|!=|=|>|<)\s*(?P<value>.*?)\s*$")
_COMPARE = {
    "=": lambda x, y: x == y,
    "!=": lambda x, y: x != y,
    ">=": lambda x, y: x >= y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    "<": lambda x, y: x < y,
}


@dataclass(frozen=True)
class Condition:
    """``name op value`` on a source's attribute (or its case's); ``source`` and ``case`` are the
    source's and the case's names."""

    name: str
    op: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Condition:
        m = _CONDITION.match(text)
        if m is None:
            raise InvalidInput(
                _(
                    "--where {text!r} is not ATTRIBUTE=VALUE (or !=, >=, <=, >, <), e.g. role=科长 or date>=2019-01-01; nothing was run"
                ).format(text=text)
            )
        return cls(m.group("name"), m.group("op"), m.group("value"))

    def holds(self, value: str | None) -> bool:
        """Numbers and dates compare as such when both sides are one; else as text. A source
        without the attribute satisfies no condition on it."""
        if value is None:
            return False
        x, y = _typed(value), _typed(self.value)
        if type(x) is not type(y):
            x, y = value.strip(), self.value
        return bool(_COMPARE[self.op](x, y))


def _typed(text: str) -> float | dt.date | str:
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    return text


def chosen_sources(project: Project, where: Sequence[str]) -> list[Any]:
    """The project's sources (in import order) that satisfy every ``--where`` condition."""
    conditions = [Condition.parse(w) for w in where]
    all_sources = project.sources()
    cases = {c.name: c.attributes for c in project.cases()}
    known = {k for s in all_sources for k in s.attributes} | {
        k for attrs in cases.values() for k in attrs
    }
    for c in conditions:
        if c.name not in known and c.name not in ("source", "case"):
            have = ", ".join(sorted(known)) or "none"
            raise InvalidInput(
                _(
                    "--where: no source or case has an attribute {name!r} (attributes: {have}); nothing was run"
                ).format(name=c.name, have=have)
            )

    def value(source: Any, name: str) -> str | None:
        if name not in source.attributes and name not in cases.get(source.case or "", {}):
            if name == "source":
                return str(source.name)
            if name == "case":
                return source.case
        return attribute_of(source, cases, name)

    return [s for s in all_sources if all(c.holds(value(s, c.name)) for c in conditions)]


# -- running a query on a project ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """One passage a query found."""

    source: str
    source_id: int
    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    """Labels of the codes the query names (and the codes under them) coded in the passage."""
    case: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "codes": list(self.codes),
            "case": self.case,
        }


@dataclass(frozen=True)
class Result:
    query: str
    """The query as it was read, fully parenthesised."""
    unit: str
    hits: tuple[Hit, ...]
    sources: int
    """Sources searched (after ``--where``)."""


def run_query(
    project: Project,
    text: str,
    *,
    where: Sequence[str] = (),
    coder: str | None = None,
    unit: str = "segment",
) -> Result:
    """Run a query on a project (see the module for what it finds)."""
    if unit not in UNITS:
        raise InvalidInput(
            _("unit {unit!r} is not one of {UNITS}; nothing was run").format(
                unit=unit, UNITS=", ".join(UNITS)
            )
        )
    node = parse(text)
    hierarchy = Hierarchy.of(project)
    sets = code_sets(node, hierarchy)
    chosen = chosen_sources(project, where)
    info = {s.id: s for s in chosen}
    wanted = sorted(set().union(*sets.values())) if sets else []
    cid = coder_id(project, coder)
    found: dict[int, list[tuple[int, int, int]]] = {}
    with project.read() as conn:
        if wanted and chosen:
            query = select(codings.c.code_id, codings.c.source_id, codings.c.start, codings.c.end)
            query = query.where(codings.c.code_id.in_(wanted))
            if where:
                query = query.where(codings.c.source_id.in_(list(info)))
            if cid is not None:
                query = query.where(codings.c.coder_id == cid)
            else:  # machine coders only when asked for by name, as in every count
                query = query.where(human_only(codings.c.coder_id))
            for code, sid, s, e in conn.execute(query):
                found.setdefault(code, []).append((sid, s, e))
        terms = any(isinstance(o, Term) for o in operands(node))
        texts = _texts(conn, list(info) if terms else [])
    corpus = Corpus(found, texts)
    if unit != "segment":
        present = {sid for rows in found.values() for sid, _x, _x in rows}
        if terms:
            for o in operands(node):
                if isinstance(o, Term):
                    present |= set(corpus.term(o.text))
        if unit == "source":
            corpus.units = {sid: [(0, info[sid].chars)] for sid in present}
        else:
            corpus.units = unit_spans(project, unit, present)
    value = evaluate(node, corpus, sets)
    if corpus.units is None:
        spans = {sid: list(runs) for sid, runs in value.items()}
    else:
        spans = {sid: [corpus.units[sid][k] for k in ks] for sid, ks in value.items()}  # type: ignore[index]
    return Result(
        show(node),
        unit,
        _hits(project, spans, found, info, hierarchy, texts),  # type: ignore[arg-type]
        len(chosen),
    )


def _texts(conn: Any, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(select(sources.c.id, sources.c.text).where(sources.c.id.in_(ids)))
    return {sid: body for sid, body in rows}


def _hits(
    project: Project,
    spans: dict[int, list[Span]],
    found: Mapping[int, Sequence[tuple[int, int, int]]],
    info: Mapping[int, Any],
    hierarchy: Hierarchy,
    texts: Mapping[int, str],
) -> tuple[Hit, ...]:
    rank = {c.id: i for i, c in enumerate(hierarchy.codes)}
    by_source: dict[int, list[tuple[int, int, int]]] = {}
    for code, rows in found.items():
        for sid, s, e in rows:
            if sid in spans:
                by_source.setdefault(sid, []).append((s, e, code))
    missing = [sid for sid in spans if sid not in texts]
    if missing:
        with project.read() as conn:
            texts = {**texts, **_texts(conn, missing)}
    out = []
    for sid in sorted(spans, key=lambda i: info[i].position):
        coded = sorted(by_source.get(sid, []))
        starts = [s for s, _x, _x in coded]
        for s, e in spans[sid]:
            here = {c for cs, ce, c in coded[: bisect.bisect_left(starts, e)] if ce > s}
            labels = tuple(hierarchy.label(c) for c in sorted(here, key=rank.__getitem__))
            src = info[sid]
            out.append(Hit(src.name, sid, s, e, texts[sid][s:e], labels, src.case))
    return tuple(out)
