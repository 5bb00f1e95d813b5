"""The project's core: what every part of the facade, and every reader of the tables, relies on.

:class:`coder.project.Project` implements it. The facade's mixins inherit it, so the methods they
take from the core are declared rather than assumed, and the functions outside the facade that
read the tables directly (the analyses, search, the exports) take a ``ProjectCore`` rather than
``Any``. It lives in the store layer because it speaks only of connections and changes: every layer
above may name it without importing the facade.

The core is small on purpose:

- :meth:`read` — a connection for queries (no transaction on a server: each query its snapshot);
- :meth:`change` — one write transaction whose row operations become one undoable event;
- :meth:`ensure_coder` — the id of a coder, created on first use (identities are not edits);
- :meth:`setting` — a project setting;
- ``coder``, ``location``, ``path`` and ``on_server`` — who works where.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from coder.model import Code, Source, Turn
    from coder.store.journal import Change


class ProjectCore(Protocol):
    """The transactions and identities that the facade's operations are built on."""

    coder: str
    """The coder this session works as."""
    location: str
    """Where the project is, as it may be shown (a server URL without its password)."""
    path: Path | None
    """The project file; None for a project on a server."""

    @property
    def on_server(self) -> bool: ...

    def read(self) -> AbstractContextManager[Connection]:
        """A connection for reading; the context closes it."""
        ...

    def change(self, action: str, summary: str) -> AbstractContextManager[Change]:
        """One change: a write transaction whose row operations become one event."""
        ...

    def ensure_coder(self, conn: Connection, name: str | None = None) -> int:
        """The id of coder ``name`` (default: this session's coder), created on first use."""
        ...

    def setting(self, key: str, default: Any = None) -> Any:
        """A project setting, or ``default``."""
        ...


class FacadeCore(ProjectCore, Protocol):
    """The core as the facade's own mixins see it: also the engine and the raw write transaction.

    Only modules under ``coder/facade/`` (and ``coder/project.py``) may use these members.
    """

    _engine: Engine
    _user: str | None

    def _writing(self, action: str) -> AbstractContextManager[Connection]: ...

    def _authorize(self, conn: Connection, action: str) -> None: ...

    def backup(self, reason: str = "manual", dest: Path | None = None) -> Path: ...

    def _role(self, conn: Connection) -> str | None: ...

    def check_allowed(self, action: str) -> None: ...

    # What one mixin takes from another (defined in SourceOps, CodebookOps, CodingOps, Project).
    def source_id(self, ref: int | str) -> int: ...

    def source(self, ref: int | str) -> Source: ...

    def source_text(self, ref: int | str) -> str: ...

    def turns(self, ref: int | str) -> list[Turn]: ...

    def codes(self) -> list[Code]: ...

    def code_id(self, ref: int | str) -> int: ...

    def code_counts(self) -> dict[int, tuple[int, int]]: ...

    def _insert_code(
        self, ch: Change, level: str, clean: dict[str, Any], *, is_core: bool = False
    ) -> int: ...

    def link_parent(self, ch: Change, child: int, parent: int, *, primary: bool) -> None: ...

    def set_setting(self, key: str, value: Any) -> None: ...


__all__ = ["FacadeCore", "ProjectCore"]
