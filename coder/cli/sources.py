"""Sources: ``sources``, ``sample``, ``sets``, ``text``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from coder.cli.base import Add, open_project
from coder.cli.output import emit, emit_table, when
from coder.i18n import _, pgettext


def cmd_sources(args: argparse.Namespace) -> int:
    project = open_project(args)
    rows = project.sources()
    if args.where:
        keep = project.source_ids_where(args.where)
        rows = [s for s in rows if s.id in keep]
    return emit_table(
        args,
        [
            {
                "id": s.id,
                "name": s.name,
                "chars": s.chars,
                "turns": s.turns,
                "attributes": s.attributes,
                "case": s.case,
                "encoding": s.encoding,
                "format": s.format,
                "original_name": s.original_name,
                "sha256": s.sha256,
            }
            for s in rows
        ],
        [
            _("id"),
            pgettext("column", "name"),
            _("chars"),
            _("turns"),
            _("case"),
            _("encoding"),
            _("file"),
        ],
        [[s.id, s.name, s.chars, s.turns, s.case or "", s.encoding, s.original_name] for s in rows],
    )


def cmd_sample(args: argparse.Namespace) -> int:
    project = open_project(args)
    chosen = project.sample(args.n, by=args.by, seed=args.seed, name=args.name)
    return emit(
        args,
        lambda: _set_json(project, chosen),
        lambda: print(
            _("set {name}: {description}").format(name=chosen.name, description=chosen.description)
        ),
    )


def _set_json(project, s) -> dict[str, Any]:
    names = {x.id: x.name for x in project.sources()}
    return {
        "name": s.name,
        "guid": s.guid,
        "description": s.description,
        "seed": s.seed,
        "by": s.by,
        "sources": [names[i] for i in s.sources],
    }


def cmd_sets(args: argparse.Namespace) -> int:
    project = open_project(args)
    sets = project.sets()
    return emit_table(
        args,
        lambda: [_set_json(project, s) for s in sets],
        [_("set"), _("sources"), _("made"), _("how")],
        [[s.name, len(s.sources), when(s.created), s.description] for s in sets],
    )


def cmd_text(args: argparse.Namespace) -> int:
    project = open_project(args)
    sys.stdout.write(project.source_text(args.source))
    return 0


def register(add: Add) -> None:
    """Add ``sources``, ``sample``, ``sets``, ``text`` to the ``coder`` command."""
    p = add("sources", cmd_sources, "list sources")
    p.add_argument("project")
    p.add_argument(
        "--where",
        action="append",
        metavar="ATTR=VALUE",
        help="only sources whose attribute matches (also >=, <=, >, <, != for numbers and dates); repeatable",
    )
    p.add_argument("--json", action="store_true")

    p = add(
        "sample",
        cmd_sample,
        "pick a random or stratified sample of sources into a named set (for hand coding)",
    )
    p.add_argument("project")
    p.add_argument("n", type=int, metavar="N", help="how many sources")
    p.add_argument("--by", metavar="ATTR", help="stratify: each value's share as in the project")
    p.add_argument("--seed", type=int, help="the random seed (default: a new one, reported)")
    p.add_argument("--name", metavar="SET", help="the set's name (default: 'sample N')")
    p.add_argument("--json", action="store_true")

    p = add("sets", cmd_sets, "list the source sets (samples)")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")

    p = add("text", cmd_text, "print a source's normalised text (the text all offsets index)")
    p.add_argument("project")
    p.add_argument("source")
