"""Transcript structure: YAML front matter and speaker turns.

Front matter (a ``---`` block at the top) becomes source attributes and names the case (the
interviewee) with its attributes; the text after it is the source's text. Speaker turns come from
patterns: a line that starts (after an optional ``[00:01:02]`` or ``(01:02)`` timestamp) with a
speaker label and a full- or half-width colon opens a turn, which runs until the next one. A turn's
span covers what the speaker said, not the label or the timestamp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from coder.errors import InvalidInput
from coder.model import Turn

#: libyaml's safe loader where PyYAML was built with it (it is, in the wheels), else the Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Speaker labels recognised by default.
DEFAULT_SPEAKERS = (
    "访谈者",
    "受访者",
    "采访者",
    "被访者",
    "访问者",
    "主持人",
    "研究者",
    "调研员",
    "问",
    "答",
    "Q",
    "A",
    "I",
    "R",
    "Interviewer",
    "Interviewee",
    "Respondent",
)
_TIMESTAMP = r"(?:\[(?P<ts1>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\]|[(（](?P<ts2>\d{1,2}:\d{2}(?::\d{2})?)[)）])"
_ID = r"[A-Z]{1,3}\d{1,3}(?:-\d{1,3})?"

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


def turn_pattern(speakers: tuple[str, ...] = DEFAULT_SPEAKERS) -> re.Pattern[str]:
    names = "|".join(sorted((re.escape(s) for s in speakers), key=len, reverse=True))
    return re.compile(
        rf"^[ \t]*(?:{_TIMESTAMP}[ \t]*)?(?P<speaker>{names}|{_ID})[ \t]*[：:][ \t]*",
        re.MULTILINE,
    )


_DEFAULT_PATTERN = turn_pattern()


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
            f"{where}the front matter is not valid YAML{line}; nothing was imported"
        ) from None
    if not isinstance(meta, dict):
        raise InvalidInput(
            f"{name}: the front matter is not a list of key: value lines; nothing was imported"
        )
    return meta, body


def find_turns(body: str, pattern: re.Pattern[str] = _DEFAULT_PATTERN) -> list[Turn]:
    """Speaker turns in ``body`` (offsets into it)."""
    matches = list(pattern.finditer(body))
    out = []
    for i, m in enumerate(matches):
        start = m.end()
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        while end > start and body[end - 1] in "\n \t":
            end -= 1
        out.append(Turn(i, start, end, m.group("speaker"), m.group("ts1") or m.group("ts2") or ""))
    return out


def structure(
    text: str, *, name: str = "", pattern: re.Pattern[str] = _DEFAULT_PATTERN
) -> Structure:
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
    return Structure(body, attributes, case, case_attributes, find_turns(body, pattern))


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    return str(value)
