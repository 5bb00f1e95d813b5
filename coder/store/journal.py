"""The event journal: every change is a list of row operations recorded with their inverses.

A facade command runs inside one :class:`Change`. Each row it inserts, updates or deletes goes
through the change, which executes the statement and records both the forward operation and its
inverse. At the end the change writes one ``events`` row holding both lists, in the same
transaction as the rows themselves. Undo applies the inverse list backwards; redo applies the
forward list again. Because the operations are row-level and carry the primary keys, undo and redo
restore exactly the rows that were there (same ids), across restarts of the program.

Operations are JSON documents:

* ``{"op": "insert", "t": TABLE, "cols": [...], "rows": [[...], ...]}``
* ``{"op": "delete", "t": TABLE, "cols": [PK columns], "keys": [[...], ...]}``
* ``{"op": "update", "t": TABLE, "key": {...}, "values": {...}}``
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, insert, select, tuple_, update

from coder.store.schema import TABLES, events

Op = dict[str, Any]

#: Rows per statement in bulk inserts and deletes (within SQLite's variable limit).
_CHUNK = 500


def _pk(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _key_clause(table: Table, key: Mapping[str, Any]):  # type: ignore[no-untyped-def]
    return and_(*(table.c[name] == value for name, value in key.items()))


class Change:
    """A change in progress on one connection: executes row operations and journals them."""

    def __init__(self, conn: Connection, summary: str = "", coder_id: int | None = None) -> None:
        self.conn = conn
        self.summary = summary
        """What the event log says about this change; the body may refine it."""
        self.coder_id = coder_id
        self.event_id: int | None = None
        self.forward: list[Op] = []
        self.inverse: list[Op] = []

    # -- writing -----------------------------------------------------------------------------

    def insert(self, table: Table, row: Mapping[str, Any]) -> int:
        """Insert one row; returns its integer id (0 for tables keyed otherwise)."""
        ids = self.insert_many(table, [row])
        return ids[0] if ids else 0

    def insert_many(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """Insert rows (all with the same keys); returns their ids for tables with an ``id``."""
        if not rows:
            return []
        pk = _pk(table)
        has_id = pk == ["id"]
        cols = list(rows[0].keys())
        ids: list[int] = []
        if has_id and "id" not in cols:
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            for i in range(0, len(rows), _CHUNK):
                chunk = [dict(r) for r in rows[i : i + _CHUNK]]
                ids.extend(r[0] for r in self.conn.execute(stmt, chunk))
            cols = ["id", *cols]
            values = [
                [ident, *(r[c] for c in cols[1:])] for ident, r in zip(ids, rows, strict=True)
            ]
        else:
            self.conn.execute(insert(table), [dict(r) for r in rows])
            values = [[r[c] for c in cols] for r in rows]
            if has_id:
                ids = [r["id"] for r in rows]
        keycols = pk
        keys = [[v[cols.index(k)] for k in keycols] for v in values]
        self.forward.append({"op": "insert", "t": table.name, "cols": cols, "rows": values})
        self.inverse.append({"op": "delete", "t": table.name, "cols": keycols, "keys": keys})
        return ids

    def update(self, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        """Update the columns ``values`` of the row with primary key ``key``."""
        names = list(values)
        old = self.conn.execute(
            select(*(table.c[n] for n in names)).where(_key_clause(table, key))
        ).first()
        if old is None:
            raise LookupError(f"{table.name} {dict(key)} does not exist")
        before = dict(zip(names, old, strict=True))
        if before == dict(values):
            return
        self.conn.execute(update(table).where(_key_clause(table, key)).values(**values))
        self.forward.append(
            {"op": "update", "t": table.name, "key": dict(key), "values": dict(values)}
        )
        self.inverse.append({"op": "update", "t": table.name, "key": dict(key), "values": before})

    def delete_where(self, table: Table, *criteria: Any) -> int:
        """Delete every row matching ``criteria``; returns how many went."""
        rows = self.conn.execute(select(table).where(*criteria)).mappings().all()
        if not rows:
            return 0
        cols = [c.name for c in table.columns]
        keycols = _pk(table)
        values = [[r[c] for c in cols] for r in rows]
        keys = [[r[k] for k in keycols] for r in rows]
        _delete_keys(self.conn, table, keycols, keys)
        self.forward.append({"op": "delete", "t": table.name, "cols": keycols, "keys": keys})
        self.inverse.append({"op": "insert", "t": table.name, "cols": cols, "rows": values})
        return len(rows)

    def delete(self, table: Table, key: Mapping[str, Any]) -> None:
        """Delete the row with primary key ``key``."""
        if not self.delete_where(table, _key_clause(table, key)):
            raise LookupError(f"{table.name} {dict(key)} does not exist")

    # -- recording ---------------------------------------------------------------------------

    def reserve_event(self) -> int:
        """The id this change's event will have (for rows that refer to their event)."""
        if self.event_id is None:
            self.event_id = int(
                self.conn.execute(
                    insert(events).returning(events.c.id),
                    {
                        "time": time.time(),
                        "coder_id": self.coder_id,
                        "action": "pending",
                        "summary": "",
                        "payload": "{}",
                        "state": "pending",
                    },
                ).scalar_one()
            )
        return self.event_id

    def record(self, action: str, summary: str, coder_id: int | None) -> int:
        """Write the event for this change; earlier undone events can no longer be redone."""
        now = time.time()
        self.conn.execute(
            update(events).where(events.c.state == "undone").values(state="discarded", changed=now)
        )
        payload = json.dumps({"do": self.forward, "undo": self.inverse}, ensure_ascii=False)
        event_id = self.reserve_event()
        self.conn.execute(
            update(events)
            .where(events.c.id == event_id)
            .values(
                time=now,
                coder_id=coder_id,
                action=action,
                summary=summary,
                payload=payload,
                state="done",
            )
        )
        return event_id


def _delete_keys(conn: Connection, table: Table, keycols: list[str], keys: list[list[Any]]) -> None:
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i : i + _CHUNK]
        if len(keycols) == 1:
            col = table.c[keycols[0]]
            conn.execute(delete(table).where(col.in_([k[0] for k in chunk])))
        else:
            cols = tuple_(*(table.c[k] for k in keycols))
            conn.execute(delete(table).where(cols.in_([tuple(k) for k in chunk])))


def apply_ops(conn: Connection, ops: Iterable[Op]) -> None:
    """Replay journalled operations (forward for redo, the reversed inverse list for undo)."""
    for op in ops:
        table = TABLES[op["t"]]
        if op["op"] == "insert":
            cols = op["cols"]
            rows = [dict(zip(cols, r, strict=True)) for r in op["rows"]]
            for i in range(0, len(rows), _CHUNK):
                conn.execute(insert(table), rows[i : i + _CHUNK])
        elif op["op"] == "delete":
            _delete_keys(conn, table, op["cols"], op["keys"])
        elif op["op"] == "update":
            conn.execute(update(table).where(_key_clause(table, op["key"])).values(**op["values"]))
        else:  # pragma: no cover - payloads are written only by Change
            raise ValueError(f"unknown journal operation {op['op']!r}")


def load_payload(payload: str) -> tuple[list[Op], list[Op]]:
    """The forward and inverse operation lists of an event."""
    data = json.loads(payload)
    return data["do"], data["undo"]
