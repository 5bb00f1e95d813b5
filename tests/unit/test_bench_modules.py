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


def test_serve_bench_waits_for_words_the_screens_really_show() -> None:
    """bench/serve.py waits in the browser for each screen's words in each interface language;
    when a screen's string is translated anew, the words it waits for must follow, or the bench
    times out (the code picker's English placeholder did once)."""
    from bench.serve import NEEDLES
    from coder.locale.translations import ROWS

    column = {"en": 0, "zh-Hans": 1, "zh-Hant": 2}
    for lang, needles in NEEDLES.items():
        shown = [row[column[lang]] for row in ROWS]
        missing = [n for n in needles if not any(n in text for text in shown)]
        assert not missing, f"{lang}: no screen string holds {missing}"


def test_a_failed_module_reads_error_not_ok() -> None:
    from bench.common import Result

    assert (
        Result("bench/x.py failed: RuntimeError: boom", 0.0, target=1.0, error=True).verdict
        == "ERROR"
    )
    assert Result("a figure", 0.5, target=1.0).verdict == "ok"
