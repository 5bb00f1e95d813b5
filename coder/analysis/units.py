"""From codings to the units of agreement and each coder's value per unit.

The sources compared (those every coder has coded) are laid end to end in global character
coordinates; the units are char stretches, sentences or turns, or coded segments (see
:mod:`coder.analysis.agreement` for their definitions), and a coder's value for a unit is the set
of codes they applied there, or the one code of a mutually exclusive set.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select

from coder.analysis.coefficients import _distinct, _sorted_distinct
from coder.errors import InvalidInput, NotFound
from coder.i18n import _
from coder.store.schema import coders as coders_table
from coder.store.schema import codings, sources

if TYPE_CHECKING:
    from coder.project import Project


@dataclass
class _Units:
    """The units compared, in global character coordinates (sources laid end to end)."""

    start: np.ndarray
    end: np.ndarray
    weight: np.ndarray | None
    """Characters per unit at the char unit; None where every unit counts once."""


@dataclass
class _Scope:
    """The coders (in the order asked) and the sources every one of them coded."""

    coder_ids: list[int]
    source_ids: list[int]
    names: dict[int, str]
    base: dict[int, int]
    """Where each source starts in global coordinates (the sources laid end to end)."""
    total: int
    """Characters of all the sources compared."""

    def lookup(self, ids: np.ndarray, table: Mapping[int, int]) -> np.ndarray:
        """``table[id]`` for each id (ids are small integers)."""
        out = np.zeros(max(max(table), int(ids.max(initial=0))) + 1, dtype=np.int64)
        out[list(table)] = list(table.values())
        return out[ids]


def _code_set(project: Project, refs: Sequence[str]) -> dict[int, str]:
    """The ``--codes`` set: code id → label, in the order given."""
    out: dict[int, str] = {}
    for ref in [r.strip() for r in refs if r.strip()]:
        code = project.code(ref)
        if code.id in out:
            raise InvalidInput(
                _("{label} is named twice in --codes; nothing was changed").format(label=code.label)
            )
        out[code.id] = code.label
    if len(out) < 2:
        raise InvalidInput(
            _("--codes needs two or more mutually exclusive codes; nothing was changed")
        )
    return out


def _scope(project: Project, names: list[str], wanted: Sequence[int | str] | None) -> _Scope:
    with project.read() as conn:
        known = dict(conn.execute(select(coders_table.c.name, coders_table.c.id)).all())
        missing = [n for n in names if n not in known]
        if missing:
            have = ", ".join(sorted(known)) or "none yet"
            raise NotFound(
                _("no coder named {missing!r} (coders: {have}); nothing was changed").format(
                    missing=missing[0], have=have
                )
            )
        ids = sorted(known[n] for n in names)
        coded: dict[int, set[int]] = {}
        for sid, cid in conn.execute(
            select(codings.c.source_id, codings.c.coder_id)
            .where(codings.c.coder_id.in_(ids))
            .group_by(codings.c.source_id, codings.c.coder_id)
        ):
            coded.setdefault(sid, set()).add(cid)
        rows = conn.execute(
            select(sources.c.id, sources.c.name, sources.c.chars).order_by(sources.c.position)
        ).all()
    common = [r for r in rows if coded.get(r.id, set()) >= set(ids)]
    if wanted is not None:
        chosen = {project.source_id(ref) for ref in wanted}
        for r in rows:
            if r.id in chosen and coded.get(r.id, set()) < set(ids):
                absent = [n for n in names if known[n] not in coded.get(r.id, set())]
                raise InvalidInput(
                    _(
                        "{absent} has not coded {name}; agreement compares sources every coder coded; nothing was changed"
                    ).format(absent=absent[0], name=r.name)
                )
        common = [r for r in common if r.id in chosen]
    if not common:
        raise InvalidInput(
            _("{names} have coded no source in common; nothing was changed").format(
                names=", ".join(names)
            )
        )
    base, pos = {}, 0
    for r in common:
        base[r.id] = pos
        pos += r.chars
    names_by_id = {r.id: r.name for r in rows}
    return _Scope([known[n] for n in names], [r.id for r in common], names_by_id, base, pos)


def _load(project: Project, scope: _Scope) -> np.ndarray:
    """The coders' codings in the sources compared: ``source, code, coder, start, end`` rows."""
    query = select(
        codings.c.source_id, codings.c.code_id, codings.c.coder_id, codings.c.start, codings.c.end
    ).where(codings.c.coder_id.in_(scope.coder_ids))
    with project.read() as conn:
        rows = conn.execute(query).all()
    # Flattened through an iterator: numpy's array() on result rows is ten times slower.
    data = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64).reshape(-1, 5)
    return data[np.isin(data[:, 0], scope.source_ids)]


def _segment_units(gstart: np.ndarray, gend: np.ndarray) -> tuple[_Units, np.ndarray]:
    """The distinct coded spans; each coding's unit is its own span."""
    span = int(gend.max()) + 1
    keys, placed = _distinct(gstart * span + gend)
    return _Units(keys // span, keys % span, None), placed


def _char_units(scope: _Scope, gstart: np.ndarray, gend: np.ndarray) -> _Units:
    """Every character, as the stretches between consecutive coding boundaries (and source
    boundaries), each weighted by its length."""
    edges = [*scope.base.values(), scope.total]
    points = _sorted_distinct(np.concatenate([np.array(edges, dtype=np.int64), gstart, gend]))
    return _Units(points[:-1], points[1:], np.diff(points))


def _span_units(scope: _Scope, spans: Mapping[int, Sequence[tuple[int, int]]]) -> _Units:
    parts = []
    for sid in scope.source_ids:
        if sid not in spans:
            raise ValueError(f"no unit boundaries given for source {scope.names[sid]}")
        arr = np.asarray(spans[sid], dtype=np.int64).reshape(-1, 2)
        parts.append(arr[arr[:, 1] > arr[:, 0]] + scope.base[sid])
    both = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
    both = both[np.argsort(both[:, 0], kind="stable")]
    return _Units(both[:, 0], both[:, 1], None)


def _place(units: _Units, gstart: np.ndarray, gend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each coding in every unit it overlaps: (coding row, unit) pairs."""
    first = np.searchsorted(units.end, gstart, side="right")
    last = np.searchsorted(units.start, gend, side="left") - 1
    count = np.maximum(last - first + 1, 0)
    row_of = np.repeat(np.arange(len(gstart)), count)
    step = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return row_of, first[row_of] + step


def _groups(dec_coder: np.ndarray, dec_unit: np.ndarray, n_units: int) -> tuple[np.ndarray, ...]:
    """Start and length of each (coder, unit) run in the sorted decisions."""
    group = dec_coder * n_units + dec_unit
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    lengths = np.diff(np.r_[starts, len(group)])
    return starts, lengths


def _set_values(
    k: int, n_units: int, dec_coder: np.ndarray, dec_unit: np.ndarray, dec_code: np.ndarray
) -> np.ndarray:
    """Coders × units: an id per distinct set of codes (0 for none).

    Sets are numbered exactly, as paths in a trie: the codes of each (coder, unit) are sorted, and
    the id after the p-th code is a fresh number per distinct (id before it, code) pair.
    """
    values = np.zeros((k, n_units), dtype=np.int64)
    if not len(dec_code):
        return values
    starts, lengths = _groups(dec_coder, dec_unit, n_units)
    node = np.zeros(len(starts), dtype=np.int64)
    width = int(dec_code.max()) + 1
    next_id = 1
    for p in range(int(lengths.max())):
        sel = np.flatnonzero(lengths > p)
        uniq, inverse = _distinct(node[sel] * width + dec_code[starts[sel] + p])
        node[sel] = next_id + inverse
        next_id += len(uniq)
    values[dec_coder[starts], dec_unit[starts]] = node
    return values


def _exclusive_values(
    scope: _Scope,
    units: _Units,
    names: list[str],
    labels: list[str],
    dec_coder: np.ndarray,
    dec_unit: np.ndarray,
    dec_code: np.ndarray,
) -> np.ndarray:
    """Coders × units: the one code of the set (its index), −1 where none; two is an error."""
    starts, lengths = _groups(dec_coder, dec_unit, len(units.start))
    clash = np.flatnonzero(lengths > 1)
    if len(clash):
        first = clash[0]
        at = starts[first]
        codes = ", ".join(labels[c] for c in dec_code[at : at + lengths[first]])
        more = f" and {len(clash) - 1} more" if len(clash) > 1 else ""
        raise InvalidInput(
            _(
                "{names} applied more than one code of --codes ({codes}) to {_describe}{more}; each unit takes one code of a mutually exclusive set; nothing was changed"
            ).format(
                names=names[dec_coder[at]],
                codes=codes,
                _describe=_describe(scope, units, int(dec_unit[at])),
                more=more,
            )
        )
    values = np.full((len(names), len(units.start)), -1, dtype=np.int64)
    values[dec_coder, dec_unit] = dec_code
    return values


def _describe(scope: _Scope, units: _Units, u: int) -> str:
    """``S2-01 120–145``: a unit by source name and the offsets of its text."""
    bases = np.array([scope.base[s] for s in scope.source_ids])
    i = int(np.searchsorted(bases, units.start[u], side="right")) - 1
    sid = scope.source_ids[i]
    return f"{scope.names[sid]} {units.start[u] - bases[i]}–{units.end[u] - bases[i]}"
