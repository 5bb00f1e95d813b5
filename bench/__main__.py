"""`make bench`: run every benchmark module and print one table of figures against targets.

Each module in bench/ with a ``run(ctx)`` function returns ``Result`` rows; ``python -m bench
NAME...`` runs only the modules named. The synthetic large
project is built once (``ctx.synthetic()``) and shared.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback
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
    if sys.argv[1:]:  # `python -m bench store refi` runs only those modules
        unknown = sorted(set(sys.argv[1:]) - set(names))
        if unknown:
            print(f"no benchmark module {', '.join(unknown)}; there are {', '.join(sorted(names))}")
            return 2
        names = [n for n in names if n in sys.argv[1:]]
    names.sort(key=lambda n: (n not in MODULES_FIRST, n))
    results: list[Result] = []
    t0 = time.perf_counter()
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"running bench/{name}.py …", file=sys.stderr, flush=True)
        try:
            results.extend(module.run(ctx))
        except Exception as exc:  # one broken module must not take the others' figures with it
            traceback.print_exc()
            first = (str(exc).splitlines() or [""])[0][:100]
            results.append(
                Result(f"bench/{name}.py failed: {type(exc).__name__}: {first}", 0.0, error=True)
            )
    width = max(len(r.figure) for r in results)
    print(f"{'figure':<{width}}  {'value':>12}  {'target':>12}  result  anchor in the same run")
    print(f"{'-' * width}  {'-' * 12}  {'-' * 12}  ------  ---------------------")
    for r in results:
        print(
            f"{r.figure:<{width}}  {r.value_text:>12}  {r.target_text:>12}  {r.verdict:<6}  "
            f"{r.anchor_text}".rstrip()
        )
    misses = sum(r.verdict == "MISS" for r in results)
    errors = sum(r.verdict == "ERROR" for r in results)
    oks = sum(r.verdict == "ok" for r in results)
    print(
        f"summary: {oks} ok, {misses} MISS, {errors} ERROR, {len(results) - oks - misses - errors} informational ({time.perf_counter() - t0:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
