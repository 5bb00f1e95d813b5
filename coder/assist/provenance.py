"""What the machine did in a project, for every export to say: how many codings were machine
suggestions a person accepted, and by which model version; the machine coders' codings (left out
of the figures unless asked for) with the precision their random checks give; and the latest
evaluation of the model as a second coder (``coder suggest --evaluate``, kept in the project).

:func:`provenance` reads it; :meth:`Provenance.lines` words it for the paper tables' notes (注),
the REFI export's project note and ``coder log``. A project the machine never touched has
nothing to say (:meth:`Provenance.empty`), so its exports are as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from coder.store.schema import MACHINE_PREFIX, coders, codings

if TYPE_CHECKING:
    from coder.project import Project


def precision_interval(confirmed: int, checked: int, z: float = 1.96) -> tuple[float, float, float]:
    """Precision from a checked sample with its Wilson 95% interval: (estimate, low, high)."""
    if checked <= 0:
        return 0.0, 0.0, 1.0
    p = confirmed / checked
    centre = (p + z * z / (2 * checked)) / (1 + z * z / checked)
    half = (
        z
        * math.sqrt(p * (1 - p) / checked + z * z / (4 * checked * checked))
        / (1 + z * z / checked)
    )
    return p, max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class CheckFigures:
    """Precision of one machine coder (``code`` None) or of one of its codes, from the checks."""

    machine: str
    model: str
    code: str | None
    checked: int
    confirmed: int
    precision: float
    low: float
    high: float

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        for k in ("precision", "low", "high"):
            d[k] = round(d[k], 4)
        return d


def check_report(project: Project, *, per_code: bool = True) -> list[CheckFigures]:
    """Precision with its Wilson 95% interval for each machine coder that has checks (every
    checker's verdicts together), then per code under it when ``per_code``."""
    labels = {c.id: c.label for c in project.codes()}
    groups: dict[tuple[str, str, str | None], list[int]] = {}
    for c in project.checks():
        ok = int(c["verdict"] == "confirmed")
        keys: list[tuple[str, str, str | None]] = [(c["machine"], c["model"], None)]
        if per_code:
            keys.append((c["machine"], c["model"], labels.get(c["code_id"], f"#{c['code_id']}")))
        for key in keys:
            tally = groups.setdefault(key, [0, 0])
            tally[0] += 1
            tally[1] += ok
    out = []
    for (machine, model, code), (checked, confirmed) in groups.items():
        p, low, high = precision_interval(confirmed, checked)
        out.append(CheckFigures(machine, model, code, checked, confirmed, p, low, high))
    out.sort(key=lambda f: (f.machine, f.code is not None, f.code or ""))
    return out


@dataclass(frozen=True)
class Provenance:
    suggested: dict[str, int] = field(default_factory=dict)
    """Accepted suggestions among the human codings, per model version."""
    suggested_by: dict[str, int] = field(default_factory=dict)
    """Accepted suggestions per human coder (who was using suggestions)."""
    machine: dict[str, int] = field(default_factory=dict)
    """Codings of each machine coder (``model:<version>``)."""
    checks: tuple[CheckFigures, ...] = ()
    """Precision of each machine coder from its random checks (overall rows)."""
    evaluation: dict[str, Any] | None = None
    """The latest recorded evaluation (:meth:`Project.latest_evaluation`)."""

    def empty(self) -> bool:
        return not (self.suggested or self.machine or self.evaluation)

    def as_dict(self) -> dict[str, Any]:
        ev = self.evaluation
        return {
            "suggested": dict(self.suggested),
            "suggested_by": dict(self.suggested_by),
            "machine": dict(self.machine),
            "checks": [c.as_dict() for c in self.checks],
            "evaluation": None
            if ev is None
            else {
                "model": ev["model"],
                "unit": ev["unit"],
                "trained_on": ev["trained_on"],
                "created": ev["created"],
                "macro": ev["figures"].get("macro", {}),
            },
        }

    def lines(self, lang: str = "en") -> list[str]:
        """One sentence per fact, in English or Chinese; empty when the machine did nothing."""
        zh = lang == "zh"
        out = []
        if self.suggested:
            total = sum(self.suggested.values())
            models = "、" if zh else ", "
            each = models.join(f"{m or '?'} {n}" for m, n in sorted(self.suggested.items()))
            who = models.join(f"{c} {n}" for c, n in sorted(self.suggested_by.items()))
            out.append(
                f"人工编码中有 {total} 条是研究者确认接受的机器建议（模型 {each}；编码者 {who}）。"
                if zh
                else f"{total} of the human codings are machine suggestions a researcher "
                f"accepted (model {each}; coder {who})."
            )
        for name, n in sorted(self.machine.items()):
            check = next((c for c in self.checks if c.machine == name and c.code is None), None)
            if zh:
                line = f"机器编码者 {name} 的 {n} 条编码未计入（需要时按编码者指定）"
                if check:
                    line += (
                        f"；随机抽检 {check.checked} 条，精确率 {check.precision:.2f}"
                        f"（95% 置信区间 {check.low:.2f}–{check.high:.2f}）"
                    )
                out.append(line + "。")
            else:
                line = f"The {n} codings of machine coder {name} are left out (asked for by name)"
                if check:
                    line += (
                        f"; a random check of {check.checked} gave precision "
                        f"{check.precision:.2f} (Wilson 95% CI {check.low:.2f}–{check.high:.2f})"
                    )
                out.append(line + ".")
        ev = self.evaluation
        if ev is not None:
            macro = ev["figures"].get("macro", {})
            figs = [(k, macro.get(k)) for k in ("precision", "recall", "f1", "kappa")]
            zh_names = {"precision": "精确率", "recall": "召回率", "f1": "F1", "kappa": "κ"}
            en_names = {"precision": "precision", "recall": "recall", "f1": "F1", "kappa": "κ"}
            if zh:
                said = "，".join(f"{zh_names[k]} {v:.2f}" for k, v in figs if v is not None)
                out.append(
                    f"最近一次模型评估（模型 {ev['model']}，{ev['unit']} 单位，"
                    f"学习自 {ev['trained_on'] or '全部人工编码者'}）：平均{said}。"
                )
            else:
                said = ", ".join(f"{en_names[k]} {v:.2f}" for k, v in figs if v is not None)
                out.append(
                    f"Latest evaluation as a second coder (model {ev['model']}, {ev['unit']} "
                    f"unit, learned from {ev['trained_on'] or 'every human coder'}): mean {said}."
                )
        return out


def provenance(project: Project) -> Provenance:
    """What the machine did in ``project`` (see the module)."""
    suggested: dict[str, int] = {}
    suggested_by: dict[str, int] = {}
    machine: dict[str, int] = {}
    with project.read() as conn:
        for model, name, n in conn.execute(
            select(codings.c.model, coders.c.name, func.count())
            .select_from(codings.join(coders, coders.c.id == codings.c.coder_id))
            .where(codings.c.origin == "suggested")
            .group_by(codings.c.model, coders.c.name)
        ):
            if name.startswith(MACHINE_PREFIX):
                continue
            suggested[model] = suggested.get(model, 0) + n
            suggested_by[name] = suggested_by.get(name, 0) + n
        for name, n in conn.execute(
            select(coders.c.name, func.count())
            .select_from(codings.join(coders, coders.c.id == codings.c.coder_id))
            .where(coders.c.name.startswith(MACHINE_PREFIX, autoescape=True))
            .group_by(coders.c.name)
        ):
            machine[name] = n
    checks = tuple(c for c in check_report(project, per_code=False) if c.machine in machine)
    return Provenance(suggested, suggested_by, machine, checks, project.latest_evaluation())
