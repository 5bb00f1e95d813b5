"""The Project facade: the one object that the CLI, the TUI and the tests call.

A project is opened (or created) from a path, and every method either answers a query or makes
one change. Each change is one database transaction that also writes its event (the rows it
touched and how to put them back), so undo and redo work across restarts, and a crash leaves the
project either before or after the change, never half-way.

Length: the facade's one class; its methods are thin entries into :mod:`coder.facade`
and the subpackages, and keeping them together is what makes it the one list of what a
project can do.
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

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from coder.errors import (
    Busy,
    CoderError,
    Conflict,
    Forbidden,
    NoProject,
    ProjectError,
)
from coder.facade.codebook import CodebookOps
from coder.facade.codings import CodingOps
from coder.facade.history import HistoryOps
from coder.facade.members import ACTION_WORDS, OWNER_ACTIONS, ROLES, MemberOps
from coder.facade.memos import MemoOps
from coder.facade.restructure import RestructureOps
from coder.facade.sets import SetOps
from coder.facade.sheets import AttributeOps, SheetOps
from coder.facade.sources import SourceOps
from coder.facade.suggestions import SuggestionOps
from coder.facade.text import TextOps
from coder.facade.views import ViewOps
from coder.i18n import _
from coder.model import RELATION_TYPES
from coder.store import engine as store_engine
from coder.store.engine import CODEBOOK_LOCK, NOTIFY_CHANNEL
from coder.store.journal import (
    Change,
    RowGone,
)
from coder.store.schema import coders, members, relation_types, settings

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
__all__ = ["ACTION_WORDS", "OWNER_ACTIONS", "ROLES", "LABEL_SCHEMES", "Project"]

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
        "import-maxqda",
    }
)


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


class Project(
    SourceOps,
    CodebookOps,
    RestructureOps,
    CodingOps,
    SuggestionOps,
    MemoOps,
    TextOps,
    MemberOps,
    HistoryOps,
    SheetOps,
    AttributeOps,
    SetOps,
    ViewOps,
):
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
        self._user = None

    @property
    def on_server(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    # -- opening and creating ------------------------------------------------------------------

    @staticmethod
    def is_server_location(location: str | Path) -> bool:
        """Whether ``location`` names a team server (a PostgreSQL URL) rather than a file."""
        return store_engine.is_server(location)

    @staticmethod
    def describe_location(location: str | Path) -> str:
        """``location`` as it may be shown: a server URL without its password."""
        return store_engine.describe(location)

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
            raise ProjectError(
                _("language {lang!r} is not zh or en; nothing was created").format(lang=lang)
            )
        if scheme not in LABEL_SCHEMES:
            raise ProjectError(
                _("unknown label scheme {scheme!r}; nothing was created").format(scheme=scheme)
            )
        if store_engine.is_server(path):
            return cls._create_on_server(
                str(path), title=title, lang=lang, coder=coder, scheme=scheme
            )
        path = Path(path)
        if path.exists():
            raise ProjectError(_("{path}: already exists; nothing was changed").format(path=path))
        if not path.parent.exists():
            raise ProjectError(
                _("{parent}: no such folder; nothing was created").format(parent=path.parent)
            )
        with store_engine.new_project_file(path, "creating") as engine:
            store_engine.migrate(engine)
            with engine.begin() as conn:
                _initial_rows(conn, title or path.stem, lang, scheme)
        return cls.open(path, coder=coder)

    @classmethod
    def _create_on_server(
        cls, location: str, *, title: str, lang: str, coder: str | None, scheme: str
    ) -> Project:
        """The whole create is one transaction (PostgreSQL's DDL is transactional)."""
        url = store_engine.server_url(location)
        where = store_engine.describe(location)
        with store_engine.new_server_database(location, _("nothing was created")) as (
            engine,
            tables,
        ):
            if "alembic_version" in tables:
                raise ProjectError(
                    _("{where}: already holds a coder project; nothing was changed").format(
                        where=where
                    )
                )
            if tables:
                raise ProjectError(
                    _(
                        "{where}: the database already has {n_tables} tables of something else; use an empty database; nothing was changed"
                    ).format(where=where, n_tables=len(tables))
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
                    _(
                        "{where}: cannot make the project's tables ({server_reason}); the database's owner or the administrator must let this login create tables; nothing was created"
                    ).format(where=where, server_reason=store_engine.server_reason(exc))
                ) from exc
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
            raise ProjectError(
                _("{path}: cannot be read ({orig}); nothing was changed").format(
                    path=path, orig=exc.orig
                )
            ) from exc
        if revision is None:
            engine.dispose()
            raise ProjectError(
                _("{path}: not a coder project file; nothing was changed").format(path=path)
            )
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
                _(
                    "{where}: {url_username_or_this} may not read this project ({server_reason}); its owner adds members with coder member URL add LOGIN; nothing was changed"
                ).format(
                    where=where,
                    url_username_or_this=url.username or "this login",
                    server_reason=store_engine.server_reason(exc),
                )
            ) from exc
        except OperationalError as exc:
            engine.dispose()
            reason = store_engine.server_reason(exc)
            if "does not exist" in reason and "database" in reason:
                raise NoProject(
                    _(
                        "{where}: no such database on the server, so no coder project (coder new makes one); nothing was changed"
                    ).format(where=where)
                ) from exc
            raise ProjectError(
                _("{where}: cannot connect ({reason}); nothing was changed").format(
                    where=where, reason=reason
                )
            ) from exc
        if revision is None:
            engine.dispose()
            raise NoProject(
                _(
                    "{where}: no coder project in this database (make one with coder new); nothing was changed"
                ).format(where=where)
            )
        upgraded = False
        if revision != store_engine.SCHEMA_HEAD:
            # One transaction: a failed migration leaves the project as it was.
            try:
                store_engine.migrate(engine)
            except ProgrammingError as exc:
                engine.dispose()
                raise ProjectError(
                    _(
                        "{where}: the project needs this version's schema upgrade, which only the login that owns its tables (its creator) or an administrator may run; ask them to open it once; nothing was changed"
                    ).format(where=where)
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
                _(
                    "{location}: a server project is backed up by copying it to a file (coder copy URL FILE) or by the server's own backups; nothing was written"
                ).format(location=self.location)
            )
        return backup(self.path, reason, dest)

    def copy_to(self, target: str | Path, progress=None):
        """Copy the whole project, history included, to ``target`` (a new file or an empty
        server database); see ``coder.store.copy``."""
        from coder.store.copy import copy_project

        if not store_engine.is_server(target) and self.path is not None:
            if Path(target).resolve() == Path(self.path).resolve():
                raise ProjectError(
                    _("{target}: is the project itself; nothing was copied").format(target=target)
                )
        return copy_project(self._engine, target, progress)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                if self.on_server:
                    # Each statement reads its own snapshot under READ COMMITTED anyway: without
                    # a transaction a query is one round trip, not three (BEGIN, query, ROLLBACK).
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                yield conn
        except OperationalError as exc:
            if self.on_server:
                raise self._lost(exc) from exc
            raise

    def _lost(self, exc: OperationalError) -> ProjectError:
        """The one-line message for a server that cannot be reached or went away."""
        return ProjectError(
            _(
                "{location}: the server did not answer ({reason}); nothing was changed, try again"
            ).format(location=self.location, reason=store_engine.server_reason(exc))
        )

    @contextmanager
    def change(self, action: str, summary: str) -> Iterator[Change]:
        """One change: a write transaction whose row operations become one event.

        The body may set ``change.summary`` once it knows more. If the body raises, nothing of
        the change is kept.
        """
        with self._writing(action) as conn:
            self._authorize(conn, action)
            coder_id = self.ensure_coder(conn)
            if self.on_server and action in CODEBOOK_ACTIONS:
                # Codebook edits queue behind each other (codings do not wait for them), so the
                # tree checks of one edit always see the previous edit's result: two people
                # moving codes at once cannot make a cycle.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CODEBOOK_LOCK})")
            change = Change(conn, summary, coder_id)
            yield change
            if change.forward:
                channel = NOTIFY_CHANNEL if self.on_server else ""
                change.event_id = change.record(action, change.summary, coder_id, channel)

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
            raise Conflict(
                _("{action}: {reason}; nothing was changed").format(
                    action=action, reason=_constraint_reason(exc)
                )
            ) from exc
        except RowGone as exc:
            raise Conflict(
                _(
                    "{action}: what it changes is gone ({exc}), perhaps removed by a colleague just now; nothing was changed"
                ).format(action=action, exc=exc)
            ) from exc
        except ProgrammingError as exc:
            if "permission denied" not in str(exc.orig):
                raise
            raise Forbidden(
                _(
                    "{action}: the server does not let {user} write this ({server_reason}); nothing was changed"
                ).format(
                    action=action, user=self.user(), server_reason=store_engine.server_reason(exc)
                )
            ) from exc
        except OperationalError as exc:
            text_ = str(exc.orig)
            if "locked" in text_ or "busy" in text_ or "lock timeout" in text_:
                raise Busy(
                    _(
                        "{location}: the project is busy (someone else is writing the same rows); nothing was changed, try again"
                    ).format(location=self.location)
                ) from exc
            if "could not serialize" in text_ or "deadlock detected" in text_:
                raise Conflict(
                    _(
                        "{action}: a colleague changed the same rows at the same moment; nothing was changed, try again"
                    ).format(action=action)
                ) from exc
            if self.on_server:  # the connection went: the server rolled the change back
                raise self._lost(exc) from exc
            raise

    def ensure_coder(self, conn: Connection, name: str | None = None) -> int:
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
            if conn.dialect.name == "postgresql":
                # Imported here: the dialect's module costs start-up time a file never needs.
                from sqlalchemy.dialects.postgresql import insert as dialect_insert
            else:
                dialect_insert = sqlite_insert  # type: ignore[assignment]
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
        with self.read() as conn:
            row = conn.execute(select(settings.c.value).where(settings.c.key == key)).first()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        self.set_settings({key: value})

    def set_settings(self, values: dict[str, Any]) -> None:
        """Set several settings as one undoable change."""
        with self.change("set-setting", f"set {', '.join(values)}") as ch:
            for key, value in values.items():
                encoded = json.dumps(value, ensure_ascii=False)
                exists = ch.conn.execute(
                    select(settings.c.key).where(settings.c.key == key)
                ).first()
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
        with self.read() as conn:
            return [r[0] for r in conn.execute(select(coders.c.name).order_by(coders.c.id))]
