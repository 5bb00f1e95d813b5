"""Bringing a file's code tree into a project: one routine for ``.qdc`` and ``.qdpx``.

Codes are merged the way ``coder codebook load`` merges a YAML codebook: a code of the file that is
already in the project (same GUID, else same level and name) gets the file's fields; a new code is
added with the file's GUID and, where it is free, the file's label; parents are added where
missing. Levels come from the ``[GT]`` lines or the convention sets; a code from another program
without them is a category (axial) when it has children and a concept (open) when it has none.
Within one file, a second code with the same level and name is renamed "name (parent)", since a
project holds each name once per level (the report lists them).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from coder.facade.codebook import LEVEL_RANK, _ancestors, _check_fields, next_label
from coder.store.journal import Change
from coder.store.schema import code_parents, codes

from .convention import parse_code_description, parse_colour, parse_set_name
from .parse import FCode, FSet
from .report import ImportReport, plural

_FIELDS = (
    "name_en",
    "inclusion",
    "exclusion",
    "example",
    "in_vivo",
    "paradigm_role",
    "axis",
    "properties",
)


@dataclass
class _Plan:
    code: FCode
    name: str
    level: str
    known_level: bool
    definition: str
    fields: dict[str, Any]
    colour: str
    parents: list[str] = field(default_factory=list)
    """Labels of all parents (from a ``[GT] parents:`` line), primary first."""


def convention_fields(sets: list[FSet], report: ImportReport) -> dict[str, dict[str, Any]]:
    """GT fields from the convention sets, by code GUID; other code sets are reported."""
    out: dict[str, dict[str, Any]] = {}
    foreign = []
    for s in sets:
        parsed = parse_set_name(s.name)
        if parsed is None:
            if s.codes:
                foreign.append(s)
            continue
        key, value = parsed
        for guid in s.codes:
            out.setdefault(guid, {})[key] = value
    if foreign:
        names = ", ".join(repr(s.name) for s in foreign[:5]) + (" …" if len(foreign) > 5 else "")
        report.drop(
            f"{plural(len(foreign), 'code set')} ({names})",
            "coder has no code groups; their codes came in without the grouping",
            len(foreign),
        )
    return out


class CodeMerger:
    """Writes a file's codes into the project within one change; ``ids`` maps the file's code
    GUIDs to project code ids afterwards."""

    def __init__(self, ch: Change, report: ImportReport) -> None:
        self.ch = ch
        self.report = report
        self.ids: dict[str, int] = {}
        self.levels: dict[int, str] = {}

    def run(self, file_codes: list[FCode], sets: list[FSet]) -> dict[str, int]:
        plans = self._plan(file_codes, convention_fields(sets, self.report))
        self._write(plans)
        self._link(plans)
        return self.ids

    # -- planning ------------------------------------------------------------------------------

    def _plan(self, file_codes: list[FCode], from_sets: dict[str, dict[str, Any]]) -> list[_Plan]:
        report = self.report
        plans: list[_Plan] = []
        seen_guid: set[str] = set()
        taken: dict[tuple[str, str], _Plan] = {}
        by_guid: dict[str, _Plan] = {}
        renamed, odd_colours, problems = [], [], []
        for i, code in enumerate(file_codes, 1):
            if code.guid in seen_guid:
                problems.append(f"code {code.name!r} repeats GUID {code.guid}: kept as a new code")
                code.guid = str(uuid.uuid4())
            seen_guid.add(code.guid)
            definition, fields, issues = parse_code_description(code.description)
            problems += [f"code {code.name!r}: {p}" for p in issues]
            for key, value in from_sets.get(code.guid, {}).items():
                fields.setdefault(key, value)
            level = fields.pop("level", None)
            known = level is not None
            level = level or ("axial" if code.children else "open")
            for key in ("paradigm_role", "axis"):
                if key in fields and level != "axial":
                    problems.append(
                        f"code {code.name!r}: {key} left out (only categories have one)"
                    )
                    del fields[key]
            if fields.get("core") and level != "selective":
                del fields["core"]
            name = " ".join(code.name.split()) or f"code {i}"
            if (level, name) in taken:
                parent = by_guid.get(code.parent or "")
                base = f"{name} ({parent.name})" if parent else name
                new, n = base, 2
                while (level, new) in taken:
                    new, n = f"{base} {n}", n + 1
                renamed.append(f"{name!r} → {new!r}")
                name = new
            colour, ok = parse_colour(code.colour)
            if not ok:
                odd_colours.append(code.colour or "")
            plan = _Plan(code, name, level, known, definition, fields, colour)
            plan.parents = fields.pop("parents", [])
            taken[(level, name)] = plan
            by_guid[code.guid] = plan
            plans.append(plan)
        if renamed:
            report.note(
                f"{plural(len(renamed), 'code')} renamed, because the file has the name twice at "
                f"one level: {'; '.join(renamed[:5])}{' …' if len(renamed) > 5 else ''}"
            )
        if odd_colours:
            report.drop(
                plural(len(odd_colours), "code colour")
                + f" ({', '.join(repr(c) for c in odd_colours[:3])})",
                "not a colour this program can read; those codes have none",
                len(odd_colours),
            )
        for p in problems[:10]:
            report.note(p)
        if len(problems) > 10:
            report.note(f"… and {len(problems) - 10} more such remarks about codes")
        return plans

    # -- writing -------------------------------------------------------------------------------

    def _write(self, plans: list[_Plan]) -> None:
        ch, conn, report = self.ch, self.ch.conn, self.report
        rows = conn.execute(
            select(codes.c.id, codes.c.guid, codes.c.label, codes.c.name, codes.c.level)
        ).all()
        by_guid = {r.guid.lower(): r for r in rows}
        by_level_name = {(r.level, r.name): r for r in rows}
        by_name: dict[str, list[Any]] = {}
        for r in rows:
            by_name.setdefault(r.name, []).append(r)
        labels = {r.label for r in rows}
        self.levels = {r.id: r.level for r in rows}
        now = time.time()
        for plan in plans:
            match = by_guid.get(plan.code.guid) or by_level_name.get((plan.level, plan.name))
            if match is None and not plan.known_level and len(by_name.get(plan.name, [])) == 1:
                match = by_name[plan.name][0]
            values = {k: plan.fields[k] for k in _FIELDS if k in plan.fields}
            if plan.definition:
                values["definition"] = plan.definition
            if plan.colour:
                values["colour"] = plan.colour
            if match is None:
                label = plan.fields.get("label")
                if not label or label in labels:
                    label = next_label(conn, plan.level)
                clean = _check_fields(plan.level, {"name": plan.name, "label": label, **values})
                core = bool(plan.fields.get("core"))
                if core:
                    self._uncore()
                cid = ch.insert(
                    codes,
                    {
                        "guid": plan.code.guid,
                        "level": plan.level,
                        "is_core": core,
                        "created": now,
                        **clean,
                    },
                )
                labels.add(label)
                self.levels[cid] = plan.level
                report.add("codes_added")
            else:
                cid = match.id
                level = match.level
                if level != plan.level and plan.known_level:
                    report.note(
                        f"code {plan.name!r} is {level} in the project and {plan.level} in the "
                        "file; it stays " + level
                    )
                if level != "axial":
                    values.pop("paradigm_role", None)
                    values.pop("axis", None)
                if plan.name != match.name and (level, plan.name) not in by_level_name:
                    values["name"] = plan.name
                before = len(ch.forward)
                clean = _check_fields(level, values)
                if clean:
                    ch.update(codes, {"id": cid}, clean)
                if plan.fields.get("core") and level == "selective":
                    self._uncore(keep=cid)
                    ch.update(codes, {"id": cid}, {"is_core": True})
                report.add("codes_matched")
                if len(ch.forward) > before:
                    report.add("codes_updated")
            self.ids[plan.code.guid] = cid

    def _uncore(self, keep: int | None = None) -> None:
        for (other,) in self.ch.conn.execute(select(codes.c.id).where(codes.c.is_core.is_(True))):
            if other != keep:
                self.ch.update(codes, {"id": other}, {"is_core": False})

    def _link(self, plans: list[_Plan]) -> None:
        ch, conn = self.ch, self.ch.conn
        by_label = {p.fields["label"]: p.code.guid for p in plans if p.fields.get("label")}
        refused: list[str] = []
        for plan in plans:
            cid = self.ids[plan.code.guid]
            wanted: list[int] = []
            if plan.code.parent in self.ids:
                wanted.append(self.ids[plan.code.parent])
            for label in plan.parents:
                guid = by_label.get(label)
                if guid is not None and self.ids[guid] not in wanted:
                    wanted.append(self.ids[guid])
            if not wanted:
                continue
            have = dict(
                conn.execute(
                    select(code_parents.c.parent_id, code_parents.c.is_primary).where(
                        code_parents.c.child_id == cid
                    )
                ).all()
            )
            for pid in wanted:
                if pid in have:
                    continue
                if LEVEL_RANK[self.levels[pid]] < LEVEL_RANK[self.levels[cid]]:
                    refused.append(
                        f"{plan.name!r} ({self.levels[cid]}) not put under a {self.levels[pid]} code"
                    )
                    continue
                if pid == cid or cid in _ancestors(conn, pid):
                    refused.append(f"{plan.name!r} not put under a code inside it (a cycle)")
                    continue
                primary = not any(have.values())
                ch.insert(code_parents, {"child_id": cid, "parent_id": pid, "is_primary": primary})
                have[pid] = primary
        if refused:
            self.report.drop(
                plural(len(refused), "parent link")
                + f" ({'; '.join(refused[:3])}{' …' if len(refused) > 3 else ''})",
                "a code never sits under a lower level or inside itself",
                len(refused),
            )
