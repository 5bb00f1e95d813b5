"""Source sets (``coder sample``) as REFI-QDA ``<Set>`` elements with ``<MemberSource>``.

A hook for the project export: call :func:`write_source_sets` inside the project's ``<Sets>``
element, beside the codebook's convention sets (open ``<Sets>`` for it when there are none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coder.exchange.refi.xmlsafe import XmlWriter

if TYPE_CHECKING:
    from coder.project import Project


def write_source_sets(out: XmlWriter, project: Project) -> int:
    """Write each source set of ``project`` as a ``<Set>``; returns how many."""
    sets = project.sets()
    if not sets:
        return 0
    guid_of = {s.id: s.guid for s in project.sources()}
    for s in sets:
        out.tag("Set", {"guid": s.guid, "name": s.name})
        if s.description:
            out.element("Description", s.description)
        for sid in s.sources:
            out.tag("MemberSource", {"targetGUID": guid_of[sid]}, close=True)
        out.end("Set")
    return len(sets)
