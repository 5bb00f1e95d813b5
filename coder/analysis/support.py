"""Relations with their evidence: how far the data bear out each typed relation between codes.

The integration check of selective coding asks of every relation the researcher has asserted
(``A1 causes A3``) whether the data support it. A relation's support has three parts:

* **units** — the units (turns by default; sentences, segments or sources) where both sides
  occur, rolled up as in :func:`coder.analysis.cooccurrence.rolled_cooccurrence`: a category
  occurs wherever one of its concepts is coded, each unit counted once;
* **evidence** — the codings attached to the relation as evidence (within the coder and source
  scope asked for);
* **memos** — the memos written on the relation, which argue for it.

A relation with neither units nor evidence is *asserted, not yet grounded*: a memo argues but
does not ground it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coder.analysis.cooccurrence import CoOccurrence, rolled_cooccurrence
from coder.analysis.data import Hierarchy, coding_ids

if TYPE_CHECKING:
    from coder.project import Project


UNGROUNDED = "asserted, not yet grounded"
UNGROUNDED_ZH = "仅为断言，尚无资料支撑"


@dataclass(frozen=True, slots=True)
class Support:
    relation_id: int
    source: str
    """The label of the code the relation starts from."""
    source_name: str
    target: str
    target_name: str
    type: str
    description: str
    unit: str
    units: int
    """Units where both sides occur (rolled up)."""
    evidence: int
    """Codings attached as evidence."""
    memos: tuple[str, ...]
    """Titles (or the first words) of the memos on the relation."""

    @property
    def grounded(self) -> bool:
        return bool(self.units or self.evidence)

    @property
    def flag(self) -> str:
        return "" if self.grounded else UNGROUNDED

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.relation_id,
            "from": self.source,
            "from_code": self.source_name,
            "to": self.target,
            "to_code": self.target_name,
            "type": self.type,
            "description": self.description,
            "unit": self.unit,
            "units": self.units,
            "evidence": self.evidence,
            "memos": list(self.memos),
            "grounded": self.grounded,
            "flag": self.flag,
        }


def rolled_pairs(
    project: Project,
    unit: str,
    *,
    coder: str | None = None,
    sources: str | Sequence[str] | None = None,
    relations: Sequence[Any] | None = None,
    rows: Any = None,
    units: Any = None,
) -> list[CoOccurrence]:
    """The rolled-up pairs of the categories and of the codes that relations join (``rows`` and
    ``units`` as for :func:`coder.analysis.cooccurrence.cooccurrence`)."""
    ends = frozenset(
        i
        for r in (project.relations() if relations is None else relations)
        for i in (r.from_id, r.to_id)
    )
    return rolled_cooccurrence(
        project, unit, coder=coder, sources=sources, also=ends, rows=rows, units=units
    )


def relation_support(
    project: Project,
    unit: str = "turn",
    *,
    coder: str | None = None,
    sources: str | Sequence[str] | None = None,
    pairs: Sequence[CoOccurrence] | None = None,
) -> list[Support]:
    """The support of every relation, in the order they were made. ``pairs``: the rolled-up
    pairs of the categories and the relations' codes (:func:`rolled_pairs`), if at hand."""
    hierarchy = Hierarchy.of(project)
    relations = project.relations()
    if pairs is None:
        pairs = rolled_pairs(project, unit, coder=coder, sources=sources, relations=relations)
    together = {frozenset((p.a, p.b)): p.count for p in pairs}
    scope = None
    if coder is not None or sources is not None:
        scope = coding_ids(project, coder=coder, sources=sources)
    memos: dict[int, list[str]] = {}
    for m in project.memos(target="relation"):
        if m.target_id is not None:
            memos.setdefault(m.target_id, []).append(m.title or m.text[:20])
    out = []
    for r in relations:
        a, b = hierarchy.by_id[r.from_id], hierarchy.by_id[r.to_id]
        evidence = set(r.evidence) if scope is None else set(r.evidence) & scope
        out.append(
            Support(
                r.id,
                a.label,
                a.name,
                b.label,
                b.name,
                r.type,
                r.description,
                unit,
                together.get(frozenset((a.label, b.label)), 0),
                len(evidence),
                tuple(memos.get(r.id, ())),
            )
        )
    return out
