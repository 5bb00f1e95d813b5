"""Shared pieces of the benchmarks: results, timing, and the synthetic project built once."""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    figure: str
    value: float
    unit: str = "s"
    target: float | None = None
    higher_is_better: bool = False

    @property
    def value_text(self) -> str:
        return _fmt(self.value, self.unit)

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "—"
        return ("≥ " if self.higher_is_better else "≤ ") + _fmt(self.target, self.unit)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        ok = self.value >= self.target if self.higher_is_better else self.value <= self.target
        return "ok" if ok else "MISS"


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "x":
        return f"{value:.1f}×"
    return f"{value:,.1f} {unit}"


def _times(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs (seconds): the figure least disturbed by the machine."""
    return min(_times(fn, repeat))


def median_of(fn: Callable[[], object], repeat: int = 5) -> float:
    return statistics.median(_times(fn, repeat))


@dataclass
class Context:
    out: Path
    timings: dict[str, dict[str, float]] = field(default_factory=dict)
    _synthetic: Path | None = None

    def synthetic(self) -> Path:
        """The synthetic large project (built on first use; later benchmarks copy it)."""
        if self._synthetic is None:
            from bench.synth import build

            if self.out.exists():
                shutil.rmtree(self.out)
            self.out.mkdir(parents=True)
            path = self.out / "synthetic.coder"
            self.timings["synthetic"] = build(path)
            self._synthetic = path
        return self._synthetic

    def copy(self, name: str) -> Path:
        """A private copy of the synthetic project for a benchmark that changes it."""
        dst = self.out / name
        shutil.copy(self.synthetic(), dst)
        return dst
