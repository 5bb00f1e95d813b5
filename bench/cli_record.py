"""The CLI recorder: runs a fixed set of ``coder`` invocations on the demo and writes what each
printed (stdout, stderr, exit code), so that two versions of the program can be compared byte for
byte, and the Chinese output looked at.

    python -m bench.cli_record OUT.txt [--ui-lang LANG] [--work DIR]
    diff before.txt after.txt

The demo is built once in ``--work`` (default ``bench/out/cli_record``) and kept, so the times and
ids it holds are the same in every run; commands that change a project run on a fresh copy of it.
``tests/unit/test_cli_i18n.py`` uses :func:`record` too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

#: (name, argv) with ``{demo}`` the read-only demo, ``{copy}`` a fresh copy of it for this
#: invocation, ``{new}`` a fresh empty project, ``{corpus}`` the demo's transcripts, ``{work}``
#: the work folder.
INVOCATIONS: list[tuple[str, list[str]]] = [
    ("sources", ["sources", "{demo}"]),
    ("sources-where", ["sources", "{demo}", "--where", "gender=男"]),
    ("sets", ["sets", "{demo}"]),
    ("codebook", ["codebook", "{demo}", "show"]),
    ("codings", ["codings", "{demo}", "--code", "a09"]),
    ("codings-source", ["codings", "{demo}", "--source", "S1-01"]),
    ("turns", ["turns", "{demo}", "S1-01"]),
    ("search", ["search", "{demo}", "学校"]),
    ("log", ["log", "{demo}"]),
    ("member", ["member", "{demo}", "list"]),
    ("dictionary", ["dictionary", "{demo}", "show"]),
    ("stats-frequencies", ["stats", "{demo}", "frequencies"]),
    ("stats-cooccurrence", ["stats", "{demo}", "cooccurrence"]),
    ("stats-saturation", ["stats", "{demo}", "saturation"]),
    ("stats-paradigm", ["stats", "{demo}", "paradigm"]),
    ("stats-selective", ["stats", "{demo}", "selective"]),
    ("stats-by", ["stats", "{demo}", "matrix", "--rows", "a09;a02", "--by", "gender"]),
    ("stats-by-bad", ["stats", "{demo}", "frequencies", "--by", "gender"]),
    ("query", ["query", "{demo}", "a09 OR a02"]),
    ("query-list", ["query", "{demo}", "--list"]),
    ("agreement", ["agreement", "{demo}", "--coders", "R1,R2"]),
    ("review", ["review", "{demo}", "--coders", "R1,R2"]),
    ("review-report", ["review", "{demo}", "--coders", "R1,R2", "--report"]),
    ("words", ["words", "{demo}"]),
    ("keywords", ["keywords", "{demo}", "--source", "S1-01"]),
    ("discover", ["discover", "{demo}"]),
    ("suggest", ["suggest", "{demo}", "--limit", "5"]),
    # changes, each on a fresh copy
    ("new", ["new", "{work}/made.coder", "--title", "t"]),
    ("import", ["import", "{new}", "{corpus}/S1-01.txt", "{corpus}/S1-02.txt"]),
    ("import-folder", ["import", "{new}", "{corpus}"]),
    ("import-twice", ["import", "{copy}", "{corpus}/S1-01.txt"]),
    ("import-missing", ["import", "{new}", "{work}/no-such-file.txt"]),
    ("import-unsupported", ["import", "{new}", "{corpus}/build_fixtures.py"]),
    ("export-qdpx", ["export", "{demo}", "-o", "{work}/demo.qdpx"]),
    ("import-qdpx", ["import", "{new}", "{work}/demo.qdpx"]),
    ("import-qdpx-again", ["import", "{copy}", "{work}/demo.qdpx"]),
    ("merge", ["merge", "{copy}", "{demo}"]),
    (
        "stats-matrix-passages",
        ["stats", "{demo}", "matrix", "--rows", "a09", "--by", "gender", "--passages"],
    ),
    ("graph", ["graph", "{demo}", "-o", "{work}/net.graphml"]),
    ("add-code", ["codebook", "{copy}", "add", "新概念"]),
    ("code", ["code", "{copy}", "S1-01", "0", "5", "a09"]),
    ("uncode-bad", ["uncode", "{copy}", "999999"]),
    ("undo", ["undo", "{copy}"]),
    ("redo-empty", ["redo", "{copy}"]),
    ("sample", ["sample", "{copy}", "3", "--seed", "1", "--name", "s"]),
    ("backup", ["backup", "{copy}"]),
    # errors
    ("no-project", ["sources", "{work}/missing.coder"]),
    ("unknown-source", ["text", "{demo}", "S9-99"]),
    ("unknown-code", ["codings", "{demo}", "--code", "zz99"]),
    ("code-unknown", ["code", "{copy}", "S1-01", "0", "5", "no such code"]),
    ("bad-offsets", ["code", "{copy}", "S1-01", "50", "5", "a09"]),
    ("bad-query", ["query", "{demo}", "a09 AND ("]),
    ("bad-where", ["sources", "{demo}", "--where", "nonsense"]),
    ("bad-ui-lang", ["--ui-lang", "fr", "sources", "{demo}"]),
    ("agreement-one", ["agreement", "{demo}", "--coders", "R1"]),
]

#: The commands whose ``--json`` output is compared across interface languages.
JSON_INVOCATIONS: list[list[str]] = [
    ["sources", "{demo}", "--json"],
    ["sets", "{demo}", "--json"],
    ["codebook", "{demo}", "show", "--json"],
    ["codings", "{demo}", "--code", "a09", "--json"],
    ["log", "{demo}", "--json"],
    ["stats", "{demo}", "frequencies", "--json"],
    ["stats", "{demo}", "cooccurrence", "--json"],
    ["stats", "{demo}", "saturation", "--json"],
    ["stats", "{demo}", "paradigm", "--json"],
    ["agreement", "{demo}", "--coders", "R1,R2", "--json"],
    ["review", "{demo}", "--coders", "R1,R2", "--json"],
    ["query", "{demo}", "a09 OR a02", "--json"],
    ["search", "{demo}", "学校", "--json"],
    ["turns", "{demo}", "S1-01", "--json"],
    ["suggest", "{demo}", "--limit", "5", "--json"],
    ["discover", "{demo}", "--json"],
    ["import", "{new}", "{corpus}/S1-01.txt", "{corpus}/build_fixtures.py", "--json"],
]


def demo_path(work: Path) -> Path:
    """The demo project in ``work``, built the first time."""
    path = work / "demo.coder"
    if not path.exists():
        from coder.demo import build_demo

        work.mkdir(parents=True, exist_ok=True)
        build_demo(path).close()
    return path


def invoke(argv: list[str]) -> tuple[int, str, str]:
    """``coder ARGV`` in this process: exit code, stdout, stderr."""
    from coder import i18n
    from coder.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("CODER_LANG")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = main(argv)
            except SystemExit as exc:  # argparse's usage errors
                rc = int(exc.code or 0)
    finally:
        i18n.activate("en")
        if saved is None:
            os.environ.pop("CODER_LANG", None)
        else:
            os.environ["CODER_LANG"] = saved
    return rc, out.getvalue(), err.getvalue()


def expand(argv: list[str], work: Path, n: int) -> list[str]:
    """The placeholders of ``argv`` filled in; copies and new projects are made here."""
    demo = demo_path(work)
    out = []
    for arg in argv:
        if "{copy}" in arg:
            copy = work / f"copy{n}.coder"
            shutil.copy(demo, copy)
            arg = arg.replace("{copy}", str(copy))
        if "{new}" in arg:
            new = work / f"new{n}.coder"
            if not new.exists():
                from coder.project import Project

                Project.create(new, title="new").close()
            arg = arg.replace("{new}", str(new))
        if arg.startswith("{work}/made"):
            (work / "made.coder").unlink(missing_ok=True)
        out.append(
            arg.replace("{demo}", str(demo))
            .replace("{corpus}", str(CORPUS))
            .replace("{work}", str(work))
        )
    return out


def clean(work: Path) -> None:
    """Remove the copies and new projects (and their backups), keep the demo."""
    for path in work.iterdir():
        if path.name.startswith(("demo.coder",)):
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def record(
    work: Path,
    ui_lang: str | None = None,
    invocations: list[tuple[str, list[str]]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, tuple[int, str, str]]:
    """Each invocation's (exit code, stdout, stderr), by name, in ``ui_lang`` (None: as chosen)."""
    results = {}
    demo_path(work)
    for n, (name, argv) in enumerate(invocations or INVOCATIONS):
        if progress:
            progress(name)
        argv = expand(argv, work, n)
        if ui_lang and argv[0] != "--ui-lang":
            argv = ["--ui-lang", ui_lang, *argv]
        results[name] = invoke(argv)
    clean(work)
    return results


def render(results: dict[str, tuple[int, str, str]], work: Path) -> str:
    parts = []
    for name, (rc, out, err) in results.items():
        parts.append(f"=== {name} (exit {rc})\n--- stdout\n{out}--- stderr\n{err}")
    text = "".join(parts).replace(str(work), "WORK").replace(str(ROOT), "ROOT")
    return re.sub(r"-\d{8}-\d{6}-\d+-", "-DATE-", text)  # a backup's name has the time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cli_record", description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--ui-lang")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "cli_record")
    args = parser.parse_args(argv)
    os.environ.setdefault("CODER_USER", "recorder")
    results = record(
        args.work, args.ui_lang, progress=lambda name: print(name, file=sys.stderr, flush=True)
    )
    args.out.write_text(render(results, args.work), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
