"""Projects: ``new``, ``copy``, ``member``, ``demo``, ``open``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coder.cli.base import Add, open_project
from coder.cli.output import emit, print_table
from coder.i18n import _


def cmd_new(args: argparse.Namespace) -> int:
    from coder.project import Project

    project = Project.create(
        args.project, title=args.title or "", lang=args.lang, coder=args.coder, scheme=args.labels
    )
    project.close()
    print(_("created {location}").format(location=project.location))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from coder import serve

    served, warning = serve.prepare(args.project, args.host, args.port, args.public)
    if warning:
        print(warning, file=sys.stderr)
    print(
        _("serving {location} on {url} (ctrl+c stops)").format(
            location=served.location, url=served.url
        ),
        flush=True,
    )
    serve.serve(served)
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from coder.errors import InvalidInput
    from coder.project import Project

    if args.check is not None and args.check < 1:
        raise InvalidInput(
            f"--check needs a number of codings of 1 or more, not {args.check}; nothing was opened"
        )
    Project.open(args.project).close()  # a clear one-line error before the screen is taken
    return _run_tui(args.project, args.coder, check=args.check)


def _run_tui(path: str | Path, coder: str | None, *, check: int | None = None) -> int:
    from coder.tui.app import make_app

    app = make_app(path, coder=coder, check=check)
    try:
        app.run()
    finally:
        app.project.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from coder.demo import open_or_build_demo
    from coder.store.engine import describe, is_server

    path: str | Path = args.path
    if not is_server(args.path):
        path = Path(args.path)
        path.parent.mkdir(parents=True, exist_ok=True)
    project, summary = open_or_build_demo(path)
    project.close()
    for line in summary.lines():
        print(line)
    if not args.no_tui and sys.stdout.isatty() and sys.stdin.isatty():
        return _run_tui(path, args.coder)
    where = describe(path)
    print(
        _(
            "Try:  coder codebook {where} show   ·   coder codings {where} --code a25   (in .venv: . .venv/bin/activate)"
        ).format(where=where)
    )
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from coder.store import engine as store_engine

    project = open_project(args)
    progress = None
    if sys.stderr.isatty() and not args.json:

        def progress(table: str) -> None:
            print(
                "\r" + _("copying {table:<20}").format(table=table),
                end="",
                file=sys.stderr,
                flush=True,
            )

    report = project.copy_to(args.target, progress)
    if progress is not None:
        print("\r" + " " * 30 + "\r", end="", file=sys.stderr, flush=True)

    def human() -> None:
        print(report.summary())
        if store_engine.is_server(args.target) and not project.members():
            print(
                _(
                    "note: the project has no members, so everyone who can connect to the database may change everything; add them with: coder member URL add LOGIN --role coder"
                )
            )

    return emit(
        args, {"source": project.location, "target": report.target, "rows": report.rows}, human
    )


def cmd_member(args: argparse.Namespace) -> int:
    project = open_project(args)
    if args.action == "add":
        project.set_member(args.name, args.role)
        print(_("{name} is {role}").format(name=args.name, role=args.role))
    elif args.action == "remove":
        project.remove_member(args.name)
        print(_("{name} is no longer a member").format(name=args.name))
    members = project.members()
    if args.action != "list":
        print_table([_("member"), _("role")], [[n, r] for n, r in members])
    else:

        def human() -> None:
            if not members:
                print(
                    _("no members: a personal project, and {user} is its owner").format(
                        user=project.user()
                    )
                )
            else:
                print_table([_("member"), _("role")], [[n, r] for n, r in members])

        return emit(
            args,
            {
                "members": [{"name": n, "role": r} for n, r in members],
                "you": project.user(),
                "your_role": project.role(),
            },
            human,
        )
    return 0


def register(add: Add) -> None:
    """Add ``new``, ``copy``, ``member``, ``demo``, ``open`` to the ``coder`` command."""
    p = add("new", cmd_new, "create an empty project file")
    p.add_argument("project")
    p.add_argument("--title")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument(
        "--labels",
        default="a01/A1/AA",
        choices=["a01/A1/AA", "a/A/AA", "A/B/C"],
        help="label prefix scheme",
    )

    p = add(
        "copy",
        cmd_copy,
        "copy a whole project, history included, between a file and a PostgreSQL server "
        "(either way)",
    )
    p.add_argument("project", help="the project to copy: a file or postgresql://USER@HOST/DB")
    p.add_argument("target", help="a new file, or a new or empty server database")
    p.add_argument("--json", action="store_true")

    p = add("member", cmd_member, "members and their roles: owner, coder, reader")
    p.add_argument("project")
    mb = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = mb.add_parser("list", help="who may do what", parents=[add.common])
    s.add_argument("--json", action="store_true")
    s = mb.add_parser(
        "add", help="add a member or change a role (owners only)", parents=[add.common]
    )
    s.add_argument("name", help="a server login (on a server) or a coder name (in a file)")
    s.add_argument("--role", choices=["owner", "coder", "reader"], default="coder")
    s = mb.add_parser("remove", help="take a member off the project", parents=[add.common])
    s.add_argument("name")

    p = add("demo", cmd_demo, "build the demo project (first time) and open it")
    p.add_argument("--path", default="demo/tonghe.coder")
    p.add_argument("--no-tui", action="store_true", help="only build and summarise")

    p = add("open", cmd_open, "open a project in the terminal UI")
    p.add_argument("project")
    p.add_argument(
        "--check",
        type=int,
        metavar="N",
        help="open on the check of N machine codings (as coder suggest --check N draws them)",
    )

    p = add("serve", cmd_serve, "the workbench in a browser (textual-serve; see docs/serve.md)")
    p.add_argument("project")
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--public", action="store_true", help="allow a non-loopback --host")
