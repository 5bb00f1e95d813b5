"""The ``coder`` command (see ``docs/CLI.md`` for the contract: names and JSON shapes are fixed).

Exit codes: 0 success; 1 a user error, reported as one line on stderr that says what was wrong and
what was kept; 2 bad usage. ``--json`` prints one JSON document on stdout and nothing else there.

The parser is built from :data:`GROUPS`: each module adds its own subcommands with ``register``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import traceback
from types import ModuleType

from coder.cli.base import Add, Parser, common_options, debug_only_options, opened, speak
from coder.cli.output import one_line
from coder.errors import CoderError
from coder.i18n import _

#: The command groups (modules of this package), in the order ``coder --help`` lists them.
GROUP_NAMES = (
    "project",
    "importing",
    "sources",
    "codebook",
    "codings",
    "text",
    "backup",
    "analysis",
    "agreement",
    "review",
    "graph",
    "query",
    "assist",
    "export",
)
#: Which group registers each command, so that running one command imports and registers only
#: its own group: start-up is paid by every command, and building all forty parsers with their
#: modules cost about as much again as opening the project (bench/startup.py). Help, a mistyped
#: or missing command, and anything unusual build the whole parser. tests/unit/test_cli.py
#: checks this table against what the groups really register.
COMMAND_GROUP = {
    **dict.fromkeys(("new", "copy", "member", "demo", "open", "serve"), "project"),
    **dict.fromkeys(("import", "turns", "media", "play"), "importing"),
    **dict.fromkeys(("sources", "sample", "sets", "text"), "sources"),
    "codebook": "codebook",
    **dict.fromkeys(("code", "uncode", "codings", "undo", "redo", "log"), "codings"),
    **dict.fromkeys(("search", "autocode", "words", "keywords", "dictionary"), "text"),
    **dict.fromkeys(("backup", "restore"), "backup"),
    "stats": "analysis",
    **dict.fromkeys(("agreement", "merge"), "agreement"),
    "review": "review",
    "graph": "graph",
    "query": "query",
    **dict.fromkeys(("suggest", "discover"), "assist"),
    "export": "export",
}
#: The options before the command that take a value.
_VALUED = ("--coder", "--ui-lang")


def groups(names: tuple[str, ...] = GROUP_NAMES) -> list[ModuleType]:
    """The command-group modules of ``names`` (plain modules of this package)."""
    return [importlib.import_module(f"coder.cli.{name}") for name in names]


def command_of(argv: list[str]) -> str | None:
    """The command ``argv`` runs, read past the options before it; None when there is none or
    help is asked for before it."""
    rest = iter(argv)
    for arg in rest:
        if arg in ("-h", "--help"):
            return None
        if arg in _VALUED:
            next(rest, None)
        elif not arg.startswith("-"):
            return arg
    return None


def ui_lang_of(argv: list[str]) -> str | None:
    """The value of ``--ui-lang`` before the command (also ``--ui-lang=X`` and argparse's
    abbreviations such as ``--ui X``), read before the parser is built so that its help and
    usage errors are in that language; None when not given."""
    rest = iter(argv)
    for arg in rest:
        name, eq, value = arg.partition("=")
        if len(name) >= 3 and "--ui-lang".startswith(name):
            return value if eq else next(rest, None)
        if arg in _VALUED:
            next(rest, None)
        elif not arg.startswith("-"):
            return None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser: with every group, or only with the group of ``command`` when it is known."""
    common = common_options()
    parser = Parser(
        prog="coder", description="A grounded-theory coding workbench.", parents=[common]
    )
    parser.add_argument(
        "--ui-lang",
        metavar="LANG",
        help="the interface language: en, zh-Hans or zh-Hant (default: $CODER_LANG, your "
        "preference, the system locale)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = Add(sub, common, debug_only_options())
    names = (COMMAND_GROUP[command],) if command in COMMAND_GROUP else GROUP_NAMES
    for group in groups(names):
        group.register(add)
    return parser


def _passwords(argv: list[str]) -> list[str]:
    """Passwords in server URLs on the command line (in the user part or as ``?password=``):
    never printed, even in a traceback."""
    from urllib.parse import parse_qsl, unquote

    from coder.store.engine import SECRET_PARAMS

    found = []
    for arg in argv:
        if "://" not in arg:
            continue
        rest = arg.partition("://")[2]
        netloc, _sep, tail = rest.partition("/")
        userinfo = netloc.rpartition("@")[0]
        if ":" in userinfo:
            found.append(userinfo.partition(":")[2])
        for key, value in parse_qsl(tail.partition("?")[2], keep_blank_values=True):
            if key.lower() in SECRET_PARAMS:
                found.append(value)
    found += [unquote(f) for f in found]
    # Also each piece of a password with an '@' (libpq would see the rest as a host name).
    found += [piece for f in found for piece in f.split("@") if len(piece) >= 3]
    return sorted({f for f in found if f}, key=len, reverse=True)


def _scrub(message: str, secrets: list[str]) -> str:
    for secret in secrets:
        message = message.replace(secret, "***")
    return message


class _Scrubbed:
    """stdout that never lets a password from the command line through."""

    def __init__(self, stream, secrets: list[str]) -> None:
        self._stream = stream
        self._secrets = secrets

    def write(self, text: str) -> int:
        return self._stream.write(_scrub(text, self._secrets))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _traceback(secrets: list[str]) -> None:
    print(_scrub(traceback.format_exc(), secrets), file=sys.stderr, end="")


def main(argv: list[str] | None = None) -> int:
    given = argv if argv is not None else sys.argv[1:]
    from coder.i18n import activate

    try:  # before the parser: its help and usage errors are in the language too
        activate(ui_lang_of(given))
    except CoderError as exc:
        print(f"coder: {one_line(str(exc))}", file=sys.stderr)
        return 1
    speak()
    parser = build_parser(command_of(given))
    args = parser.parse_args(argv)
    if not hasattr(args, "coder"):
        args.coder = None
    debug = getattr(args, "debug", False)
    secrets = _passwords(argv if argv is not None else sys.argv[1:])
    if secrets:
        sys.stdout = _Scrubbed(sys.stdout, secrets)
    try:
        activate(args.ui_lang)
        if args.ui_lang:  # the served app processes and any child use it too
            os.environ["CODER_LANG"] = args.ui_lang
        return int(args.func(args))
    except CoderError as exc:
        if debug:
            _traceback(secrets)
        print(f"coder: {_scrub(one_line(str(exc)), secrets)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("coder: interrupted; changes made before the interrupt are kept"), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug
        if debug:
            _traceback(secrets)
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            from coder.store.engine import server_reason

            reason = _scrub(one_line(server_reason(exc)), secrets)
            print(
                _(
                    "coder: the database failed ({reason}); the change in progress was not kept"
                ).format(reason=reason),
                file=sys.stderr,
            )
            return 1
        print(
            _(
                "coder: internal error ({kind}: {message}); nothing was changed by the failed "
                "step; run with --debug for details"
            ).format(kind=type(exc).__name__, message=_scrub(one_line(str(exc)), secrets)),
            file=sys.stderr,
        )
        return 1
    finally:
        if isinstance(sys.stdout, _Scrubbed):
            sys.stdout = sys.stdout._stream
        while opened:  # release the file (and fold its write-ahead log) before returning
            opened.pop().close()


def run() -> int:
    """The program's entry point (``coder``, ``python -m coder``): :func:`main`, then the objects
    it leaves are kept out of the last garbage collection.

    When a command is done, its projects are closed and its output flushed; what is left is
    the loaded modules (SQLAlchemy's, the schema's tables, the catalogs), almost all in
    reference cycles. The interpreter's last collection walked all of them on every exit: 40
    ms after ``import sqlalchemy`` alone and 60 ms after opening a project, a quarter of
    ``coder sources`` (bench/startup.py). Frozen, they go with the process; exit handlers still
    run, threads are still waited for and objects outside cycles still finalised, so nothing a
    command wrote is left unflushed. Only the program's own exit does this: ``main`` called in
    a test process must leave its garbage to the collector."""
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(run())
