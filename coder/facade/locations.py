"""Where a project lives, for the surfaces: a file or a PostgreSQL server.

The user's surfaces (the TUI's login screen above all) read these through the facade, not the
store. The helpers come from :mod:`coder.store.locations`, which imports no SQLAlchemy, so the
login screen of ``coder serve`` is drawn before the store is loaded.
"""

from __future__ import annotations

from coder.store.locations import SECRET_PARAMS, SERVER_SCHEMES, describe, is_server

__all__ = ["SECRET_PARAMS", "SERVER_SCHEMES", "describe", "is_server"]
