"""Start-up benchmark: `coder sources` on the demo beside `python -c "import sqlalchemy"`, run
alternately, medians of 5. Every command pays the start-up, so it must not import what it does
not use (numpy, networkx, jieba, spaCy, lxml, Alembic, the PostgreSQL dialect).

The figure is for the program as installed: a wheel install (and `make venv`) compiles coder's
modules to bytecode, as pip did for SQLAlchemy's. Without that step an editable checkout under
PYTHONDONTWRITEBYTECODE compiles all of coder again at every start (1.46x instead of 1.21x here),
so the bench compiles first; a stale .pyc left by an edit would otherwise be measured too.

Both sides pay the interpreter's start and exit. At exit the anchor's last garbage collection
walks SQLAlchemy's objects (about 40 ms here); the ``coder`` program freezes what it leaves
before that collection (``coder.cli.main.run``), which took 1.23-1.33x to 1.05x on 2026-12-07:
measured so, the figure is the time a user waits for the command, imports and exit included."""

from __future__ import annotations

import compileall
import subprocess
import sys
from pathlib import Path

from bench.common import Context, Result, alternate

BIN = Path(sys.executable).parent


def run(ctx: Context) -> list[Result]:
    demo = ctx.out / "startup" / "demo.coder"
    demo.parent.mkdir(parents=True, exist_ok=True)
    if not demo.exists():
        subprocess.run(
            [BIN / "coder", "demo", "--no-tui", "--path", str(demo)],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    import coder

    compileall.compile_dir(Path(coder.__file__).parent, quiet=1)

    def sources() -> None:
        subprocess.run([BIN / "coder", "sources", str(demo)], check=True, stdout=subprocess.DEVNULL)

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "import sqlalchemy"], check=True)

    # One untimed pair first: the first start after the compile (and after the modules before
    # this one) reads files the page cache may not hold yet, and that fell on one side only.
    bare()
    sources()
    value, anchor = alternate(sources, bare, 5)
    return [
        Result(
            "startup: `coder sources` on the demo, median of 5",
            value,
            anchor='python -c "import sqlalchemy"',
            anchor_value=anchor,
            ratio_target=1.3,
        )
    ]
