"""Compare what another program read from a .qdpx with the coder project it was exported from.

Run with coder's own Python::

    python bench/interop/compare.py demo.coder qualcoder.json

The JSON is what one of the reader scripts here printed; its ``coding_rows`` are
``[source name, code name, start, end, coder, ...]``. Prints how many of the project's codings
the reader has exactly (same source, code, span and coder), per coder, and what it lacks or
added.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from coder.project import Project


def main() -> int:
    project_path, result_path = Path(sys.argv[1]), Path(sys.argv[2])
    result = json.loads(result_path.read_text(encoding="utf-8"))
    rows = next(
        v["coding_rows"] for v in result.values() if isinstance(v, dict) and "coding_rows" in v
    )
    p = Project.open(project_path)
    try:
        ours = Counter((s.source, s.code, s.start, s.end, s.coder) for s in p.segments())
    finally:
        p.close()
    theirs = Counter(tuple(r[:5]) for r in rows)
    exact = ours & theirs
    report = {
        "project_codings": sum(ours.values()),
        "reader_codings": sum(theirs.values()),
        "exact": sum(exact.values()),
        "exact_by_coder": dict(sorted(Counter(k[4] for k in exact.elements()).items())),
        "missing": [list(k) for k in (ours - theirs).elements()][:10],
        "extra": [list(k) for k in (theirs - ours).elements()][:10],
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
