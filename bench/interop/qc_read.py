"""Import a .qdpx with qc (the ``qualitative-coding`` package: ``qc init --import``) and count
what its database then holds.

Run with the Python of a virtualenv that has ``qualitative-coding`` (not a dependency of coder;
see README.md)::

    python qc_read.py demo.qdpx > qc.json

qc codes whole lines, not spans: each coding becomes a coded line of its document for its
coder (taken from the ``Coding``'s ``creatingUser``), and codings of one line with one code by
one coder are one coded line. qc 1.7.8 leaves a ``breakpoint()`` in its importer; the script
turns it off (``PYTHONBREAKPOINT=0``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    qdpx = Path(sys.argv[1]).resolve()
    qc = Path(sys.executable).with_name("qc")
    work = Path(tempfile.mkdtemp(prefix="qc-import-"))
    env = {**os.environ, "PYTHONBREAKPOINT": "0"}
    run = subprocess.run(
        [str(qc), "init", "--import", str(qdpx)], cwd=work, env=env, capture_output=True, text=True
    )
    conn = sqlite3.connect(work / "qualitative_coding.sqlite3")
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    result = {
        "qc": {
            "exit": run.returncode,
            "warnings": [line for line in run.stdout.splitlines() if "warning" in line],
            "codes": one("select count(*) from code"),
            "documents": one("select count(*) from document"),
            "coded_lines": one("select count(*) from coded_line"),
            "coded_lines_by_coder": dict(
                conn.execute("select coder_id, count(*) from coded_line group by coder_id")
            ),
            "distinct_lines": one("select count(distinct line) from coded_line"),
        }
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
