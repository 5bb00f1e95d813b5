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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

from coder.errors import (
    Busy,
    CoderError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    NothingToUndo,
    ProjectError,
)
from coder.facade.codebook import CodebookOps
from coder.facade.codings import CodingOps
from coder.facade.memos import MemoOps
from coder.facade.sources import SourceOps
from coder.facade.text import TextOps
from coder.model import RELATION_TYPES, Event
from coder.store import engine as store_engine
from coder.store.journal import (
    Change,
    RowGone,
    apply_ops,
    check_state,
    dump_payload,
    find_cycle,
    later_overlap,
    load_payload,
    materialise,
)
from coder.store.schema import coders, events, members, relation_types, settings

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

#: A member's role: an owner may do everything, a coder everything but the changes below, a
#: reader nothing but read.
ROLES = ("owner", "coder", "reader")
#: Changes that remove or replace parts of the codebook or the project: an owner's decision.
OWNER_ACTIONS = frozenset(
    {"delete-code", "merge-codes", "load-codebook", "merge", "set-setting", "change members"}
)
#: Changes to the code tree; on a server they take one lock so they never interleave.
CODEBOOK_ACTIONS = frozenset(
    {
        "add-code",
        "edit-code",
        "delete-code",
        "merge-codes",
        "split-code",
        "promote-code",
        "move-code",
        "attach-code",
        "detach-code",
        "set-core",
        "load-codebook",
        "code-new",
        "add-relation",
        "delete-relation",
        "add-relation-type",
        "merge",
        "import-refi",
    }
)
#: How refusals name a change.
ACTION_WORDS = {
    "code-new": "code",
    "add-code": "add codes",
    "edit-code": "edit codes",
    "delete-code": "delete codes",
    "merge-codes": "merge codes",
    "split-code": "split codes",
    "promote-code": "promote codes",
    "move-code": "move codes",
    "attach-code": "attach codes",
    "detach-code": "detach codes",
    "load-codebook": "load a codebook",
    "load-codings": "load codings",
    "merge": "merge another copy in",
    "set-setting": "change the project's settings",
    "add-memo": "write memos",
    "edit-memo": "edit memos",
    "delete-memo": "delete memos",
    "coding-memo": "write memos",
    "import": "import sources",
    "import-refi": "import sources",
}

#: pg_advisory_xact_lock key of codebook edits (any fixed number; "QDAC" in ASCII).
CODEBOOK_LOCK = 0x51444143
#: The channel on which a server announces each new event (LISTEN coder_changes).
NOTIFY_CHANNEL = "coder_changes"


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


def _server_coder(engine: Engine) -> str:
    """On a server one codes as one's login, unless ``$CODER_USER`` says otherwise."""
    name = os.environ.get("CODER_USER", "").strip()
    if name:
        return name
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT session_user").scalar_one())


def _constraint_reason(exc: IntegrityError) -> str:
    """What an integrity error means for the user (a colleague's change usually)."""
    text_ = str(exc.orig).splitlines()[0] if str(exc.orig) else ""
    if "foreign key" in text_.lower():
        return (
            "something it refers to was removed, or something still refers to what it removes "
            "(perhaps by a colleague's change just now)"
        )
    if "unique" in text_.lower() or "duplicate" in text_.lower():
        return "that name or passage exists already (perhaps a colleague's change just now)"
    return f"the project's rules refuse it ({text_})"


def _initial_rows(conn: Connection, title: str, lang: str, scheme: str) -> None:
    """The settings and relation types every new project starts with."""
    initial = {
        "title": title,
        "language": lang,
        "label_scheme": LABEL_SCHEMES[scheme],
        "created": time.time(),
        "format": "coder-project/1",
    }
    conn.execute(
        insert(settings),
        [{"key": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in initial.items()],
    )
    conn.execute(
        insert(relation_types),
        [
            {"name": n, "label_zh": zh, "family": fam, "description": d}
            for n, zh, fam, d in RELATION_TYPES
        ],
    )


class Project(SourceOps, CodebookOps, CodingOps, MemoOps, TextOps):
    """An open project. Use :meth:`create` or :meth:`open`; close it (or use ``with``)."""

    def __init__(
        self,
        engine: Engine,
        path: Path | None,
        coder: str | None = None,
        *,
        location: str | None = None,
    ) -> None:
        self._engine = engine
        self.path = path
        """The project file; None for a project on a server."""
        self.location = location or str(path)
        """Where the project is, as it may be shown (a server URL without its password)."""
        self.coder = coder or default_coder_name()
        self._coder_id: int | None = None
        self._user: str | None = None

    @property
    def on_server(self) -> bool:
        return self._engine.dialect.name == "postgresql"

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
        """Create an empty project at ``path``: a file (which must not exist) or a
        ``postgresql://`` URL naming a database that is empty or does not exist yet."""
        if lang not in ("zh", "en"):
            raise ProjectError(f"language {lang!r} is not zh or en; nothing was created")
        if scheme not in LABEL_SCHEMES:
            raise ProjectError(f"unknown label scheme {scheme!r}; nothing was created")
        if store_engine.is_server(path):
            return cls._create_on_server(
                str(path), title=title, lang=lang, coder=coder, scheme=scheme
            )
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists; nothing was changed")
        if not path.parent.exists():
            raise ProjectError(f"{path.parent}: no such folder; nothing was created")
        # Build the project beside its final name and move it in place when it is complete, so an
        # interrupted create leaves no half-made project behind.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.creating")
        engine = store_engine.sqlite_engine(tmp)
        try:
            store_engine.set_application_id(engine)
            store_engine.migrate(engine)
            with engine.begin() as conn:
                _initial_rows(conn, title or path.stem, lang, scheme)
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
    def _create_on_server(
        cls, location: str, *, title: str, lang: str, coder: str | None, scheme: str
    ) -> Project:
        """The whole create is one transaction (PostgreSQL's DDL is transactional)."""
        url = store_engine.server_url(location)
        where = store_engine.describe(location)
        created = store_engine.create_server_database(url)
        engine = store_engine.server_engine(url)
        try:
            try:
                tables = store_engine.table_names(engine)
            except OperationalError as exc:
                raise ProjectError(
                    f"{where}: cannot connect ({store_engine.server_reason(exc)}); "
                    "nothing was created"
                ) from exc
            if "alembic_version" in tables:
                raise ProjectError(f"{where}: already holds a coder project; nothing was changed")
            if tables:
                raise ProjectError(
                    f"{where}: the database already has {len(tables)} tables of something else; "
                    "use an empty database; nothing was changed"
                )
            try:
                with engine.connect().execution_options(coder_write=True) as conn, conn.begin():
                    store_engine.migrate_on(conn)
                    _initial_rows(conn, title or str(url.database), lang, scheme)
                    owner = conn.exec_driver_sql("SELECT session_user").scalar_one()
                    conn.execute(
                        insert(members), {"name": owner, "role": "owner", "added": time.time()}
                    )
            except ProgrammingError as exc:
                raise ProjectError(
                    f"{where}: cannot make the project's tables "
                    f"({store_engine.server_reason(exc)}); the database's owner or the "
                    "administrator must let this login create tables; nothing was created"
                ) from exc
        except BaseException:
            engine.dispose()
            if created:
                store_engine.drop_server_database(url)
            raise
        return cls(engine, None, coder or _server_coder(engine), location=where)

    @classmethod
    def open(cls, path: str | Path, *, coder: str | None = None) -> Project:
        """Open an existing project (a file or a ``postgresql://`` URL), bringing its schema
        up to date."""
        if store_engine.is_server(path):
            return cls._open_on_server(str(path), coder=coder)
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

    @classmethod
    def _open_on_server(cls, location: str, *, coder: str | None) -> Project:
        url = store_engine.server_url(location)
        where = store_engine.describe(location)
        engine = store_engine.server_engine(url)
        try:
            revision = store_engine.current_revision(engine)
        except ProgrammingError as exc:
            engine.dispose()
            raise ProjectError(
                f"{where}: {url.username or 'this login'} may not read this project "
                f"({store_engine.server_reason(exc)}); its owner adds members with "
                "coder member URL add LOGIN; nothing was changed"
            ) from exc
        except OperationalError as exc:
            engine.dispose()
            reason = store_engine.server_reason(exc)
            if "does not exist" in reason and "database" in reason:
                raise ProjectError(
                    f"{where}: no such database on the server, so no coder project (coder new "
                    "makes one); nothing was changed"
                ) from exc
            raise ProjectError(f"{where}: cannot connect ({reason}); nothing was changed") from exc
        if revision is None:
            engine.dispose()
            raise ProjectError(
                f"{where}: no coder project in this database (make one with coder new); "
                "nothing was changed"
            )
        upgraded = False
        if revision != store_engine.SCHEMA_HEAD:
            # One transaction: a failed migration leaves the project as it was.
            try:
                store_engine.migrate(engine)
            except ProgrammingError as exc:
                engine.dispose()
                raise ProjectError(
                    f"{where}: the project needs this version's schema upgrade, which only the "
                    "login that owns its tables (its creator) or an administrator may run; ask "
                    "them to open it once; nothing was changed"
                ) from exc
            upgraded = True
        project = cls(engine, None, coder or _server_coder(engine), location=where)
        if upgraded:
            project._grant_new_tables()
        return project

    def _grant_new_tables(self) -> None:
        """After an upgrade, members get their privileges on tables the upgrade added."""
        try:
            with self._writing("change members") as conn:
                current = self._members_locked(conn)
                self._regrant(conn, current, "")
        except CoderError:
            pass  # an owner's next `coder member add` grants them

    def backup(self, reason: str = "manual", dest: Path | None = None) -> Path:
        """A consistent copy of the project (see ``coder.store.backup``)."""
        from coder.store.backup import backup

        if self.path is None:
            raise ProjectError(
                f"{self.location}: a server project is backed up by copying it to a file "
                "(coder copy URL FILE) or by the server's own backups; nothing was written"
            )
        return backup(self.path, reason, dest)

    def copy_to(self, target: str | Path, progress=None):  # type: ignore[no-untyped-def]
        """Copy the whole project, history included, to ``target`` (a new file or an empty
        server database); see ``coder.store.copy``."""
        from coder.store.copy import copy_project

        if not store_engine.is_server(target) and self.path is not None:
            if Path(target).resolve() == Path(self.path).resolve():
                raise ProjectError(f"{target}: is the project itself; nothing was copied")
        return copy_project(self._engine, target, progress)

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
        with self._writing(action) as conn:
            self._authorize(conn, action)
            coder_id = self._ensure_coder(conn)
            if self.on_server and action in CODEBOOK_ACTIONS:
                # Codebook edits queue behind each other (codings do not wait for them), so the
                # tree checks of one edit always see the previous edit's result: two people
                # moving codes at once cannot make a cycle.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CODEBOOK_LOCK})")
            change = Change(conn, summary, coder_id)
            yield change
            if change.forward:
                change.event_id = change.record(action, change.summary, coder_id)
                if self.on_server:
                    conn.exec_driver_sql(f"NOTIFY {NOTIFY_CHANNEL}, '{change.event_id}'")

    @contextmanager
    def _writing(self, action: str) -> Iterator[Connection]:
        """A write transaction, with the database's refusals turned into one-line messages."""
        try:
            with self._engine.connect().execution_options(coder_write=True) as conn:
                with conn.begin():
                    try:
                        yield conn
                    except BaseException:
                        # The coder's row may have been made in this transaction and rolled back
                        # with it: look it up again next time.
                        self._coder_id = None
                        raise
        except IntegrityError as exc:
            raise Conflict(f"{action}: {_constraint_reason(exc)}; nothing was changed") from exc
        except RowGone as exc:
            raise Conflict(
                f"{action}: what it changes is gone ({exc}), perhaps removed by a colleague just "
                "now; nothing was changed"
            ) from exc
        except ProgrammingError as exc:
            if "permission denied" not in str(exc.orig):
                raise
            raise Forbidden(
                f"{action}: the server does not let {self.user()} write this "
                f"({store_engine.server_reason(exc)}); nothing was changed"
            ) from exc
        except OperationalError as exc:
            text_ = str(exc.orig)
            if "locked" in text_ or "busy" in text_ or "lock timeout" in text_:
                raise Busy(
                    f"{self.location}: the project is busy (someone else is writing the same "
                    "rows); nothing was changed, try again"
                ) from exc
            if "could not serialize" in text_ or "deadlock detected" in text_:
                raise Conflict(
                    f"{action}: a colleague changed the same rows at the same moment; "
                    "nothing was changed, try again"
                ) from exc
            raise

    # -- members and roles -------------------------------------------------------------------

    def user(self) -> str:
        """Who is working: the login on a server, the coder name in a file."""
        if self._user is None:
            if self.on_server:
                with self._read() as conn:
                    self._user = str(conn.exec_driver_sql("SELECT session_user").scalar_one())
            else:
                self._user = self.coder
        return self._user

    def members(self) -> list[tuple[str, str]]:
        """(name, role) of every member; empty for a personal project (no roles)."""
        with self._read() as conn:
            return [
                (r.name, r.role)
                for r in conn.execute(
                    select(members.c.name, members.c.role).order_by(members.c.name)
                )
            ]

    def role(self) -> str | None:
        """This session's role: owner, coder or reader; None if not a member. A project
        without members is personal and its user is its owner."""
        with self._read() as conn:
            return self._role(conn)

    def _role(self, conn: Connection) -> str | None:
        rows = dict(conn.execute(select(members.c.name, members.c.role)).all())
        if not rows:
            return "owner"
        return rows.get(self.user())

    def check_allowed(self, action: str) -> None:
        """Refuse early (before a backup, say) what this member's role does not allow."""
        with self._read() as conn:
            self._authorize(conn, action)

    def _authorize(self, conn: Connection, action: str) -> None:
        role = self._role(conn)
        user = self.user()
        words = ACTION_WORDS.get(action, action.replace("-", " "))
        if role is None:
            raise Forbidden(
                f"{user} is not a member of this project, so cannot {words}; the owner adds "
                f"members with: coder member PROJECT add {user} --role coder; nothing was changed"
            )
        if role == "reader":
            raise Forbidden(f"{user} is a reader here and cannot {words}; nothing was changed")
        if role == "coder" and action in OWNER_ACTIONS:
            raise Forbidden(
                f"{user} is a coder here; only an owner may {words}; nothing was changed"
            )
        if role == "coder" and self.on_server and self.coder != user:
            raise Forbidden(
                f"{user} codes as {user} on this server, not as {self.coder}; nothing was changed"
            )

    def set_member(self, name: str, role: str) -> None:
        """Give ``name`` a role (owner only). On a server ``name`` is a login role, and its
        table privileges follow: a reader may only read, even with another program."""
        name = name.strip()
        if role not in ROLES:
            raise InvalidInput(
                f"role {role!r} is not one of {', '.join(ROLES)}; nothing was changed"
            )
        if not name:
            raise InvalidInput("a member needs a name; nothing was changed")
        with self._writing("change members") as conn:
            current = self._members_locked(conn)
            if current:
                self._authorize(conn, "change members")
            now = time.time()
            if not current and not (name == self.user() and role == "owner"):
                # The first member of a personal project: its user becomes the owner first, so
                # nobody locks themselves out.
                self._grant(conn, self.user(), "owner")
                conn.execute(insert(members), {"name": self.user(), "role": "owner", "added": now})
                current[self.user()] = "owner"
            owners = [n for n, r in current.items() if r == "owner"]
            if current.get(name) == "owner" and role != "owner" and owners == [name]:
                raise InvalidInput(
                    f"{name} is the only owner; make someone else owner first; nothing was changed"
                )
            self._grant(conn, name, role)
            if current.get(name) == "owner" and role != "owner":
                self._regrant(conn, current, name)
            if name in current:
                conn.execute(update(members).where(members.c.name == name).values(role=role))
            else:
                conn.execute(insert(members), {"name": name, "role": role, "added": now})
            self._note(conn, "member", f"{name} is {role}")

    def remove_member(self, name: str) -> None:
        """Take ``name`` off the project (owner only); on a server its privileges go too."""
        with self._writing("change members") as conn:
            current = self._members_locked(conn)
            if name not in current:
                raise NotFound(f"{name} is not a member; nothing was changed")
            self._authorize(conn, "change members")
            if current[name] == "owner" and [r for r in current.values() if r == "owner"] == [
                "owner"
            ]:
                raise InvalidInput(
                    f"{name} is the only owner; make someone else owner first; nothing was changed"
                )
            self._grant(conn, name, None)
            if current[name] == "owner":
                self._regrant(conn, current, name)
            conn.execute(members.delete().where(members.c.name == name))
            self._note(conn, "member", f"{name} removed")

    def _members_locked(self, conn: Connection) -> dict[str, str]:
        """The members, with member changes queued behind each other on a server."""
        if self.on_server:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CODEBOOK_LOCK})")
        return dict(conn.execute(select(members.c.name, members.c.role)).all())

    def _regrant(self, conn: Connection, current: dict[str, str], former_owner: str) -> None:
        """Revoking a former owner's privileges also revoked what they had granted (CASCADE):
        grant every other member's privileges again."""
        if not self.on_server:
            return
        table_owner = conn.exec_driver_sql(
            "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'codings'"
        ).scalar()
        for other, role in current.items():
            if other not in (former_owner, self.user(), table_owner):
                self._grant(conn, other, role)

    def _grant(self, conn: Connection, name: str, role: str | None) -> None:
        """On a server, the login's table privileges for ``role`` (None: none at all)."""
        if not self.on_server:
            return
        if not conn.exec_driver_sql(
            "SELECT 1 FROM pg_roles WHERE rolname = %(n)s", {"n": name}
        ).first():
            raise NotFound(
                f"the server has no login {name}; its administrator creates it "
                f"(CREATE ROLE {name} LOGIN PASSWORD ...); nothing was changed"
            )
        who = conn.dialect.identifier_preparer.quote(name)
        db = conn.dialect.identifier_preparer.quote(str(conn.engine.url.database))
        statements = [
            # CASCADE: an owner's own grants to others go too (_regrant gives them back).
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who} CASCADE",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {who} CASCADE",
        ]
        if role is not None:
            statements += [
                f"GRANT CONNECT ON DATABASE {db} TO {who}",
                f"GRANT USAGE ON SCHEMA public TO {who}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {who}"
                + (" WITH GRANT OPTION" if role == "owner" else ""),
            ]
        if role in ("owner", "coder"):
            grant_option = " WITH GRANT OPTION" if role == "owner" else ""
            statements += [
                f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}{grant_option}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}{grant_option}",
            ]
        if role == "coder":
            # Who may do what is an owner's business, with any program.
            statements.append(
                f"REVOKE INSERT, UPDATE, DELETE ON members, settings, alembic_version FROM {who}"
            )
        try:
            with conn.begin_nested():
                for statement in statements:
                    conn.exec_driver_sql(statement)
                # A co-owner cannot revoke what another owner granted: check what holds now.
                can_write = conn.exec_driver_sql(
                    "SELECT has_table_privilege(%(n)s, 'public.codings', 'INSERT')", {"n": name}
                ).scalar()
                superuser = conn.exec_driver_sql(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = %(n)s", {"n": name}
                ).scalar()
                if not superuser and bool(can_write) != (role in ("owner", "coder")):
                    raise Forbidden(
                        f"the server kept {name}'s privileges as another owner granted them; the "
                        "project's creator or the administrator can change them; nothing was changed"
                    )
        except DBAPIError as exc:
            raise Forbidden(
                f"the server refused to change {name}'s privileges "
                f"({store_engine.server_reason(exc)}); nothing was changed"
            ) from exc

    def _note(self, conn: Connection, action: str, summary: str) -> None:
        """An event that is history only: it cannot be undone (membership, for instance)."""
        conn.execute(
            insert(events),
            {
                "time": time.time(),
                "coder_id": self._ensure_coder(conn),
                "action": action,
                "summary": summary,
                "payload": dump_payload([], []),
                "state": "final",
            },
        )
        if self.on_server:
            conn.exec_driver_sql(f"NOTIFY {NOTIFY_CHANNEL}, '0'")

    def _ensure_coder(self, conn: Connection, name: str | None = None) -> int:
        """The id of coder ``name`` (default: this session's coder), created on first use.

        Coders are identities, not edits: creating one is not part of any undoable event.
        """
        name = name or self.coder
        if name == self.coder and self._coder_id is not None:
            return self._coder_id
        row = conn.execute(select(coders.c.id).where(coders.c.name == name)).first()
        if row is None:
            # Two coders' first changes may race to add the same name: the loser takes the
            # winner's row instead of failing.
            dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            conn.execute(
                dialect_insert(coders)
                .values(guid=new_guid(), name=name, created=time.time())
                .on_conflict_do_nothing(index_elements=["name"])
            )
            row = conn.execute(select(coders.c.id).where(coders.c.name == name)).first()
        ident = row[0]  # type: ignore[index]
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
        """Undo this coder's newest change that is still in effect (a colleague's changes are
        theirs to undo). An undo that would remove many codings (an import, an autocode run, a
        merge) is preceded by a backup."""
        self._backup_if_bulk()
        return self._step("done", "undone")

    #: An undo removing more codings than this is backed up first.
    BULK_UNDO = 100

    def _my_events(self, conn: Connection, state: str):  # type: ignore[no-untyped-def]
        coder_id = self._ensure_coder(conn) if state else None
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
        with self._read() as conn:
            row = conn.execute(
                select(events.c.payload)
                .select_from(events.join(coders, coders.c.id == events.c.coder_id))
                .where(events.c.state == "done", coders.c.name == self.coder)
                .order_by(events.c.id.desc())
                .limit(1)
            ).first()
        if row is None:
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
        """Redo this coder's change undone most recently (until they make a new change)."""
        return self._step("undone", "done")

    def _step(self, from_state: str, to_state: str) -> Event:
        word = "undo" if from_state == "done" else "redo"
        with self._writing(word) as conn:
            self._authorize(conn, word)
            if self.on_server:
                # Steps replay code-tree links without the facade's checks: they queue with
                # codebook edits, and the tree is checked below before anything is kept.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CODEBOOK_LOCK})")
            row = conn.execute(self._my_events(conn, from_state).with_for_update()).first()
            if row is None:
                raise NothingToUndo(f"nothing to {word} for {self.coder}; the project is unchanged")
            forward, inverse = load_payload(row.payload)
            # The rows must still be as this change left them (undo) or as undo left them
            # (redo), and no colleague may have built on them since: the step refuses rather
            # than overwrite or remove someone else's work.
            clash = check_state(conn, forward if word == "undo" else list(reversed(inverse)))
            if not clash and word == "undo":
                clash = later_overlap(conn, row.id, self._ensure_coder(conn), forward)
            if clash:
                raise Conflict(f"cannot {word} “{row.summary}”: {clash}; nothing was changed")
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
                    f"cannot {word} “{row.summary}”: other work now depends on it "
                    "(a colleague coded with it or changed it); nothing was changed"
                ) from exc
            if any(op["t"] == "code_parents" for op in forward) and find_cycle(conn):
                raise Conflict(
                    f"cannot {word} “{row.summary}”: with a colleague's moves since, the code "
                    "tree would go round in a circle; nothing was changed"
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
        with self._read() as conn:
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
        raw = self._engine.raw_connection()
        conn = raw.driver_connection
        raw.detach()  # LISTEN belongs to this connection alone, never back in the pool
        try:
            conn.autocommit = True  # type: ignore[union-attr]
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")  # type: ignore[union-attr]
            while not stop():
                for note in conn.notifies(timeout=interval):  # type: ignore[union-attr]
                    yield int(note.payload or 0)
        finally:
            raw.close()

    def change_token(self) -> tuple[int, float]:
        """Changes whenever anyone changes the project (new event, undo or redo)."""
        from sqlalchemy import func

        with self._read() as conn:
            row = conn.execute(select(func.max(events.c.id), func.max(events.c.changed))).one()
        return (row[0] or 0, row[1] or 0.0)
