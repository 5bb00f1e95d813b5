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
    #: What the figure is compared with in the same run (e.g. raw SQLite over the same rows), its
    #: value, and the ratio the figure may reach. With a ratio target the verdict is the ratio's,
    #: so a machine that runs a quarter slower for a while cannot flip it; the absolute value and
    #: its target stay printed beside it.
    anchor: str | None = None
    anchor_value: float | None = None
    ratio_target: float | None = None
    #: The module that should have measured this figure failed (its traceback went to stderr).
    error: bool = False

    @property
    def value_text(self) -> str:
        return _fmt(self.value, self.unit)

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "—"
        return ("≥ " if self.higher_is_better else "≤ ") + _fmt(self.target, self.unit)

    @property
    def ratio(self) -> float | None:
        if self.anchor_value is None or self.anchor_value <= 0:
            return None
        return self.value / self.anchor_value

    @property
    def anchor_text(self) -> str:
        if self.anchor is None or self.ratio is None:
            return ""
        text = (
            f"{_times_fmt(self.ratio)} {self.anchor} ({_fmt(self.anchor_value or 0.0, self.unit)})"
        )
        if self.ratio_target is not None:
            sign = "≥" if self.higher_is_better else "≤"
            text += f", ratio target {sign} {_times_fmt(self.ratio_target)}"
        return text

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR"
        if self.ratio_target is not None and self.ratio is not None:
            value, target = self.ratio, self.ratio_target
        elif self.target is not None:
            value, target = self.value, self.target
        else:
            return "info"
        ok = value >= target if self.higher_is_better else value <= target
        return "ok" if ok else "MISS"


def _times_fmt(ratio: float) -> str:
    """A ratio with two decimals, three for small ones (a rate beside a much faster anchor)."""
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.3f}×"


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


def alternate(
    figure: Callable[[], object], anchor: Callable[[], object], repeat: int = 5
) -> tuple[float, float]:
    """Medians of ``figure`` and ``anchor`` run alternately ``repeat`` times each (anchor first),
    so that both see the same machine: drift in its speed moves them together."""
    fig: list[float] = []
    anc: list[float] = []
    for _ in range(repeat):
        anc.extend(_times(anchor, 1))
        fig.extend(_times(figure, 1))
    return statistics.median(fig), statistics.median(anc)


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
