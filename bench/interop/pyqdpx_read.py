"""Read a .qdpx with pyqdpx (a Python library for QDPX files) and print the codings it sees.

Run with a Python that has ``pyqdpx`` (not a dependency of coder; see README.md)::

    python pyqdpx_read.py demo.qdpx > pyqdpx.json

``coding_rows`` are ``[source name, code name, start, end, coder, memo]``, one for each
selection pyqdpx reads (it takes a selection's first ``Coding`` and its ``creatingUser``).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections import Counter

from pyqdpx import QDPX


def main() -> int:
    with contextlib.redirect_stdout(sys.stderr):  # pyqdpx prints its warnings
        qde = QDPX(sys.argv[1]).get_project()
        rows = []
        for source in qde.sources.values():
            for sel in source.coded_selections.values():
                user = sel.user
                rows.append(
                    [
                        source.name,
                        sel.code.name,
                        sel.start_position,
                        sel.end_position,
                        user.name if user else None,
                        sel.description or "",
                    ]
                )
    result = {
        "pyqdpx": {
            "users": sorted(u.name for u in qde.users.values()),
            "codes": len(qde.codes),
            "sources": len(qde.sources),
            "codings": len(rows),
            "codings_by_coder": dict(sorted(Counter(r[4] for r in rows).items())),
            "coding_rows": rows,
        }
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
