"""What every command shares: the options every subcommand takes, the registering helper, and
opening the project (closed by :func:`coder.cli.main.main` when the command ends)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

#: Projects opened by the running command; ``main`` closes them when the command ends.
opened: list[Any] = []


def open_project(args: argparse.Namespace) -> Any:
    """The project named by ``args.project``, opened as ``--coder`` (or the default user)."""
    from coder.project import Project

    project = Project.open(args.project, coder=getattr(args, "coder", None))
    opened.append(project)
    return project


def common_options() -> argparse.ArgumentParser:
    """``--coder`` (who works) and ``--debug``: the parent of most subcommands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--coder",
        default=argparse.SUPPRESS,
        help="work as this coder (default: $CODER_USER or your login name)",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors"
    )
    return common


def debug_only_options() -> argparse.ArgumentParser:
    """Only ``--debug``: for commands whose own ``--coder`` filters codings."""
    debug_only = argparse.ArgumentParser(add_help=False)
    debug_only.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors"
    )
    return debug_only


class Add:
    """Adds one subcommand; each command group's ``register(add)`` calls it."""

    def __init__(
        self,
        sub: Any,
        common: argparse.ArgumentParser,
        debug_only: argparse.ArgumentParser,
    ) -> None:
        self.sub = sub
        self.common = common
        self.debug_only = debug_only

    def __call__(
        self,
        name: str,
        func: Callable[[argparse.Namespace], int],
        help: str,
        shared: argparse.ArgumentParser | None = None,
        *,
        coder_filter: bool = False,
    ) -> argparse.ArgumentParser:
        """A subcommand. ``coder_filter=True``: the command's own ``--coder`` selects whose
        codings to read (as in ``codings``), instead of naming who works."""
        parent = (
            self.debug_only if coder_filter else (shared if shared is not None else self.common)
        )
        p: argparse.ArgumentParser = self.sub.add_parser(
            name, help=help, description=help, parents=[parent]
        )
        p.set_defaults(func=func)
        return p
