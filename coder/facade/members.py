"""Members and roles (owner, coder, reader): who may change what in a project.

A project without members is personal: its user is its owner. On a PostgreSQL server a member is
a login, and a role is also a set of table privileges, so a reader cannot write with another
program either; in a file a member is a coder name (``--coder``). The checks run inside each
change's transaction (see ``Project.change``).
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import DBAPIError

from coder.errors import Forbidden, InvalidInput, NotFound
from coder.i18n import _
from coder.store import engine as store_engine
from coder.store.core import FacadeCore
from coder.store.engine import CODEBOOK_LOCK, NOTIFY_CHANNEL
from coder.store.journal import dump_payload
from coder.store.schema import events, members

#: A member's role: an owner may do everything, a coder everything but the changes below, a
#: reader nothing but read.
ROLES = ("owner", "coder", "reader")
#: Changes that remove or replace parts of the codebook or the project: an owner's decision.
OWNER_ACTIONS = frozenset(
    {
        "delete-code",
        "merge-codes",
        "load-codebook",
        "merge",
        "set-setting",
        "change members",
        "set-turns",
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
    "import-maxqda": "import sources",
    "set-turns": "recompute speaker turns",
}


class MemberOps(FacadeCore):
    """The members mixin of :class:`coder.project.Project`."""

    _user: str | None

    def user(self) -> str:
        """Who is working: the login on a server, the coder name in a file."""
        if self._user is None:
            if self.on_server:
                with self.read() as conn:
                    self._user = str(conn.exec_driver_sql("SELECT session_user").scalar_one())
            else:
                self._user = self.coder
        return self._user

    def members(self) -> list[tuple[str, str]]:
        """(name, role) of every member; empty for a personal project (no roles)."""
        with self.read() as conn:
            return [
                (r.name, r.role)
                for r in conn.execute(
                    select(members.c.name, members.c.role).order_by(members.c.name)
                )
            ]

    def role(self) -> str | None:
        """This session's role: owner, coder or reader; None if not a member. A project
        without members is personal and its user is its owner."""
        with self.read() as conn:
            return self._role(conn)

    def _role(self, conn: Connection) -> str | None:
        rows = dict(conn.execute(select(members.c.name, members.c.role)).all())
        if not rows:
            return "owner"
        return rows.get(self.user())

    def check_allowed(self, action: str) -> None:
        """Refuse early (before a backup, say) what this member's role does not allow."""
        with self.read() as conn:
            self._authorize(conn, action)

    def _authorize(self, conn: Connection, action: str) -> None:
        role = self._role(conn)
        user = self.user()
        words = ACTION_WORDS.get(action, action.replace("-", " "))
        if role is None:
            raise Forbidden(
                _(
                    "{user} is not a member of this project, so cannot {words}; the owner adds members with: coder member PROJECT add {user} --role coder; nothing was changed"
                ).format(user=user, words=words)
            )
        if role == "reader":
            raise Forbidden(
                _("{user} is a reader here and cannot {words}; nothing was changed").format(
                    user=user, words=words
                )
            )
        if role == "coder" and action in OWNER_ACTIONS:
            raise Forbidden(
                _("{user} is a coder here; only an owner may {words}; nothing was changed").format(
                    user=user, words=words
                )
            )
        if role == "coder" and self.on_server and self.coder != user:
            raise Forbidden(
                _(
                    "{user} codes as {user} on this server, not as {coder}; nothing was changed"
                ).format(user=user, coder=self.coder)
            )

    def set_member(self, name: str, role: str) -> None:
        """Give ``name`` a role (owner only). On a server ``name`` is a login role, and its
        table privileges follow: a reader may only read, even with another program."""
        name = name.strip()
        if role not in ROLES:
            raise InvalidInput(
                _("role {role!r} is not one of {ROLES}; nothing was changed").format(
                    role=role, ROLES=", ".join(ROLES)
                )
            )
        if not name:
            raise InvalidInput(_("a member needs a name; nothing was changed"))
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
                    _(
                        "{name} is the only owner; make someone else owner first; nothing was changed"
                    ).format(name=name)
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
                raise NotFound(_("{name} is not a member; nothing was changed").format(name=name))
            self._authorize(conn, "change members")
            if current[name] == "owner" and [r for r in current.values() if r == "owner"] == [
                "owner"
            ]:
                raise InvalidInput(
                    _(
                        "{name} is the only owner; make someone else owner first; nothing was changed"
                    ).format(name=name)
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
                _(
                    "the server has no login {name}; its administrator creates it (CREATE ROLE {name} LOGIN PASSWORD ...); nothing was changed"
                ).format(name=name)
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
                        _(
                            "the server kept {name}'s privileges as another owner granted them; the project's creator or the administrator can change them; nothing was changed"
                        ).format(name=name)
                    )
        except DBAPIError as exc:
            raise Forbidden(
                _(
                    "the server refused to change {name}'s privileges ({server_reason}); nothing was changed"
                ).format(name=name, server_reason=store_engine.server_reason(exc))
            ) from exc

    def _note(self, conn: Connection, action: str, summary: str) -> None:
        """An event that is history only: it cannot be undone (membership, for instance)."""
        conn.execute(
            insert(events),
            {
                "time": time.time(),
                "coder_id": self.ensure_coder(conn),
                "action": action,
                "summary": summary,
                "payload": dump_payload([], []),
                "state": "final",
            },
        )
        if self.on_server:
            conn.exec_driver_sql(f"NOTIFY {NOTIFY_CHANNEL}, '0'")
