"""`make bench` runs every module of bench/ that has a ``run`` function, passing it the bench's
Context. A helper module with a ``run`` of another shape (as bench/cli_record.py once had) ends the
whole bench with a traceback after twenty minutes of work; this test finds it at once."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import bench

BENCH = Path(bench.__file__).parent


def test_every_run_function_takes_the_context() -> None:
    found = {}
    for m in pkgutil.iter_modules([str(BENCH)]):
        module = importlib.import_module(f"bench.{m.name}")
        if hasattr(module, "run"):
            found[m.name] = list(inspect.signature(module.run).parameters)
    assert {"store", "tui", "sheets", "serve"} <= set(found)  # the test sees the real modules
    wrong = {name: params for name, params in found.items() if params != ["ctx"]}
    assert not wrong, f"bench modules whose run() does not take (ctx): {wrong}"
