"""What every command shares: the options every subcommand takes, the registering helper, the
parser that speaks the interface language, and opening the project (closed by
:func:`coder.cli.main.main` when the command ends)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

from coder.i18n import N_, _, current

#: Projects opened by the running command; ``main`` closes them when the command ends.
opened: list[Any] = []


def open_project(args: argparse.Namespace) -> Any:
    """The project named by ``args.project``, opened as ``--coder`` (or the default user)."""
    from coder.project import Project

    project = Project.open(args.project, coder=getattr(args, "coder", None))
    opened.append(project)
    return project


#: argparse's own words that a person meets (usage, the sections of help, its usage errors), for
#: the catalogs: argparse looks each up through its module's ``_`` when it says it, and
#: :func:`speak` points that at ours.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _(singular if n == 1 else plural)


def speak() -> None:
    """argparse says its words (usage, errors, section titles) in the interface language: it
    looks them up through its module's ``_`` and ``ngettext`` each time it says one."""
    setattr(argparse, "_", _)  # noqa: B010 - argparse's module globals, not a typed attribute
    setattr(argparse, "ngettext", _ngettext)  # noqa: B010


#: Characters that take two columns (CJK, fullwidth forms and punctuation), and the
#: punctuation that never starts a line.
_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)
_CLOSING = set("，。；：、）」』》？！…")


def _cells(text: str) -> int:
    return len(text) + len(_WIDE.findall(text))


def wrap_wide(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns, where a Chinese character takes
    two and a line may break between any two of them, but not before a closing punctuation
    mark (argparse counts characters and breaks only at spaces, so Chinese help ran past the
    terminal's edge)."""
    tokens = re.findall(rf"{_WIDE.pattern}|[^\s{_WIDE.pattern[1:-1]}]+|\s+", text.strip())
    lines: list[list[str]] = [[]]
    for token in tokens:
        line = lines[-1]
        if token.isspace():
            if line:
                line.append(" ")
            continue
        if not line or _cells("".join(line) + token) <= width:
            line.append(token)
            continue
        carried = [token]
        if token in _CLOSING:  # take the closers before it and one more token along
            while line and line[-1] in _CLOSING:
                carried.insert(0, line.pop())
            if len(line) > 1:
                carried.insert(0, line.pop())
        while line and line[-1] == " ":
            line.pop()
        lines.append(carried)
    return ["".join(line).rstrip() for line in lines if "".join(line).strip()]


class HelpFormatter(argparse.HelpFormatter):
    """Help in the interface language: each help text, description and section title through
    the catalog when help is printed (``python -m coder.i18n`` collects them from the parser),
    wrapped by terminal columns when it holds Chinese (in English, as argparse always did)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return _(action.help) if action.help else action.help

    def _split_lines(self, text: str, width: int) -> list[str]:
        if _WIDE.search(text) and current() != "en":  # English help stays as argparse lays it
            return wrap_wide(" ".join(text.split()), width)
        return super()._split_lines(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if _WIDE.search(text) and current() != "en":
            lines = wrap_wide(" ".join(text.split()), width - len(indent))
            return "\n".join(indent + line for line in lines)
        return super()._fill_text(text, width, indent)

    def start_section(self, heading: str | None) -> None:
        super().start_section(_(heading) if heading else heading)

    def add_text(self, text: str | None) -> None:
        super().add_text(_(text) if text and text is not argparse.SUPPRESS else text)


class Parser(argparse.ArgumentParser):
    """An argument parser whose help speaks the interface language; the subcommands' parsers
    are made of the same class (argparse's default), so they speak it too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def help_texts(parser: argparse.ArgumentParser) -> list[str]:
    """Every help text, description and section title of ``parser`` and its subcommands, in
    order: what :class:`HelpFormatter` translates (for the catalogs and their test)."""
    found: dict[str, None] = {}

    def walk(p: argparse.ArgumentParser) -> None:
        for text in (p.description, p.epilog):
            if text:
                found[text] = None
        for group in p._action_groups:
            for text in (group.title, group.description):
                if text:
                    found[text] = None
        for action in p._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                found[action.help] = None
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if choice.help:
                        found[choice.help] = None
                for sub in dict.fromkeys(action.choices.values()):
                    walk(sub)

    walk(parser)
    return list(found)


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


def add_help_texts(pot: str) -> None:  # pragma: no cover - part of python -m coder.i18n
    """Add the help texts of the whole parser to the catalogs' template ``pot``: they are plain
    strings in each command group's module, translated when help is printed."""
    from babel.messages.pofile import read_po, write_po

    from coder.cli.main import build_parser

    with open(pot, "rb") as f:
        catalog = read_po(f)
    for text in help_texts(build_parser()):
        if text not in catalog:
            catalog.add(text, flags=("python-format",) if "%" in text else ())
    with open(pot, "wb") as f:
        write_po(f, catalog, width=100, omit_header=False, sort_output=True)


if __name__ == "__main__":  # pragma: no cover
    import sys

    add_help_texts(sys.argv[1])
