"""`make bench`: run every benchmark module and print one table of figures against targets.

Each module in bench/ with a ``run(ctx)`` function returns ``Result`` rows. The synthetic large
project is built once (``ctx.synthetic()``) and shared.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

from bench.common import Context, Result

MODULES_FIRST = ["store"]


def main() -> int:
    out = Path(__file__).parent / "out"
    ctx = Context(out)
    names = [
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if hasattr(importlib.import_module(f"bench.{m.name}"), "run")
    ]
    names.sort(key=lambda n: (n not in MODULES_FIRST, n))
    results: list[Result] = []
    t0 = time.perf_counter()
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"running bench/{name}.py …", file=sys.stderr, flush=True)
        results.extend(module.run(ctx))
    width = max(len(r.figure) for r in results)
    print(f"{'figure':<{width}}  {'value':>12}  {'target':>12}  result")
    print(f"{'-' * width}  {'-' * 12}  {'-' * 12}  ------")
    for r in results:
        print(f"{r.figure:<{width}}  {r.value_text:>12}  {r.target_text:>12}  {r.verdict}")
    misses = sum(r.verdict == "MISS" for r in results)
    oks = sum(r.verdict == "ok" for r in results)
    print(
        f"summary: {oks} ok, {misses} MISS, {len(results) - oks - misses} informational ({time.perf_counter() - t0:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
