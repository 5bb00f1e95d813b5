"""``coder serve``: the workbench in a browser, through textual-serve.

textual-serve runs one app process per browser connection (the command built by
:func:`app_command`) and passes nothing from the request, so the process knows no one: it opens on a
login screen (``coder.tui.screens.login``). On a PostgreSQL project that is the server login and
password, checked by connecting and never stored (the credentials live in that process's memory
only, as the project's connection URL); on a project file it is the coder's name.

Only loopback addresses are served unless ``public=True``: the page gives whoever reaches it a
workbench on the project, so a public address belongs behind a reverse proxy with TLS
(docs/serve.md).
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from coder.errors import InvalidInput
from coder.i18n import _
from coder.store.engine import describe, is_server

#: Environment variables a served app process must not inherit: a password in them would log every
#: browser in without asking (the server's own ~/.pgpass likewise, hence PGPASSFILE below).
SECRET_VARIABLES = ("PGPASSWORD", "PGUSER", "PGSERVICE", "PGSERVICEFILE")


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def check_host(host: str, public: bool) -> str | None:
    """Refuse a non-loopback ``host`` unless ``public``; returns the warning to print, if any."""
    if is_loopback(host):
        return None
    if not public:
        raise InvalidInput(
            _(
                "--host {host}: not a loopback address, and the page gives whoever reaches it a workbench on the project; add --public to serve it anyway (behind a reverse proxy with TLS: see docs/serve.md); nothing was started"
            ).format(host=host)
        )
    return (
        f"warning: serving on {host}, reachable from other machines, over plain HTTP: logins, "
        "passwords and the project's texts cross the network unencrypted unless a reverse proxy "
        "with TLS is in front (docs/serve.md)"
    )


def without_credentials(location: str) -> str:
    """A server URL without its user and password (the browser's login supplies them)."""
    if not is_server(location):
        return location
    scheme, _x, rest = location.partition("://")
    netloc, slash, tail = rest.partition("/")
    netloc = netloc.rpartition("@")[2]
    return f"{scheme}://{netloc}{slash}{tail}"


@dataclass(frozen=True)
class Served:
    """What ``coder serve`` serves: the project and the address."""

    location: str
    host: str = "127.0.0.1"
    port: int = 8000
    ui_lang: str | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"


def prepare(project: str | Path, host: str, port: int, public: bool) -> tuple[Served, str | None]:
    """Check the project opens and the address may be served; (what to serve, a warning)."""
    from coder.project import Project

    warning = check_host(host, public)
    if not 0 < port < 65536:
        raise InvalidInput(
            _("--port {port}: not a port number (1–65535); nothing was started").format(port=port)
        )
    location = str(project)
    if is_server(location):
        location = without_credentials(location)
    else:
        location = str(Path(location).resolve())
        Project.open(location).close()  # a clear one-line error before serving anything
    return Served(location, host, port), warning


def app_command(served: Served, ui_lang: str | None = None) -> str:
    """The shell command textual-serve runs for each browser connection."""
    parts = [sys.executable, "-m", "coder.serve", served.location]
    if ui_lang:
        parts += ["--ui-lang", ui_lang]
    return shlex.join(parts)


def serve(served: Served, ui_lang: str | None = None) -> None:
    """Serve until interrupted (ctrl+c)."""
    from textual_serve.server import Server

    for name in SECRET_VARIABLES:
        os.environ.pop(name, None)
    os.environ["PGPASSFILE"] = os.devnull
    title = f"coder · {describe(served.location)}"
    # Behind a reverse proxy the page must name the proxy's address (https → wss) for its links.
    public_url = os.environ.get("CODER_PUBLIC_URL", "").strip().rstrip("/") or None
    server = Server(
        app_command(served, ui_lang),
        host=served.host,
        port=served.port,
        title=title,
        public_url=public_url,
    )
    server.serve()


def run_app(argv: list[str]) -> int:
    """One browser connection's process: the login screen, then the workbench."""
    import argparse

    parser = argparse.ArgumentParser(prog="coder.serve")
    parser.add_argument("location")
    parser.add_argument("--ui-lang", default=None)
    args = parser.parse_args(argv)
    from coder.i18n import activate

    activate(args.ui_lang)  # before the TUI's modules are imported: their key names are read then
    from coder.tui.screens.login import ServedApp

    app = ServedApp(args.location)
    try:
        app.run()
    finally:
        if app.project is not None:
            app.project.close()
    return 0


if __name__ == "__main__":
    sys.exit(run_app(sys.argv[1:]))
