"""Axial and selective coding as data: the paradigm view of a category, and the selective check.

**Paradigm view.** For a category, every code related to it is put in one slot of Strauss &
Corbin's paradigm model:

1. The relation type decides where it says where the other code stands: ``X causes C`` makes X a
   causal condition, ``X context_for C`` context, ``X intervenes_in C`` an intervening condition,
   ``X strategy_for C`` a strategy, and ``C leads_to X`` a consequence.
2. Otherwise (``condition_for``, ``reinforces``, the coding families, or a paradigm type pointing
   the other way) the other code's paradigm role decides; a phenomenon goes to ``phenomena`` (for
   a category that is itself a condition, strategy or consequence), a code without a role to
   ``other``.
3. The model runs through the strategies: intervening conditions act on strategies and
   consequences follow from them. So codes that intervene in one of the category's strategies, or
   that one of its strategies leads to, are added too, with ``via`` naming the strategy.

Each entry carries its evidence: the relations' evidence codings (distinct), and the codings and
sources of the related code rolled up over its concepts (as in ``frequencies``).

**Selective check.** The core category, its storyline memos, the categories not related to the
core, and the concepts under no category. A category is *related to the core* when it can be
reached from the core by following relations (of any type, in either direction) and links from a
parent down to its children, in any mix: a category under the core, a category with a relation to
the core or to any category under the core, and the sub-categories of those are all related.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coder.analysis.data import Hierarchy, coding_ids, is_category, load_rows
from coder.analysis.frequencies import rolled_counts
from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import Code, Relation

if TYPE_CHECKING:
    from coder.project import Project


SLOTS = ("causal", "context", "intervening", "strategies", "consequences", "phenomena", "other")
#: Relation types that place the other code when it points at the category ...
INCOMING = {
    "causes": "causal",
    "context_for": "context",
    "intervenes_in": "intervening",
    "strategy_for": "strategies",
}
#: ... and when the category points at it.
OUTGOING = {"leads_to": "consequences"}
ROLE_SLOT = {
    "causal": "causal",
    "context": "context",
    "intervening": "intervening",
    "strategy": "strategies",
    "consequence": "consequences",
    "phenomenon": "phenomena",
}


@dataclass(frozen=True, slots=True)
class Link:
    """A code in one slot of a category's paradigm view."""

    label: str
    name: str
    role: str | None
    relations: tuple[str, ...]
    """The relations that put it there, as ``"A1 causes A3"``."""
    via: tuple[str, ...]
    """Strategies through which it is linked (empty when only related directly)."""
    evidence: int
    """Distinct codings given as evidence for those relations."""
    codings: int
    """The code's codings, rolled up over its concepts."""
    sources: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.name,
            "label": self.label,
            "role": self.role,
            "relations": list(self.relations),
            "via": list(self.via),
            "evidence": self.evidence,
            "codings": self.codings,
            "sources": self.sources,
        }


@dataclass(frozen=True)
class ParadigmView:
    label: str
    name: str
    role: str | None
    axis: str | None
    codings: int
    sources: int
    slots: dict[str, tuple[Link, ...]]
    """Every slot of :data:`SLOTS`, possibly empty, entries in the codebook's order."""

    def labels(self, slot: str) -> list[str]:
        return [link.label for link in self.slots[slot]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.name,
            "label": self.label,
            "role": self.role,
            "axis": self.axis,
            "codings": self.codings,
            "sources": self.sources,
            **{slot: [link.as_dict() for link in self.slots[slot]] for slot in SLOTS},
        }


@dataclass
class _Entry:
    relations: list[Relation]
    via: list[int]


class _Context:
    """What every view of one project needs, read once."""

    def __init__(
        self, project: Project, coder: str | None, sources: str | Sequence[str] | None
    ) -> None:
        self.hierarchy = Hierarchy.of(project)
        self.rank = {c.id: i for i, c in enumerate(self.hierarchy.codes)}
        rows = load_rows(project, coder=coder, sources=sources)
        codings, sources_ = rolled_counts(rows, self.hierarchy)
        self.counts = {
            c.id: (int(codings[i]), int(sources_[i])) for i, c in enumerate(self.hierarchy.codes)
        }
        self.relations = project.relations()
        # Evidence counts only codings inside the same scope (coder, sources) as the rest.
        self.in_scope: set[int] | None = None
        if coder is not None or sources is not None:
            self.in_scope = coding_ids(project, coder=coder, sources=sources)

    def evidence(self, relations: Sequence[Relation]) -> int:
        ids = {i for r in relations for i in r.evidence}
        if self.in_scope is not None:
            ids &= self.in_scope
        return len(ids)


def paradigm(
    project: Project,
    category: int | str,
    *,
    coder: str | None = None,
    sources: str | Sequence[str] | None = None,
) -> ParadigmView:
    """The paradigm view of one category (by label, name or id)."""
    ctx = _Context(project, coder, sources)
    return _view(ctx, ctx.hierarchy.by_id[project.code_id(category)])


def paradigm_views(
    project: Project, *, coder: str | None = None, sources: str | Sequence[str] | None = None
) -> list[ParadigmView]:
    """The paradigm view of every category (axial and selective codes), in the codebook's order."""
    ctx = _Context(project, coder, sources)
    return [_view(ctx, c) for c in ctx.hierarchy.codes if is_category(c)]


def _slot(rel: Relation, focus: int, other: Code) -> str:
    if rel.to_id == focus and rel.type in INCOMING:
        return INCOMING[rel.type]
    if rel.from_id == focus and rel.type in OUTGOING:
        return OUTGOING[rel.type]
    return ROLE_SLOT.get(other.paradigm_role or "", "other")


def _view(ctx: _Context, focus: Code) -> ParadigmView:
    by_id = ctx.hierarchy.by_id
    slots: dict[str, dict[int, _Entry]] = {s: {} for s in SLOTS}

    def place(slot: str, other: int, rel: Relation, via: int | None) -> None:
        if other == focus.id:
            return
        entry = slots[slot].setdefault(other, _Entry([], []))
        if rel not in entry.relations:
            entry.relations.append(rel)
        if via is not None and via not in entry.via:
            entry.via.append(via)

    for rel in ctx.relations:
        if focus.id in (rel.from_id, rel.to_id):
            other = rel.to_id if rel.from_id == focus.id else rel.from_id
            place(_slot(rel, focus.id, by_id[other]), other, rel, None)
    for strategy in list(slots["strategies"]):
        for rel in ctx.relations:
            if rel.to_id == strategy and rel.type == "intervenes_in":
                place("intervening", rel.from_id, rel, strategy)
            elif rel.from_id == strategy and rel.type == "leads_to":
                place("consequences", rel.to_id, rel, strategy)

    def link(cid: int, entry: _Entry) -> Link:
        code = by_id[cid]
        return Link(
            code.label,
            code.name,
            code.paradigm_role,
            tuple(
                f"{by_id[r.from_id].label} {r.type} {by_id[r.to_id].label}" for r in entry.relations
            ),
            tuple(by_id[v].label for v in sorted(entry.via, key=ctx.rank.__getitem__)),
            ctx.evidence(entry.relations),
            *ctx.counts[cid],
        )

    return ParadigmView(
        focus.label,
        focus.name,
        focus.paradigm_role,
        focus.axis,
        *ctx.counts[focus.id],
        {
            slot: tuple(
                link(cid, entries[cid]) for cid in sorted(entries, key=ctx.rank.__getitem__)
            )
            for slot, entries in slots.items()
        },
    )


# -- selective coding --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeRef:
    label: str
    name: str
    codings: int = 0
    """Codings as coded (for concepts under no category)."""


@dataclass(frozen=True, slots=True)
class Storyline:
    memo_id: int
    title: str
    text: str
    coder: str


@dataclass(frozen=True)
class SelectiveCheck:
    core: CodeRef | None
    storyline: tuple[Storyline, ...]
    """Storyline memos on the core category."""
    unrelated_categories: tuple[CodeRef, ...]
    """Categories not related to the core (all of them when there is no core)."""
    concepts_without_category: tuple[CodeRef, ...]

    @property
    def complete(self) -> bool:
        return (
            self.core is not None
            and bool(self.storyline)
            and not self.unrelated_categories
            and not self.concepts_without_category
        )

    def as_dict(self) -> dict[str, Any]:
        def ref(r: CodeRef) -> dict[str, Any]:
            return {"code": r.name, "label": r.label, "codings": r.codings}

        return {
            "core": None
            if self.core is None
            else {"code": self.core.name, "label": self.core.label},
            "storyline": [
                {"id": s.memo_id, "title": s.title, "text": s.text, "coder": s.coder}
                for s in self.storyline
            ],
            "unrelated_categories": [ref(r) for r in self.unrelated_categories],
            "concepts_without_category": [ref(r) for r in self.concepts_without_category],
            "complete": self.complete,
        }


def selective_check(project: Project) -> SelectiveCheck:
    """The core category, its storyline, and what is not yet integrated (see the module)."""
    hierarchy = Hierarchy.of(project)
    cores = [c for c in hierarchy.codes if c.is_core]
    if len(cores) > 1:  # the facade keeps one; say so rather than pick one silently
        raise InvalidInput(
            _("{n_cores} codes are marked core ({items}); nothing was changed").format(
                n_cores=len(cores), items=", ".join(c.label for c in cores)
            )
        )
    core = cores[0] if cores else None
    counts = project.code_counts()
    related: set[int] = set()
    storyline: tuple[Storyline, ...] = ()
    if core is not None:
        related = _reachable(core.id, hierarchy, project.relations())
        storyline = tuple(
            Storyline(m.id, m.title, m.text, m.coder)
            for m in project.memos(target="code", target_id=core.id, type="storyline")
        )
    unrelated = tuple(
        CodeRef(c.label, c.name, counts.get(c.id, (0, 0))[0])
        for c in hierarchy.codes
        if is_category(c) and c.id not in related
    )
    orphans = tuple(
        CodeRef(c.label, c.name, counts.get(c.id, (0, 0))[0])
        for c in hierarchy.codes
        if c.level == "open" and not c.parents
    )
    return SelectiveCheck(
        None if core is None else CodeRef(core.label, core.name),
        storyline,
        unrelated,
        orphans,
    )


def _reachable(start: int, hierarchy: Hierarchy, relations: Sequence[Relation]) -> set[int]:
    neighbours: dict[int, set[int]] = {}
    for rel in relations:
        neighbours.setdefault(rel.from_id, set()).add(rel.to_id)
        neighbours.setdefault(rel.to_id, set()).add(rel.from_id)
    for code in hierarchy.codes:
        for parent in code.parents:
            neighbours.setdefault(parent, set()).add(code.id)
    seen = {start}
    todo = [start]
    while todo:
        for nxt in neighbours.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
