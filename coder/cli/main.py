"""The ``coder`` command (see ``docs/CLI.md`` for the contract: names and JSON shapes are fixed).

Exit codes: 0 success; 1 a user error, reported as one line on stderr that says what was wrong and
what was kept; 2 bad usage. ``--json`` prints one JSON document on stdout and nothing else there.

The parser is built from :data:`GROUPS`: each module adds its own subcommands with ``register``.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from coder.cli import (
    agreement,
    analysis,
    assist,
    backup,
    codebook,
    codings,
    export,
    graph,
    importing,
    project,
    query,
    review,
    sources,
    text,
)
from coder.cli.base import Add, common_options, debug_only_options, opened
from coder.cli.output import one_line
from coder.errors import CoderError
from coder.i18n import _

#: The command groups, in the order ``coder --help`` lists their commands.
GROUPS = [
    project,
    importing,
    sources,
    codebook,
    codings,
    text,
    backup,
    analysis,
    agreement,
    review,
    graph,
    query,
    assist,
    export,
]


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
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
    for group in GROUPS:
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
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "coder"):
        args.coder = None
    debug = getattr(args, "debug", False)
    secrets = _passwords(argv if argv is not None else sys.argv[1:])
    if secrets:
        sys.stdout = _Scrubbed(sys.stdout, secrets)
    try:
        from coder.i18n import activate

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


if __name__ == "__main__":
    sys.exit(main())
