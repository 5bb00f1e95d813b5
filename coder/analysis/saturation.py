"""Theoretical saturation: new codes per source in order, a held-out check, and the stopping-rule
figures of Guest, Namey & Chen (2020, PLOS ONE 15(5): e0232076).

* **Order.** Import order (the sources' position), the sorted values of an attribute such as
  ``date`` (ties in import order), or a given list of sources (sources it leaves out follow in
  import order). Held-out sources are taken out of that order and come last, in the order given.
* **New codes.** A source's new codes are the codes coded in it (at any level, as coded) that no
  earlier source in the order has; ``cumulative`` counts the distinct codes so far. A source's new
  categories are the categories above its codes (or coded directly) that no earlier source reached.
* **Held-out check.** Each held-out source is compared with all sources that are not held out:
  the codes and categories it has that none of them has (the expected finding is none).
* **Stopping rule** (Guest et al. 2020). The *base* is the first ``base`` sources of the order
  and the codes they have. A *run* is ``run`` consecutive sources after the base; its new
  information is the number of codes in it that no earlier source has, divided by the number of
  codes in the base (the denominator stays the base's). Runs start after the base and move on one
  source at a time; saturation is reached at the end of the first run whose new information is at
  or below ``threshold`` (e.g. ≤ 5 %), i.e. after that many sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from coder.analysis.data import (
    Hierarchy,
    attribute_of,
    coder_id,
    is_category,
    known_attributes,
    split_list,
)
from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import Source
from coder.store.schema import codings, human_only

if TYPE_CHECKING:
    from coder.project import Project


@dataclass(frozen=True, slots=True)
class Step:
    """One source on the saturation curve."""

    source: str
    new_codes: int
    cumulative: int
    new: tuple[str, ...]
    """Labels of the new codes."""
    new_categories: tuple[str, ...]
    held_out: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "new_codes": self.new_codes,
            "cumulative": self.cumulative,
            "new": list(self.new),
            "new_categories": list(self.new_categories),
            "held_out": self.held_out,
        }


@dataclass(frozen=True, slots=True)
class HeldOut:
    """What one held-out source adds to the sources that are not held out."""

    source: str
    new_codes: tuple[str, ...]
    new_categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Run:
    sources: tuple[str, ...]
    new_codes: int
    ratio: float | None
    """New codes in the run / codes in the base (``None`` when the base has no codes)."""
    met: bool


@dataclass(frozen=True)
class StoppingRule:
    base: int
    run: int
    threshold: float
    base_codes: int
    runs: tuple[Run, ...]
    saturated_after: int | None
    """How many sources it took: the end of the first run at or below the threshold."""
    saturated_at: str | None
    """The source that ends that run."""


@dataclass(frozen=True)
class Saturation:
    curve: tuple[Step, ...]
    held_out: tuple[HeldOut, ...]
    stopping: StoppingRule

    def as_dict(self) -> dict[str, Any]:
        return {
            "curve": [s.as_dict() for s in self.curve],
            "held_out": [
                {
                    "source": h.source,
                    "new_codes": list(h.new_codes),
                    "new_categories": list(h.new_categories),
                }
                for h in self.held_out
            ],
            "stopping": {
                "base": self.stopping.base,
                "run": self.stopping.run,
                "threshold": self.stopping.threshold,
                "base_codes": self.stopping.base_codes,
                "saturated_after": self.stopping.saturated_after,
                "saturated_at": self.stopping.saturated_at,
                "runs": [
                    {
                        "sources": list(r.sources),
                        "new_codes": r.new_codes,
                        "ratio": r.ratio,
                        "met": r.met,
                    }
                    for r in self.stopping.runs
                ],
            },
        }


def source_order(project: Project, order: str | Sequence[str] | None = None) -> list[Source]:
    """Sources in the order asked for: ``None`` or ``"import"``; a list of names (or one string
    ``"S1,S2"``); or the name of an attribute to sort by (e.g. ``"date"``)."""
    sources = project.sources()
    by_name = {s.name: s for s in sources}
    if order is None or order == "import":
        return sources
    names = split_list(order)
    if isinstance(order, str) and len(names) == 1 and names[0] not in by_name:
        return _by_attribute(project, sources, names[0])
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise InvalidInput(
            _(
                "--order: {unknown!r} is not a source (nor 'import' or an attribute); nothing was changed"
            ).format(unknown=unknown[0])
        )
    if len(set(names)) != len(names):
        raise InvalidInput(_("--order names a source twice; nothing was changed"))
    listed = [by_name[n] for n in names]
    return listed + [s for s in sources if s.name not in set(names)]


def _by_attribute(project: Project, sources: list[Source], name: str) -> list[Source]:
    if name not in known_attributes(project):
        known = ", ".join(["import", *known_attributes(project)])
        raise InvalidInput(
            _(
                "--order: {name!r} is neither a source nor an attribute (known: {known}); nothing was changed"
            ).format(name=name, known=known)
        )
    cases = {c.name: c.attributes for c in project.cases()}
    values = {s.id: attribute_of(s, cases, name) for s in sources}
    missing = [s.name for s in sources if values[s.id] is None]
    if missing:
        raise InvalidInput(
            _(
                "--order {name}: {n_missing} source(s) have no {name} ({missing}); nothing was changed"
            ).format(name=name, n_missing=len(missing), missing=", ".join(missing[:5]))
        )
    return sorted(sources, key=lambda s: str(values[s.id]))  # stable: ties keep import order


def saturation(
    project: Project,
    *,
    order: str | Sequence[str] | None = None,
    held_out: str | Sequence[str] | None = None,
    coder: str | None = None,
    base: int = 4,
    run: int = 2,
    threshold: float = 0.05,
) -> Saturation:
    """The saturation curve, the held-out check and the stopping-rule figures (see the module)."""
    if base < 1 or run < 1:
        raise InvalidInput(_("base size and run length must be at least 1; nothing was changed"))
    if not 0 <= threshold <= 1:
        raise InvalidInput(
            _("the new-information threshold is a share between 0 and 1; nothing was changed")
        )
    ordered = source_order(project, order)
    by_name = {s.name: s for s in ordered}
    held = split_list(held_out)
    for name in held:
        if name not in by_name:
            raise InvalidInput(
                _("--held-out: no source named {name!r}; nothing was changed").format(name=name)
            )
    held_set = set(held)
    if len(held_set) != len(held):
        raise InvalidInput(_("--held-out names a source twice; nothing was changed"))
    sequence = [s for s in ordered if s.name not in held_set] + [by_name[n] for n in held]

    hierarchy = Hierarchy.of(project)
    coded = _codes_per_source(project, coder)
    reached = {
        sid: {a for c in codes for a in hierarchy.ancestors[c]}
        | {c for c in codes if is_category(hierarchy.by_id[c])}
        for sid, codes in coded.items()
    }

    rank = {c.id: i for i, c in enumerate(hierarchy.codes)}

    def labels(ids: set[int]) -> tuple[str, ...]:
        return tuple(hierarchy.label(i) for i in sorted(ids, key=rank.__getitem__))

    seen: set[int] = set()
    seen_categories: set[int] = set()
    curve = []
    for s in sequence:
        codes = coded.get(s.id, set())
        cats = reached.get(s.id, set())
        new = codes - seen
        curve.append(
            Step(
                s.name,
                len(new),
                len(seen | codes),
                labels(new),
                labels(cats - seen_categories),
                s.name in held_set,
            )
        )
        seen |= codes
        seen_categories |= cats

    rest = [s.id for s in sequence if s.name not in held_set]
    rest_codes = set().union(*(coded.get(i, set()) for i in rest))
    rest_cats = set().union(*(reached.get(i, set()) for i in rest))
    checks = tuple(
        HeldOut(
            name,
            labels(coded.get(by_name[name].id, set()) - rest_codes),
            labels(reached.get(by_name[name].id, set()) - rest_cats),
        )
        for name in held
    )
    code_sets = [coded.get(s.id, set()) for s in sequence]
    return Saturation(
        tuple(curve),
        checks,
        stopping_rule([s.name for s in sequence], code_sets, base, run, threshold),
    )


def stopping_rule(
    names: Sequence[str],
    code_sets: Sequence[set[int]],
    base: int = 4,
    run: int = 2,
    threshold: float = 0.05,
) -> StoppingRule:
    """Guest et al. (2020): base size, run length and new-information threshold (see module)."""
    base_codes: set[int] = set().union(*code_sets[:base])
    before = set(base_codes)  # codes of every source before the current run
    runs = []
    saturated_after: int | None = None
    for i in range(base, len(code_sets) - run + 1):
        new = set().union(*code_sets[i : i + run]) - before
        before |= code_sets[i]
        ratio = len(new) / len(base_codes) if base_codes else None
        met = ratio is not None and ratio <= threshold
        runs.append(Run(tuple(names[i : i + run]), len(new), ratio, met))
        if met and saturated_after is None:
            saturated_after = i + run
    return StoppingRule(
        base,
        run,
        threshold,
        len(base_codes),
        tuple(runs),
        saturated_after,
        names[saturated_after - 1] if saturated_after else None,
    )


def _codes_per_source(project: Project, coder: str | None) -> dict[int, set[int]]:
    query = select(codings.c.source_id, codings.c.code_id).distinct()
    cid = coder_id(project, coder)
    if cid is not None:
        query = query.where(codings.c.coder_id == cid)
    else:
        query = query.where(human_only(codings.c.coder_id))
    out: dict[int, set[int]] = {}
    with project.read() as conn:
        for sid, code in conn.execute(query):
            out.setdefault(sid, set()).add(code)
    return out
