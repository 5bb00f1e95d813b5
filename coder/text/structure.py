"""Transcript structure: YAML front matter and speaker turns.

Front matter (a ``---`` block at the top) becomes source attributes and names the case (the
interviewee) with its attributes; the text after it is the source's text. Speaker turns are found
by :mod:`coder.text.speakers`: a line that opens with a speaker's label starts a turn, which runs
until the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import Turn
from coder.text.speakers import DEFAULT_RULE, DEFAULT_SPEAKERS, TurnRule

#: libyaml's safe loader where PyYAML was built with it (it is, in the wheels), else the Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["DEFAULT_SPEAKERS", "Structure", "find_turns", "split_front_matter", "structure"]

#: Front-matter keys that describe the person interviewed (they also go to the source).
CASE_KEYS = {
    "category",
    "role",
    "unit",
    "gender",
    "age",
    "education",
    "position",
    "organisation",
    "类别",
    "职务",
    "单位",
    "性别",
    "年龄",
    "学历",
    "身份",
}


@dataclass
class Structure:
    body: str
    attributes: dict[str, str] = field(default_factory=dict)
    case: str | None = None
    case_attributes: dict[str, str] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)


def split_front_matter(text: str, *, name: str = "") -> tuple[dict[str, object], str]:
    """``(front matter, body)`` of normalised text; no front matter gives ``({}, text)``."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            return {}, text
    raw = text[4 : end + 1]
    body = text[end + 5 :]
    try:
        meta = yaml.load(raw, Loader=SAFE_LOADER) if raw.strip() else {}
    except yaml.YAMLError as exc:
        where = f"{name}: " if name else ""
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 2}" if mark else ""
        raise InvalidInput(
            _("{where}the front matter is not valid YAML{line}; nothing was imported").format(
                where=where, line=line
            )
        ) from None
    if not isinstance(meta, dict):
        raise InvalidInput(
            _(
                "{name}: the front matter is not a list of key: value lines; nothing was imported"
            ).format(name=name)
        )
    return meta, body


def find_turns(body: str, rule: TurnRule = DEFAULT_RULE) -> list[Turn]:
    """Speaker turns in ``body`` (offsets into it), found by ``rule`` (see coder.text.speakers)."""
    return rule.find(body)


def structure(text: str, *, name: str = "", rule: TurnRule = DEFAULT_RULE) -> Structure:
    """Split normalised text into front matter, case, body and turns."""
    meta, body = split_front_matter(text, name=name)
    attributes = {str(k): _scalar(v) for k, v in meta.items() if not isinstance(v, dict)}
    case = None
    case_attributes: dict[str, str] = {}
    nested = meta.get("case")
    if isinstance(nested, dict):
        case = str(nested.get("id") or nested.get("name") or "") or None
        case_attributes = {str(k): _scalar(v) for k, v in nested.items() if k not in ("id", "name")}
    else:
        ident = meta.get("case") or meta.get("interviewee") or meta.get("id")
        case = str(ident) if ident not in (None, "") else None
        case_attributes = {k: v for k, v in attributes.items() if k in CASE_KEYS}
    return Structure(body, attributes, case, case_attributes, find_turns(body, rule))


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    return str(value)
