"""Backups: ``backup``, ``restore``."""

from __future__ import annotations

import argparse
from pathlib import Path

from coder.cli.base import Add, open_project
from coder.errors import InvalidInput
from coder.i18n import _


def cmd_backup(args: argparse.Namespace) -> int:
    from coder.store.backup import backups

    project = open_project(args)
    if args.list:
        if project.path is None:
            raise InvalidInput(
                _(
                    "{location}: a server project has no backup folder; its backups are copies (coder copy URL FILE) or the server's own"
                ).format(location=project.location)
            )
        for b in backups(project.path):
            print(b)
        return 0
    dest = project.backup("manual", Path(args.output) if args.output else None)
    print(_("backed up to {dest}").format(dest=dest))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from coder.store.backup import restore
    from coder.store.engine import is_server

    if is_server(args.project):
        raise InvalidInput(
            _(
                "a server project is restored by copying a backup file to a new database (coder copy FILE URL); nothing was changed"
            )
        )
    safety = restore(Path(args.project), Path(args.backup))
    print(
        _("restored {project} from {backup}; the state before is kept in {safety}").format(
            project=args.project, backup=args.backup, safety=safety
        )
    )
    return 0


def register(add: Add) -> None:
    """Add ``backup``, ``restore`` to the ``coder`` command."""
    p = add(
        "backup",
        cmd_backup,
        "copy the project safely (automatic backups are kept in PROJECT.backups/)",
    )
    p.add_argument("project")
    p.add_argument("-o", "--output", help="where to write the copy (default: the backups folder)")
    p.add_argument("--list", action="store_true", help="list the backups kept")

    p = add(
        "restore",
        cmd_restore,
        "put a backup's content back into the project (the current state is backed up first)",
    )
    p.add_argument("project")
    p.add_argument("backup")
