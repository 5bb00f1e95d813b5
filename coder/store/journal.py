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

Length: one module on purpose. :class:`Change`, the operation encoders and undo/redo apply
the same row-operation format; split apart, the format would be defined in one file and
interpreted in another, and a change to one side could silently break replay of old events.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    tuple_,
    update,
)

from coder.store.schema import DERIVED_COLUMNS, TABLES, events, id_sequences

Op = dict[str, Any]

#: Rows per statement in bulk inserts and deletes (within SQLite's variable limit).
_CHUNK = 500


class RowGone(LookupError):
    """A row a change meant to update or delete is not there (a colleague removed it)."""


def _pk(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _key_clause(table: Table, key: Mapping[str, Any]):
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
        self._handed: dict[str, int] = {}
        """Next ids handed out in this change, saved once when it is recorded (SQLite)."""

    # -- writing -----------------------------------------------------------------------------

    def insert(self, table: Table, row: Mapping[str, Any]) -> int:
        """Insert one row; returns its integer id (0 for tables keyed otherwise)."""
        ids = self.insert_many(table, [row])
        return ids[0] if ids else 0

    def insert_many(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """Insert rows (all with the same keys); returns their ids for tables with an ``id``."""
        if not rows:
            return []
        cols = list(rows[0].keys())
        return self.insert_values(table, cols, [[r[c] for c in cols] for r in rows])

    def insert_values(
        self, table: Table, cols: list[str], values: Sequence[Sequence[Any]]
    ) -> list[int]:
        """Insert rows given as value sequences in ``cols`` order; returns ids where the table
        has an integer ``id`` (handed out here when ``cols`` has none)."""
        if not values:
            return []
        pk = _pk(table)
        key: dict[str, Any]
        if pk == ["id"] and "id" not in cols:
            if self.conn.dialect.name == "postgresql":
                ids = self._insert_returning_ids(table, cols, values)
            else:
                ids = new_ids(self.conn, table, len(values), self._handed)
                bulk_insert(
                    self.conn,
                    table,
                    ["id", *cols],
                    [(i, *v) for i, v in zip(ids, values, strict=True)],
                )
            first, last = min(ids), max(ids)
            if last - first + 1 == len(ids):
                key = {"cols": ["id"], "range": [first, last]}
            else:  # a server handed out ids to a colleague in between
                key = {"cols": ["id"], "keys": [[i] for i in ids]}
        else:
            bulk_insert(self.conn, table, cols, values)
            keys = [[v[cols.index(k)] for k in pk] for v in values]
            key = {"cols": pk, "keys": keys}
            ids = [k[0] for k in keys] if pk == ["id"] else []
        # The forward operation names the rows by key only: undo copies the rows into the event
        # before deleting them (see materialise), so redo can put them back. A large import thus
        # does not store its text twice.
        self.forward.append({"op": "insert", "t": table.name, **key})
        self.inverse.append({"op": "delete", "t": table.name, **key})
        return ids

    def _insert_returning_ids(
        self, table: Table, cols: list[str], values: Sequence[Sequence[Any]]
    ) -> list[int]:
        """On a server the table's sequence gives the ids as the rows go in: one round trip per
        batch, and coders writing at once never wait for each other's ids."""
        ids: list[int] = []
        for i in range(0, len(values), _CHUNK):
            ids += self.conn.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                [dict(zip(cols, v, strict=True)) for v in values[i : i + _CHUNK]],
            ).scalars()
        return ids

    def update(self, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        """Update the columns ``values`` of the row with primary key ``key``."""
        names = list(values)
        old = self.conn.execute(
            select(*(table.c[n] for n in names)).where(_key_clause(table, key))
        ).first()
        if old is None:
            raise RowGone(f"{table.name} {dict(key)} does not exist")
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
            raise RowGone(f"{table.name} {dict(key)} does not exist")

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

    def record(self, action: str, summary: str, coder_id: int | None, notify: str = "") -> int:
        """Write the event for this change; this coder's earlier undone events can no longer be
        redone (colleagues' stay redoable). ``notify``: a LISTEN channel told of the event (on a
        server, where all of it is one statement: one round trip to a distant server)."""
        now = time.time()
        payload = dump_payload(self.forward, self.inverse)
        if self.conn.dialect.name == "postgresql" and self.event_id is None:
            self.event_id = int(
                self.conn.execute(
                    _RECORD,
                    {
                        "time": now,
                        "coder_id": coder_id,
                        "action": action,
                        "summary": summary,
                        "payload": payload,
                        "channel": notify,
                    },
                ).scalar_one()
            )
            return self.event_id
        self.conn.execute(
            update(events)
            .where(events.c.state == "undone", events.c.coder_id == coder_id)
            .values(state="discarded", changed=now)
        )
        if self.conn.dialect.name != "postgresql":
            save_ids(self.conn, self._handed)
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
        if notify:
            self.conn.execute(
                text("SELECT pg_notify(:channel, :id)"), {"channel": notify, "id": str(event_id)}
            )
        return event_id


#: A server's record of a change in one statement: discard this coder's undone events, write the
#: event, and tell listeners (data-modifying CTEs run once, whatever the SELECT reads).
_RECORD = text(
    "WITH discarded AS ("
    " UPDATE events SET state = 'discarded', changed = :time"
    " WHERE state = 'undone' AND coder_id = :coder_id RETURNING id"
    "), made AS ("
    " INSERT INTO events (time, coder_id, action, summary, payload, state)"
    " VALUES (:time, :coder_id, :action, :summary, :payload, 'done') RETURNING id"
    ") SELECT id, CASE WHEN :channel = '' THEN NULL"
    " ELSE pg_notify(:channel, id::text) END FROM made"
)


def new_ids(conn: Connection, table: Table, count: int, handed: dict[str, int]) -> list[int]:
    """``count`` fresh ids for ``table`` in a project file, ascending; never handed out twice
    (an undone change keeps its ids for its redo). A server hands out ids from each table's
    sequence instead (see :meth:`Change.insert_values`).

    From the table's entry in ``id_sequences`` (never below max(id)+1), safe because every change
    holds the file's write lock (BEGIN IMMEDIATE), so a bulk insert's ids are one range.
    ``handed`` carries a change's next ids from call to call (an import inserts table by table for
    each of its sources); :func:`save_ids` writes them back before the change commits.
    """
    first = handed.get(table.name)
    if first is None:
        top = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        kept = conn.execute(
            select(id_sequences.c.next).where(id_sequences.c.name == table.name)
        ).scalar()
        first = max(top + 1, kept or 1)
    handed[table.name] = first + count
    return list(range(first, first + count))


def save_ids(conn: Connection, handed: dict[str, int]) -> None:
    """Record the next ids of a project file's tables (see :func:`new_ids`)."""
    for name, nxt in handed.items():
        done = conn.execute(
            update(id_sequences).where(id_sequences.c.name == name).values(next=nxt)
        ).rowcount
        if not done:
            conn.execute(insert(id_sequences).values(name=name, next=nxt))


def bulk_insert(
    conn: Connection, table: Table, cols: list[str], values: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows given as value lists in ``cols`` order."""
    if conn.dialect.name == "sqlite":
        # The DB-API's executemany on the same connection (and transaction) skips SQLAlchemy's
        # per-row parameter processing, which dominates bulk loads of codings.
        names = ", ".join(f'"{c}"' for c in cols)
        marks = ", ".join("?" for _ in cols)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)
        finally:
            cursor.close()
        return
    for i in range(0, len(values), _CHUNK):
        conn.execute(
            insert(table), [dict(zip(cols, v, strict=True)) for v in values[i : i + _CHUNK]]
        )


def materialise(conn: Connection, forward: list[Op]) -> list[Op]:
    """Forward operations with the full rows of every insert, read before undo deletes them."""
    out = []
    for op in forward:
        if op["op"] == "insert" and "rows" not in op:
            table = TABLES[op["t"]]
            allcols = [c.name for c in table.columns]
            rows: list[list[Any]] = []
            keycols = op["cols"]
            if "range" in op:
                first, last = op["range"]
                wheres = [table.c.id.between(first, last)]
            else:
                wheres = []
                for i in range(0, len(op["keys"]), _CHUNK):
                    chunk = op["keys"][i : i + _CHUNK]
                    if len(keycols) == 1:
                        wheres.append(table.c[keycols[0]].in_([k[0] for k in chunk]))
                    else:
                        wheres.append(
                            tuple_(*(table.c[k] for k in keycols)).in_([tuple(k) for k in chunk])
                        )
            for where in wheres:
                rows.extend(list(r) for r in conn.execute(select(table).where(where)))
            op = {"op": "insert", "t": op["t"], "cols": allcols, "rows": rows}
        out.append(op)
    return out


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
        table = _table(op)
        if op["op"] == "insert":
            if "rows" not in op:  # pragma: no cover - _step materialises before undo
                raise ValueError("insert operation without rows cannot be replayed")
            bulk_insert(conn, table, op["cols"], op["rows"])
        elif op["op"] == "delete" and "range" in op:
            conn.execute(delete(table).where(table.c.id.between(*op["range"])))
        elif op["op"] == "delete":
            _delete_keys(conn, table, op["cols"], op["keys"])
        elif op["op"] == "update":
            conn.execute(update(table).where(_key_clause(table, op["key"])).values(**op["values"]))
        else:  # pragma: no cover - payloads are written only by Change
            raise ValueError(f"unknown journal operation {op['op']!r}")


#: Tables whose rows changes journal. Membership, the journal itself and id bookkeeping are
#: never replayed, whatever an event's payload says (a payload edited by hand cannot reach them).
JOURNALED = frozenset(TABLES) - {"events", "members", "id_sequences"}


def _table(op: Op) -> Table:
    if op["t"] not in JOURNALED:
        raise ValueError(f"a journal operation on {op['t']!r} is not allowed")
    return TABLES[op["t"]]


def op_keys(op: Op) -> tuple[str, tuple[int, int] | None, list[tuple[Any, ...]]]:
    """The rows an operation names: (table, an id range or None, primary keys)."""
    table = _table(op)
    pk = _pk(table)
    if op["op"] == "update":
        return op["t"], None, [tuple(op["key"][k] for k in pk)]
    if "range" in op:
        return op["t"], (op["range"][0], op["range"][1]), []
    if "rows" in op:
        idx = [op["cols"].index(k) for k in pk]
        return op["t"], None, [tuple(r[i] for i in idx) for r in op["rows"]]
    return op["t"], None, [tuple(k) for k in op["keys"]]


def check_state(conn: Connection, ops: Sequence[Op]) -> str:
    """Whether the rows are as ``ops`` left them; '' if so, else what differs (for a message).

    Undo checks the forward operations of the change it reverts and redo the inverse ones in
    the order undo applied them, so neither overwrites a colleague's later change to the same
    rows. What is checked is the end state of each row after all of ``ops`` (a change may insert
    a row and then update it). The rows read are locked (FOR UPDATE on a server) until the step
    commits, so a colleague's write cannot slip in between this check and the step.
    """
    exists: dict[tuple[str, tuple[Any, ...]], bool] = {}
    values: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = {}
    ranges: list[tuple[str, int, int]] = []
    for op in ops:
        name, rng, keys = op_keys(op)
        if op["op"] == "update":
            # A cached column (sentence boundaries) may have been computed again since, under
            # new rules: that is nobody's work to protect.
            derived = DERIVED_COLUMNS.get(name, frozenset())
            kept = {k: v for k, v in op["values"].items() if k not in derived}
            if kept:
                values.setdefault((name, keys[0]), {}).update(kept)
            continue
        if rng is not None:
            if op["op"] == "insert":
                ranges.append((name, *rng))
            continue
        for k in keys:
            exists[(name, k)] = op["op"] == "insert"
            if op["op"] == "delete":
                values.pop((name, k), None)
    for name, first, last in ranges:
        table = TABLES[name]
        present = len(
            conn.execute(
                select(table.c.id).where(table.c.id.between(first, last)).with_for_update()
            ).all()
        )
        if present != last - first + 1:
            return f"a colleague has since removed {last - first + 1 - present} of the {_what(name)} it added"
    by_table: dict[str, list[tuple[tuple[Any, ...], bool]]] = {}
    for (name, k), there in exists.items():
        by_table.setdefault(name, []).append((k, there))
    for name, wanted in by_table.items():
        table = TABLES[name]
        keycols = _pk(table)
        found: set[tuple[Any, ...]] = set()
        for i in range(0, len(wanted), _CHUNK):
            chunk = [k for k, _ in wanted[i : i + _CHUNK]]
            if len(keycols) == 1:
                where = table.c[keycols[0]].in_([k[0] for k in chunk])
            else:
                where = tuple_(*(table.c[c] for c in keycols)).in_(chunk)
            found.update(
                tuple(r)
                for r in conn.execute(
                    select(*(table.c[c] for c in keycols)).where(where).with_for_update()
                )
            )
        missing = sum(1 for k, there in wanted if there and k not in found)
        back = sum(1 for k, there in wanted if not there and k in found)
        if missing:
            return f"a colleague has since removed {missing} of the {_what(name)} it added"
        if back:
            return f"a colleague has since added back {back} of the {_what(name)} it removed"
    for (name, k), cols in values.items():
        table = TABLES[name]
        names = list(cols)
        row = conn.execute(
            select(*(table.c[n] for n in names))
            .where(and_(*(table.c[c] == v for c, v in zip(_pk(table), k, strict=True))))
            .with_for_update()
        ).first()
        if row is None:
            return f"a colleague has since removed the {_what(name)} it changed"
        if dict(zip(names, row, strict=True)) != cols:
            return f"a colleague has since changed the same {_what(name)}"
    return ""


#: Memos point at their target by type and id (no foreign key): a colleague's memo on a row that
#: an undo would remove must stop the undo.
_MEMO_TARGETS = {
    "codes": "code",
    "sources": "source",
    "codings": "coding",
    "relations": "relation",
    "cases": "case",
}


def later_overlap(conn: Connection, event_id: int, coder_id: int, forward: Sequence[Op]) -> str:
    """Whether someone else's change made after event ``event_id`` (and still in effect) touched
    a row that this event touched; '' if not, else what happened (for a message).

    Undoing the event would otherwise remove or rewind their work silently: a row this event
    added that a colleague has since edited, or coded with, or written a memo on.
    """
    from coder.store.schema import coders, memos

    ranges: dict[str, list[tuple[int, int]]] = {}
    keys: set[tuple[str, tuple[Any, ...]]] = set()
    inserted: dict[str, tuple[list[tuple[int, int]], list[int]]] = {}
    for op in forward:
        name, rng, ks = op_keys(op)
        if rng is not None:
            ranges.setdefault(name, []).append(rng)
        keys.update((name, k) for k in ks)
        if op["op"] == "insert" and name in (*_MEMO_TARGETS, "memos"):
            got = inserted.setdefault(name, ([], []))
            if rng is not None:
                got[0].append(rng)
            got[1].extend(int(k[0]) for k in ks)

    def mine(name: str, rng: tuple[int, int] | None, ks: list[tuple[Any, ...]]) -> bool:
        if rng is not None:
            if any((t == name and len(k) == 1 and rng[0] <= k[0] <= rng[1]) for t, k in keys):
                return True
            return any(a <= rng[1] and rng[0] <= b for a, b in ranges.get(name, []))
        for k in ks:
            if (name, k) in keys:
                return True
            if len(k) == 1 and any(a <= k[0] <= b for a, b in ranges.get(name, [])):
                return True
        return False

    later = conn.execute(
        select(events.c.payload, events.c.summary, coders.c.name)
        .select_from(events.outerjoin(coders, coders.c.id == events.c.coder_id))
        .where(
            events.c.id > event_id,
            events.c.state == "done",
            or_(events.c.coder_id != coder_id, events.c.coder_id.is_(None)),
        )
        .order_by(events.c.id)
    )
    for payload, summary, who in later:
        for op in load_payload(payload)[0]:
            name, rng, ks = op_keys(op)
            if mine(name, rng, ks):
                return (
                    f"{who or 'a colleague'} has since changed the same {_what(name)} (“{summary}”)"
                )
    own_memos = inserted.get("memos", ([], []))
    for table, kind in _MEMO_TARGETS.items():
        if table not in inserted:
            continue
        rngs, ids = inserted[table]
        wheres = [memos.c.target_id.between(a, b) for a, b in rngs]
        wheres += [memos.c.target_id.in_(ids[i : i + _CHUNK]) for i in range(0, len(ids), _CHUNK)]
        for where in wheres:
            memo_ids = conn.execute(
                select(memos.c.id).where(memos.c.target_type == kind, where)
            ).scalars()
            for memo_id in memo_ids:
                if memo_id in own_memos[1] or any(a <= memo_id <= b for a, b in own_memos[0]):
                    continue
                return f"a colleague has since written a memo on the {_what(table)} it added"
    return ""


def find_cycle(conn: Connection) -> list[int]:
    """Code ids around a cycle in the code tree, or [] (the tree must stay a tree: a check after
    undo and redo, which replay links without the facade's checks)."""
    from coder.store.schema import code_parents

    parents: dict[int, list[int]] = {}
    for child, parent in conn.execute(select(code_parents.c.child_id, code_parents.c.parent_id)):
        parents.setdefault(child, []).append(parent)
    state: dict[int, int] = {}  # 1: on the path, 2: done
    for start in list(parents):
        if state.get(start):
            continue
        path: list[int] = []
        stack: list[tuple[int, int]] = [(start, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            nexts = parents.get(node, [])
            if i < len(nexts):
                stack.append((node, i + 1))
                nxt = nexts[i]
                if state.get(nxt) == 1:
                    return path[path.index(nxt) :]
                if not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return []


def _what(table: str) -> str:
    return {"code_parents": "code tree links", "codes": "codes", "codings": "codings"}.get(
        table, table.replace("_", " ") + " rows"
    )


def load_payload(payload: str) -> tuple[list[Op], list[Op]]:
    """The forward and inverse operation lists of an event."""
    data = json.loads(payload)
    return data["do"], data["undo"]


def dump_payload(forward: list[Op], inverse: list[Op]) -> str:
    return json.dumps({"do": forward, "undo": inverse}, ensure_ascii=False)
