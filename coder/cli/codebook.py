"""The codebook: ``codebook``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from coder.cli.base import Add, open_project
from coder.cli.output import emit, level_word, one_line, print_table, role_word
from coder.errors import InvalidInput
from coder.i18n import _, pgettext


def _tree_rows(project) -> list[dict[str, Any]]:
    counts = project.code_counts()
    return [
        {
            "id": c.id,
            "label": c.label,
            "name": c.name,
            "level": c.level,
            "parents": list(c.parents),
            "paradigm_role": c.paradigm_role,
            "axis": c.axis,
            "codings": counts.get(c.id, (0, 0))[0],
            "sources": counts.get(c.id, (0, 0))[1],
            "core": c.is_core,
            "in_vivo": c.in_vivo,
            "name_en": c.name_en,
            "definition": c.definition,
        }
        for c in project.codes()
    ]


def cmd_codebook(args: argparse.Namespace) -> int:
    from coder.exchange.codebook_yaml import load_codebook_file

    project = open_project(args)
    if args.action == "show":
        rows = _tree_rows(project)

        def human() -> None:
            by_id = {r["id"]: r for r in rows}
            kids: dict[int | None, list[dict[str, Any]]] = {}
            for r in rows:
                parent = r["parents"][0] if r["parents"] else None
                kids.setdefault(parent, []).append(r)
            lines: list[list[Any]] = []

            def walk(parent: int | None, depth: int) -> None:
                for r in kids.get(parent, []):
                    extra = [
                        x
                        for x in (
                            r["paradigm_role"] and role_word(r["paradigm_role"]),
                            r["axis"],
                            _("core") if r["core"] else None,
                            _("in vivo") if r["in_vivo"] else None,
                        )
                        if x
                    ]
                    also = [by_id[p]["label"] for p in r["parents"][1:]]
                    if also:
                        extra.append(_("also in {labels}").format(labels=", ".join(also)))
                    lines.append(
                        [
                            "  " * depth + r["label"],
                            r["name"],
                            level_word(r["level"]),
                            r["codings"],
                            r["sources"],
                            " · ".join(extra),
                        ]
                    )
                    walk(r["id"], depth + 1)

            walk(None, 0)
            print_table(
                [
                    _("label"),
                    pgettext("column", "name"),
                    _("level"),
                    _("codings"),
                    _("sources"),
                    "",
                ],
                lines,
            )

        return emit(args, rows, human)
    if args.action == "load":
        path = Path(args.file)
        suffix = path.suffix.lower()
        if not path.is_file():
            raise InvalidInput(_("{path}: no such file; nothing was changed").format(path=path))
        if suffix in (".yaml", ".yml"):
            stats = load_codebook_file(project, path)
        elif suffix in (".csv", ".xlsx"):
            from coder.exchange.codebook_table import read_csv, read_xlsx

            spec = read_csv(path) if suffix == ".csv" else read_xlsx(path)
            stats = project.import_codebook(spec, summary=f"load codebook {path.name}")
        elif suffix == ".qdc":
            return _load_qdc(project, path)
        else:
            raise InvalidInput(
                _(
                    "{name}: a codebook loads from .yaml, .csv, .xlsx or .qdc; nothing was changed"
                ).format(name=path.name)
            )
        print(
            _(
                "loaded {name}: {added} codes added, {updated} updated, {relations} relations, {memos} memos"
            ).format(
                name=path.name,
                added=stats["added"],
                updated=stats["updated"],
                relations=stats["relations"],
                memos=stats["memos"],
            )
        )
        return 0
    if args.action == "save":
        return _save_codebook(project, Path(args.file))
    if args.action == "add":
        code = project.add_code(args.name, args.level, parent=args.parent, label=args.label)

        def human() -> None:
            print(f"{code.label} {code.name}")

        return emit(
            args,
            {"id": code.id, "label": code.label, "name": code.name, "level": code.level},
            human,
        )
    raise AssertionError(args.action)  # pragma: no cover - argparse restricts the choices


def _save_codebook(project, path: Path) -> int:
    """``codebook save``: .csv (Taguette's importer takes it), .yaml, .qdc, by suffix."""
    suffix = path.suffix.lower()
    if not path.parent.is_dir():
        raise InvalidInput(
            _("{parent}: no such folder; nothing was written").format(parent=path.parent)
        )
    if suffix == ".csv":
        from coder.exchange.codebook_table import write_csv

        for note in write_csv(project, path):
            print(_("coder: note: {note}").format(note=one_line(note)), file=sys.stderr)
    elif suffix in (".yaml", ".yml"):
        from coder.exchange.codebook_yaml import save_codebook_file

        save_codebook_file(project, path)
    elif suffix == ".qdc":
        from coder.exchange.refi import export_qdc

        for line in export_qdc(project, path).lines():
            print(line)
        return 0
    else:
        raise InvalidInput(
            _("{name}: a codebook saves as .csv, .yaml or .qdc; nothing was written").format(
                name=path.name
            )
        )
    print(
        _("wrote the codebook ({n_codes} codes) to {path}").format(
            n_codes=len(project.codes()), path=path
        )
    )
    return 0


def _load_qdc(project, path: Path) -> int:
    from coder.exchange.refi import import_qdc

    report = import_qdc(project, path)
    for line in report.lines():
        print(line)
    return 0


def register(add: Add) -> None:
    """Add ``codebook`` to the ``coder`` command."""
    p = add("codebook", cmd_codebook, "show, load, save or extend the codebook")
    p.add_argument("project")
    cb = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = cb.add_parser("show", help="the code tree with counts", parents=[add.common])
    s.add_argument("--json", action="store_true")
    s = cb.add_parser(
        "load",
        help="load a codebook file (.yaml .csv .xlsx .qdc; Taguette's CSV too), merging by name",
        parents=[add.common],
    )
    s.add_argument("file")
    s = cb.add_parser(
        "save",
        help="save the codebook by suffix: .csv (Taguette imports it), .yaml, .qdc",
        parents=[add.common],
    )
    s.add_argument("file")
    s = cb.add_parser("add", help="add one code", parents=[add.common])
    s.add_argument("name")
    s.add_argument("--level", choices=["open", "axial", "selective"], default="open")
    s.add_argument("--parent")
    s.add_argument("--label")
    s.add_argument("--json", action="store_true")
