"""The Project facade: the one object that the CLI, the TUI and the tests call.

A project is opened (or created) from a path, and every method either answers a query or makes
one change. Each change is one database transaction that also writes its event (the rows it
touched and how to put them back), so undo and redo work across restarts, and a crash leaves the
project either before or after the change, never half-way.
"""

from __future__ import annotations

import getpass
import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import OperationalError

from coder.errors import Busy, NothingToUndo, ProjectError
from coder.facade.codebook import CodebookOps
from coder.facade.codings import CodingOps
from coder.facade.memos import MemoOps
from coder.facade.sources import SourceOps
from coder.facade.text import TextOps
from coder.model import RELATION_TYPES, Event
from coder.store import engine as store_engine
from coder.store.journal import Change, apply_ops, dump_payload, load_payload, materialise
from coder.store.schema import coders, events, relation_types, settings

#: Label prefix schemes that Chinese GT papers use; ``a01/A1/AA`` is the default.
LABEL_SCHEMES: dict[str, dict[str, dict[str, Any]]] = {
    "a01/A1/AA": {
        "open": {"prefix": "a", "width": 2},
        "axial": {"prefix": "A", "width": 1},
        "selective": {"prefix": "AA", "width": 0},
    },
    "a/A/AA": {
        "open": {"prefix": "a", "width": 1},
        "axial": {"prefix": "A", "width": 1},
        "selective": {"prefix": "AA", "width": 0},
    },
    "A/B/C": {
        "open": {"prefix": "A", "width": 1},
        "axial": {"prefix": "B", "width": 1},
        "selective": {"prefix": "C", "width": 1},
    },
}
DEFAULT_SCHEME = "a01/A1/AA"


def default_coder_name() -> str:
    """The coder a session works as: ``$CODER_USER``, else the login name."""
    name = os.environ.get("CODER_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or "coder"
    except Exception:  # no login name in some containers
        return "coder"


def new_guid() -> str:
    return str(uuid.uuid4())


class Project(SourceOps, CodebookOps, CodingOps, MemoOps, TextOps):
    """An open project. Use :meth:`create` or :meth:`open`; close it (or use ``with``)."""

    def __init__(self, engine: Engine, path: Path | None, coder: str | None = None) -> None:
        self._engine = engine
        self.path = path
        self.coder = coder or default_coder_name()
        self._coder_id: int | None = None

    # -- opening and creating ------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        title: str = "",
        lang: str = "zh",
        coder: str | None = None,
        scheme: str = DEFAULT_SCHEME,
    ) -> Project:
        """Create an empty project file at ``path`` (which must not exist)."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists; nothing was changed")
        if not path.parent.exists():
            raise ProjectError(f"{path.parent}: no such folder; nothing was created")
        if lang not in ("zh", "en"):
            raise ProjectError(f"language {lang!r} is not zh or en; nothing was created")
        if scheme not in LABEL_SCHEMES:
            raise ProjectError(f"unknown label scheme {scheme!r}; nothing was created")
        # Build the project beside its final name and move it in place when it is complete, so an
        # interrupted create leaves no half-made project behind.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.creating")
        engine = store_engine.sqlite_engine(tmp)
        try:
            store_engine.set_application_id(engine)
            store_engine.migrate(engine)
            with engine.begin() as conn:
                now = time.time()
                initial = {
                    "title": title or path.stem,
                    "language": lang,
                    "label_scheme": LABEL_SCHEMES[scheme],
                    "created": now,
                    "format": "coder-project/1",
                }
                conn.execute(
                    insert(settings),
                    [
                        {"key": k, "value": json.dumps(v, ensure_ascii=False)}
                        for k, v in initial.items()
                    ],
                )
                conn.execute(
                    insert(relation_types),
                    [
                        {"name": n, "label_zh": zh, "family": fam, "description": d}
                        for n, zh, fam, d in RELATION_TYPES
                    ],
                )
            store_engine.checkpoint(engine)
            engine.dispose()
            os.replace(tmp, path)
        except BaseException:
            engine.dispose()
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
            raise
        for leftover in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        return cls.open(path, coder=coder)

    @classmethod
    def open(cls, path: str | Path, *, coder: str | None = None) -> Project:
        """Open an existing project file, bringing its schema up to date."""
        path = Path(path)
        store_engine.check_project_file(path)
        engine = store_engine.sqlite_engine(path)
        try:
            revision = store_engine.current_revision(engine)
        except OperationalError as exc:
            engine.dispose()
            raise ProjectError(f"{path}: cannot be read ({exc.orig}); nothing was changed") from exc
        if revision is None:
            engine.dispose()
            raise ProjectError(f"{path}: not a coder project file; nothing was changed")
        if revision != store_engine.SCHEMA_HEAD:
            from coder.store.backup import backup

            backup(path, f"before-migration-{revision}")
            store_engine.migrate(engine)
        return cls(engine, path, coder)

    def backup(self, reason: str = "manual", dest: Path | None = None) -> Path:
        """A consistent copy of the project (see ``coder.store.backup``)."""
        from coder.store.backup import backup

        if self.path is None:  # pragma: no cover - server projects come later
            raise ProjectError("only project files can be backed up this way")
        return backup(self.path, reason, dest)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _change(self, action: str, summary: str) -> Iterator[Change]:
        """One change: a write transaction whose row operations become one event.

        The body may set ``change.summary`` once it knows more. If the body raises, nothing of
        the change is kept.
        """
        try:
            with self._engine.connect().execution_options(coder_write=True) as conn:
                with conn.begin():
                    coder_id = self._ensure_coder(conn)
                    change = Change(conn, summary, coder_id)
                    yield change
                    if change.forward:
                        change.event_id = change.record(action, change.summary, coder_id)
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise Busy(
                    f"{self.path}: the project is busy (another program is writing to it); "
                    "nothing was changed, try again"
                ) from exc
            raise

    def _ensure_coder(self, conn: Connection, name: str | None = None) -> int:
        """The id of coder ``name`` (default: this session's coder), created on first use.

        Coders are identities, not edits: creating one is not part of any undoable event.
        """
        name = name or self.coder
        if name == self.coder and self._coder_id is not None:
            return self._coder_id
        row = conn.execute(select(coders.c.id).where(coders.c.name == name)).first()
        if row is None:
            ident = conn.execute(
                insert(coders).returning(coders.c.id),
                {"guid": new_guid(), "name": name, "created": time.time()},
            ).scalar_one()
        else:
            ident = row[0]
        if name == self.coder:
            self._coder_id = int(ident)
        return int(ident)

    # -- settings ----------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        with self._read() as conn:
            row = conn.execute(select(settings.c.value).where(settings.c.key == key)).first()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        encoded = json.dumps(value, ensure_ascii=False)
        with self._change("set-setting", f"set {key}") as ch:
            exists = ch.conn.execute(select(settings.c.key).where(settings.c.key == key)).first()
            if exists:
                ch.update(settings, {"key": key}, {"value": encoded})
            else:
                ch.insert(settings, {"key": key, "value": encoded})

    @property
    def title(self) -> str:
        return str(self.setting("title", ""))

    @property
    def language(self) -> str:
        return str(self.setting("language", "zh"))

    def coders(self) -> list[str]:
        with self._read() as conn:
            return [r[0] for r in conn.execute(select(coders.c.name).order_by(coders.c.id))]

    # -- history -----------------------------------------------------------------------------

    def undo(self) -> Event:
        """Undo the newest change that is still in effect. An undo that would remove many
        codings (an import, an autocode run, a merge) is preceded by a backup."""
        self._backup_if_bulk()
        return self._step("done", "undone")

    #: An undo removing more codings than this is backed up first.
    BULK_UNDO = 100

    def _backup_if_bulk(self) -> None:
        with self._read() as conn:
            row = conn.execute(
                select(events.c.payload)
                .where(events.c.state == "done")
                .order_by(events.c.id.desc())
                .limit(1)
            ).first()
        if row is None or self.path is None:
            return
        forward, _ = load_payload(row[0])
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
        """Redo the change undone most recently (until a new change is made)."""
        return self._step("undone", "done")

    def _step(self, from_state: str, to_state: str) -> Event:
        order = events.c.id.desc() if from_state == "done" else events.c.id.asc()
        try:
            with self._engine.connect().execution_options(coder_write=True) as conn:
                with conn.begin():
                    row = conn.execute(
                        select(events.c.id, events.c.payload)
                        .where(events.c.state == from_state)
                        .order_by(order)
                        .limit(1)
                    ).first()
                    if row is None:
                        word = "undo" if from_state == "done" else "redo"
                        raise NothingToUndo(f"nothing to {word}; the project is unchanged")
                    forward, inverse = load_payload(row.payload)
                    values: dict[str, Any] = {"state": to_state, "changed": time.time()}
                    if to_state == "undone":
                        full = materialise(conn, forward)
                        if full != forward:
                            values["payload"] = dump_payload(full, inverse)
                        apply_ops(conn, reversed(inverse))
                    else:
                        apply_ops(conn, forward)
                    conn.execute(update(events).where(events.c.id == row.id).values(**values))
        except OperationalError as exc:
            if "locked" in str(exc.orig):
                raise Busy(f"{self.path}: the project is busy; nothing was changed") from exc
            raise
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
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [Event(*r) for r in reversed(rows)]

    def change_token(self) -> tuple[int, float]:
        """Changes whenever anyone changes the project (new event, undo or redo)."""
        from sqlalchemy import func

        with self._read() as conn:
            row = conn.execute(select(func.max(events.c.id), func.max(events.c.changed))).one()
        return (row[0] or 0, row[1] or 0.0)
