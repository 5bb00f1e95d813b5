"""Import a .qdpx with QualCoder's own REFI-QDA importer, headless, and count what it kept.

QualCoder is not a dependency of coder and none of its code is kept here: point this script at
a checkout of QualCoder's source (see README.md) and run it with a Python that has PyQt6 and
QualCoder's import-time dependencies. It builds an empty QualCoder project with the tables
QualCoder's own "new project" command creates (read from that checkout's ``__main__.py``),
answers the file dialog with the given file, runs ``RefiImport(app, log, "qdpx")`` and prints
what QualCoder's database then holds, as JSON::

    QT_QPA_PLATFORM=offscreen python qualcoder_import.py demo.qdpx --qualcoder /tmp/qualcoder
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path


def qualcoder_tables(main_py: Path) -> list[str]:
    """The CREATE TABLE statements of QualCoder's new-project command, from its source."""
    tree = ast.parse(main_py.read_text(encoding="utf-8"))
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        sql = [
            node.args[0].value
            for node in ast.walk(fn)
            if isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "execute"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and node.args[0].value.lstrip().upper().startswith("CREATE TABLE")
        ]
        if any(s.split()[2] == "project" for s in sql):
            return sql
    raise SystemExit(f"{main_py}: found no new-project function with CREATE TABLE project")


class App:
    """What RefiImport uses of QualCoder's App: a connection, a project folder, settings."""

    def __init__(self, project: Path) -> None:
        self.project_path = str(project)
        self.project_name = project.name
        self.conn = sqlite3.connect(project / "data.qda")
        self.settings = {
            "directory": str(project.parent),
            "codername": "default",
            "ai_enable": "False",
            "fontsize": 12,
            "font": "Sans",
        }
        self.ai_models: list = []
        self.project_events = None
        self.version = "driver"

    def write_config_ini(self, *args: object) -> None:
        """QualCoder saves its settings here; the driver keeps none."""

    def get_annotations(self) -> list[dict]:
        """QualCoder's App reads its ``annotation_visible`` view; every coder is visible here."""
        keys = ("anid", "fid", "pos0", "pos1", "memo", "owner", "date")
        rows = self.conn.execute(f"select {', '.join(keys)} from annotation")
        return [dict(zip(keys, r, strict=True)) for r in rows]


def count(conn: sqlite3.Connection) -> dict:
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "sources": one("select count(*) from source"),
        "source_owners": dict(conn.execute("select owner, count(*) from source group by owner")),
        "codes": one("select count(*) from code_name"),
        "categories": one("select count(*) from code_cat"),
        "codes_with_colour": one("select count(*) from code_name where color is not null"),
        "codes_with_memo": one("select count(*) from code_name where memo <> ''"),
        "codes_under_a_code": one("select count(*) from code_name where supercid is not null"),
        "codings": one("select count(*) from code_text"),
        "codings_by_owner": dict(
            conn.execute("select owner, count(*) from code_text group by owner order by owner")
        ),
        "codings_with_memo": one("select count(*) from code_text where memo <> ''"),
        "journals": [r[0] for r in conn.execute("select name from journal order by jid")],
        "annotations": [
            list(r) for r in conn.execute("select fid, pos0, pos1, owner, memo from annotation")
        ],
        "cases": one("select count(*) from cases"),
        "case_sources": one("select count(*) from case_text"),
        "attributes": one("select count(*) from attribute"),
        "project_memo": one("select memo from project") or "",
        "coding_rows": [
            list(r)
            for r in conn.execute(
                "select s.name, c.name, t.pos0, t.pos1, t.owner, ifnull(t.memo, '') from code_text t "
                "join source s on s.id = t.fid join code_name c on c.cid = t.cid"
            )
        ],
    }


def export(refi: object, app: App, log: object, out: Path, work: Path) -> str:
    """Run QualCoder's REFI-QDA project export (``RefiExport(app, log, "project")``): it builds
    the archive under ``~/.qualcoder`` (HOME is a temporary folder here) and copies it to the
    folder the dialog names, as ``<project name>.qdpx``."""
    from PyQt6 import QtWidgets

    class PlainEndings:
        """QualCoder's line-ending question, answered "as they are" (not MAXQDA's CRLF)."""

        class ui:  # noqa: N801 - the attribute QualCoder reads
            class radioButton_maxqda:  # noqa: N801
                @staticmethod
                def isChecked() -> bool:  # noqa: N802
                    return False

        def __init__(self, *args: object) -> None:
            pass

        def exec(self) -> int:
            return 0

    os.environ["HOME"] = str(work / "home")
    (work / "home" / ".qualcoder").mkdir(parents=True, exist_ok=True)
    target = work / "export"
    target.mkdir()
    refi.RefiLineEndings = PlainEndings  # type: ignore[attr-defined]
    QtWidgets.QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: str(target))
    with contextlib.redirect_stdout(sys.stderr):
        refi.RefiExport(app, log, "project")  # type: ignore[attr-defined]
    (made,) = target.glob("*.qdpx")
    out.write_bytes(made.read_bytes())
    return str(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("qdpx", type=Path)
    ap.add_argument("--qualcoder", type=Path, required=True, help="QualCoder source checkout")
    ap.add_argument("--log", action="store_true", help="print QualCoder's import log")
    ap.add_argument("--export", type=Path, help="then write the project back out with QualCoder")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(args.qualcoder / "src"))
    from PyQt6 import QtWidgets

    with contextlib.redirect_stdout(sys.stderr):  # QualCoder prints as it goes
        from qualcoder import refi  # QualCoder's own module

    qapp = QtWidgets.QApplication([])
    work = Path(tempfile.mkdtemp(prefix="qc-driver-"))
    project = work / "import.qda"
    for sub in ("", "images", "audio", "video", "documents"):
        (project / sub).mkdir(exist_ok=True)
    app = App(project)
    for sql in qualcoder_tables(args.qualcoder / "src" / "qualcoder" / "__main__.py"):
        app.conn.execute(sql)
    app.conn.execute(
        "insert into project (databaseversion, date, memo, about, bookmarkfile, bookmarkpos, "
        "codername) values ('v17', '2026-01-01 00:00:00', '', 'driver', 0, 0, 'default')"
    )
    app.conn.commit()

    class Quiet:
        """QualCoder's message box: the driver prints instead of waiting for a click."""

        def __init__(self, _app: object, title: str, text: str, *rest: object) -> None:
            self.text = f"{title}: {text}"

        def exec(self) -> int:
            return 0

    refi.Message = Quiet
    target = str(args.qdpx.resolve())
    QtWidgets.QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (target, "*.qdpx"))
    log = QtWidgets.QTextEdit()
    with contextlib.redirect_stdout(sys.stderr):
        refi.RefiImport(app, log, "qdpx")
    result = {"file": str(args.qdpx), "qualcoder": count(app.conn)}
    if args.log:
        result["log"] = log.toPlainText().splitlines()
    if args.export:
        result["export"] = export(refi, app, log, args.export.resolve(), work)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    qapp.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
