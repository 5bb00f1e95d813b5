"""Saved coding queries: a name, the expression and its options, kept in the project.

Saving, replacing and deleting a query are changes like any other (one transaction with its
history event, undoable); a coder may save queries, a reader may only run them. The expression is
checked before it is saved (it must parse), but not its codes, which may be renamed later: a saved
query that names a code no longer there says so when it is run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from coder.errors import InvalidInput, NotFound
from coder.i18n import _
from coder.store.schema import coders, queries
from coder.text.query_grammar import parse

if TYPE_CHECKING:
    from coder.project import Project


#: The options a saved query keeps, as ``coder query`` takes them.
OPTIONS = ("where", "unit", "coder")


@dataclass(frozen=True, slots=True)
class SavedQuery:
    name: str
    expression: str
    where: tuple[str, ...]
    unit: str | None
    coder: str | None
    """Whose codings it reads (None: everyone's)."""
    saved_by: str
    created: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "expression": self.expression,
            "where": list(self.where),
            "unit": self.unit,
            "coder": self.coder,
            "saved_by": self.saved_by,
            "created": self.created,
        }


def save_query(
    project: Project,
    name: str,
    expression: str,
    *,
    where: Sequence[str] = (),
    unit: str | None = None,
    coder: str | None = None,
) -> SavedQuery:
    """Save (or replace) the query ``name``."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput(
            _("a saved query needs a name of 1 to 200 characters; nothing was saved")
        )
    try:
        parse(expression)
    except InvalidInput as exc:
        raise InvalidInput(str(exc).replace(_("nothing was run"), _("nothing was saved"))) from None
    options = json.dumps(
        {"where": list(where), "unit": unit, "coder": coder}, ensure_ascii=False, sort_keys=True
    )
    with project.change("save-query", f"save query {name}") as ch:
        old = ch.conn.execute(select(queries.c.name).where(queries.c.name == name)).first()
        values = {"expression": expression, "options": options, "coder_id": ch.coder_id}
        if old:
            ch.update(queries, {"name": name}, {**values, "created": time.time()})
            ch.summary = f"replace saved query {name}"
        else:
            ch.insert(queries, {"name": name, **values, "created": time.time()})
    return saved_query(project, name)


def delete_query(project: Project, name: str) -> None:
    saved_query(project, name)
    with project.change("delete-query", f"delete saved query {name}") as ch:
        ch.delete(queries, {"name": name})


def saved_queries(project: Project) -> list[SavedQuery]:
    """Every saved query, by name."""
    query = (
        select(
            queries.c.name,
            queries.c.expression,
            queries.c.options,
            coders.c.name,
            queries.c.created,
        )
        .select_from(queries.join(coders, coders.c.id == queries.c.coder_id))
        .order_by(queries.c.name)
    )
    with project.read() as conn:
        rows = conn.execute(query).all()
    out = []
    for name, expression, options, saved_by, created in rows:
        opts = json.loads(options or "{}")
        out.append(
            SavedQuery(
                name,
                expression,
                tuple(opts.get("where") or ()),
                opts.get("unit"),
                opts.get("coder"),
                saved_by,
                created,
            )
        )
    return out


def saved_query(project: Project, name: str) -> SavedQuery:
    for q in saved_queries(project):
        if q.name == name:
            return q
    have = ", ".join(q.name for q in saved_queries(project)) or "none yet"
    raise NotFound(
        _("no saved query named {name!r} (saved: {have}); nothing was run").format(
            name=name, have=have
        )
    )
