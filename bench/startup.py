"""Start-up benchmark: `coder sources` on the demo beside `python -c "import sqlalchemy"`, run
alternately, medians of 5. Every command pays the start-up, so it must not import what it does
not use (numpy, networkx, jieba, spaCy, lxml, Alembic, the PostgreSQL dialect)."""

from __future__ import annotations

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

    def sources() -> None:
        subprocess.run([BIN / "coder", "sources", str(demo)], check=True, stdout=subprocess.DEVNULL)

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "import sqlalchemy"], check=True)

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
