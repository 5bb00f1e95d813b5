"""History: undo and redo of one's own changes, the event log, and news of colleagues' changes.

Undo takes back this coder's newest change still in effect; redo puts back the one undone most
recently. A step refuses, and says why, rather than overwrite or remove a colleague's later work
(see :func:`coder.store.journal.check_state` and :func:`coder.store.journal.later_overlap`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from coder.errors import Conflict, NothingToUndo
from coder.i18n import _
from coder.model import Event
from coder.store.core import FacadeCore
from coder.store.engine import CODEBOOK_LOCK, NOTIFY_CHANNEL
from coder.store.journal import (
    apply_ops,
    check_state,
    dump_payload,
    find_cycle,
    later_overlap,
    load_payload,
    materialise,
)
from coder.store.schema import coders, events


class HistoryOps(FacadeCore):
    """The history mixin of :class:`coder.project.Project`."""

    def undo(self) -> Event:
        """Undo this coder's newest change that is still in effect (a colleague's changes are
        theirs to undo). An undo that would remove many codings (an import, an autocode run, a
        merge) is preceded by a backup."""
        self._backup_if_bulk()
        return self._step("done", "undone")

    #: An undo removing more codings than this is backed up first.
    BULK_UNDO = 100

    def _my_events(self, conn: Connection, state: str):
        coder_id = self.ensure_coder(conn)
        order = events.c.id.desc() if state == "done" else events.c.id.asc()
        return (
            select(events.c.id, events.c.payload, events.c.summary)
            .where(events.c.state == state, events.c.coder_id == coder_id)
            .order_by(order)
            .limit(1)
        )

    def _backup_if_bulk(self) -> None:
        if self.path is None:
            return
        with self.read() as conn:
            row = conn.execute(
                select(events.c.payload)
                .select_from(events.join(coders, coders.c.id == events.c.coder_id))
                .where(events.c.state == "done", coders.c.name == self.coder)
                .order_by(events.c.id.desc())
                .limit(1)
            ).first()
        if row is None:
            return
        forward, _x = load_payload(row[0])
        removed = 0
        for op in forward:
            if op["op"] == "insert" and op["t"] == "codings":
                removed += (
                    (op["range"][1] - op["range"][0] + 1)
                    if "range" in op
                    else len(op.get("keys") or op.get("rows") or [])
                )
        if removed > self.BULK_UNDO:
            self.backup("before-undo")

    def redo(self) -> Event:
        """Redo this coder's change undone most recently (until they make a new change)."""
        return self._step("undone", "done")

    def _step(self, from_state: str, to_state: str) -> Event:
        word = "undo" if from_state == "done" else "redo"
        said = _("undo") if word == "undo" else _("redo")
        with self._writing(word) as conn:
            self._authorize(conn, word)
            if self.on_server:
                # Steps replay code-tree links without the facade's checks: they queue with
                # codebook edits, and the tree is checked below before anything is kept.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CODEBOOK_LOCK})")
            row = conn.execute(self._my_events(conn, from_state).with_for_update()).first()
            if row is None:
                raise NothingToUndo(
                    _("nothing to {word} for {coder}; the project is unchanged").format(
                        word=said, coder=self.coder
                    )
                )
            forward, inverse = load_payload(row.payload)
            # The rows must still be as this change left them (undo) or as undo left them
            # (redo), and no colleague may have built on them since: the step refuses rather
            # than overwrite or remove someone else's work.
            clash = check_state(conn, forward if word == "undo" else list(reversed(inverse)))
            if not clash and word == "undo":
                clash = later_overlap(conn, row.id, self.ensure_coder(conn), forward)
            if clash:
                raise Conflict(
                    _("cannot {word} “{summary}”: {clash}; nothing was changed").format(
                        word=said, summary=row.summary, clash=clash
                    )
                )
            values: dict[str, Any] = {"state": to_state, "changed": time.time()}
            try:
                with conn.begin_nested():
                    if to_state == "undone":
                        full = materialise(conn, forward)
                        if full != forward:
                            values["payload"] = dump_payload(full, inverse)
                        apply_ops(conn, reversed(inverse))
                    else:
                        apply_ops(conn, forward)
            except IntegrityError as exc:
                raise Conflict(
                    _(
                        "cannot {word} “{summary}”: other work now depends on it (a colleague coded with it or changed it); nothing was changed"
                    ).format(word=said, summary=row.summary)
                ) from exc
            if any(op["t"] == "code_parents" for op in forward) and find_cycle(conn):
                raise Conflict(
                    _(
                        "cannot {word} “{summary}”: with a colleague's moves since, the code tree would go round in a circle; nothing was changed"
                    ).format(word=said, summary=row.summary)
                )
            conn.execute(update(events).where(events.c.id == row.id).values(**values))
            if self.on_server:
                conn.exec_driver_sql(f"NOTIFY {NOTIFY_CHANNEL}, '{int(row.id)}'")
        return self.event(row.id)

    def event(self, event_id: int) -> Event:
        return self.log(event_id=event_id)[0]

    def log(self, *, event_id: int | None = None, limit: int | None = None) -> list[Event]:
        """The event log, oldest first (with ``limit``, the newest ``limit`` events)."""
        query = (
            select(
                events.c.id,
                events.c.time,
                coders.c.name,
                events.c.action,
                events.c.summary,
                events.c.state,
            )
            .select_from(events.outerjoin(coders, coders.c.id == events.c.coder_id))
            .order_by(events.c.id.desc())
        )
        if event_id is not None:
            query = query.where(events.c.id == event_id)
        if limit is not None:
            query = query.limit(limit)
        with self.read() as conn:
            rows = conn.execute(query).all()
        return [Event(*r) for r in reversed(rows)]

    def changes(self, stop: Callable[[], bool], interval: float = 1.0) -> Iterator[int]:
        """Yield (an event id, or 0) whenever the project may have changed, until ``stop()``.

        On a server each change arrives at once through LISTEN/NOTIFY on a connection of its
        own; in a file the change token is polled every ``interval`` seconds.
        """
        if not self.on_server:
            token = self.change_token()
            while not stop():
                time.sleep(interval)
                now = self.change_token()
                if now != token:
                    token = now
                    yield now[0]
            return
        lost = False
        while not stop():
            try:
                raw = self._engine.raw_connection()
            except Exception:  # the server is out of reach: try again in a while
                lost = True
                time.sleep(interval * 5)
                continue
            conn = raw.driver_connection
            assert conn is not None  # a pooled connection always has its driver connection
            raw.detach()  # LISTEN belongs to this connection alone, never back in the pool
            try:
                conn.autocommit = True
                conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                if lost:  # changes made while the connection was down were not announced
                    lost = False
                    yield 0
                while not stop():
                    for note in conn.notifies(timeout=interval):
                        yield int(note.payload or 0)
            except Exception:  # the connection went: listen again on a new one
                lost = True
                time.sleep(interval)
            finally:
                raw.close()

    def change_token(self) -> tuple[int, float]:
        """Changes whenever anyone changes the project (new event, undo or redo)."""
        from sqlalchemy import func

        with self.read() as conn:
            row = conn.execute(select(func.max(events.c.id), func.max(events.c.changed))).one()
        return (row[0] or 0, row[1] or 0.0)
