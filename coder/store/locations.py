"""What a project location is — a file, or a PostgreSQL server URL — and how it may be shown.

Plain string work with no SQLAlchemy: the browser session's login screen (``coder serve``) names
the project before the store is imported, so its first screen is drawn sooner.
:mod:`coder.store.engine` re-exports these names.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, unquote

#: How a project location names a PostgreSQL server instead of a file.
SERVER_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server(location: str | Path) -> bool:
    """Whether ``location`` is a ``postgresql://`` URL rather than a project file."""
    return isinstance(location, str) and location.lower().startswith(SERVER_SCHEMES)


#: URL query parameters that carry secrets (libpq accepts ?password=...).
SECRET_PARAMS = ("password", "sslpassword")


def describe(location: str | Path) -> str:
    """``location`` as it may be shown: a server URL never shows a password, neither in its
    user part nor as a ``?password=`` parameter."""
    if not is_server(location):
        return str(location)
    scheme, _x, rest = str(location).partition("://")
    netloc, slash, tail = rest.partition("/")
    userinfo, at, hostport = netloc.rpartition("@")
    if at:
        user, colon, _secret = userinfo.partition(":")
        netloc = f"{user}:***@{hostport}" if colon and _secret else f"{user}@{hostport}"
    path, question, query = tail.partition("?")
    if question:
        kept = [
            f"{k}=***" if k.lower() in SECRET_PARAMS else f"{k}={v}"
            for k, v in parse_qsl(query, keep_blank_values=True)
        ]
        query = "&".join(kept)
    scheme = "postgresql" if scheme.startswith("postgres") else scheme
    return unquote(f"{scheme}://{netloc}{slash}{path}{question}{query}")
