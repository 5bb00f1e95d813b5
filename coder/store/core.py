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
    from sqlalchemy import Connection

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


__all__ = ["ProjectCore"]
