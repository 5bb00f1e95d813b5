"""How grounded-theory fields travel in REFI-QDA files, and small shared helpers.

REFI-QDA has no place for a code's level, label, paradigm role or 统/合 axis, so they ride at
the end of the ``Description`` as lines that start with ``[GT]`` (see the package docstring for
the full convention). Other programs show them as text and keep them when they export again; this
module writes and reads them, and also names the ``Set``s that mirror the same fields.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from functools import lru_cache
from typing import Any

from coder.model import AXES, LEVELS, PARADIGM_ROLES

MARK = "[GT] "
#: Fields written together on the first ``[GT]`` line, ``key: value`` pairs joined by ``"; "``
#: (their values never hold ``"; "``).
COMPACT = ("label", "level", "paradigm_role", "axis", "core", "in_vivo")
#: Free-text fields, one line each, with ``\\`` and line breaks escaped.
TEXT_FIELDS = ("name_en", "inclusion", "exclusion", "example")

#: The namespace of the GUIDs this program derives (selections, codings, sets, variables...).
NAMESPACE = uuid.UUID("6f1d8a52-3c1b-5c2e-9a57-2b8e0e5d4c31")
_NS_BYTES = NAMESPACE.bytes


# -- values ------------------------------------------------------------------------------------


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), value)


def split_marked(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``(head, [(key, raw value)...])``: the ``[GT]`` lines at the end of a description, and
    the text before them (the definition). A description without them is all head."""
    lines = text.replace("\r\n", "\n").split("\n")
    n = len(lines)
    while n and lines[n - 1] == "":
        n -= 1
    first = n
    while first and lines[first - 1].startswith(MARK):
        first -= 1
    if first == n:
        return text, []
    pairs: list[tuple[str, str]] = []
    for line in lines[first:n]:
        body = line[len(MARK) :]
        key = body.partition(":")[0].strip()
        if key in COMPACT:
            for part in body.split("; "):
                k, _, v = part.partition(":")
                pairs.append((k.strip(), v.strip()))
        else:
            k, _, v = body.partition(":")
            pairs.append((k.strip(), v[1:] if v.startswith(" ") else v))
    head = "\n".join(lines[:first])
    if head.endswith("\n"):
        head = head[:-1]
    return head, pairs


def code_description(code: Any, parent_labels: list[str]) -> str:
    """A code's ``Description``: its definition, a blank line, then its ``[GT]`` lines."""
    compact = [f"label: {code.label}", f"level: {code.level}"]
    if code.paradigm_role:
        compact.append(f"paradigm_role: {code.paradigm_role}")
    if code.axis:
        compact.append(f"axis: {code.axis}")
    if code.is_core:
        compact.append("core: yes")
    if code.in_vivo:
        compact.append("in_vivo: yes")
    lines = [MARK + "; ".join(compact)]
    if len(parent_labels) > 1:
        lines.append(f"{MARK}parents: {', '.join(parent_labels)}")
    for key in TEXT_FIELDS:
        value = getattr(code, key)
        if value:
            lines.append(f"{MARK}{key}: {escape(value)}")
    if code.properties:
        props = json.dumps([dict(p) for p in code.properties], ensure_ascii=False)
        lines.append(f"{MARK}properties: {props}")
    block = "\n".join(lines)
    return f"{code.definition}\n\n{block}" if code.definition else block


def parse_code_description(text: str) -> tuple[str, dict[str, Any], list[str]]:
    """``(definition, fields, problems)`` from a code's ``Description``. ``fields`` holds only
    what the ``[GT]`` lines give, checked; ``problems`` says what was left out and why."""
    head, pairs = split_marked(text or "")
    fields: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in pairs:
        if key == "label" and value and not any(ch.isspace() for ch in value):
            fields["label"] = value
        elif key == "level" and value in LEVELS:
            fields["level"] = value
        elif key == "paradigm_role" and value in PARADIGM_ROLES:
            fields["paradigm_role"] = value
        elif key == "axis" and value in AXES:
            fields["axis"] = value
        elif key in ("core", "in_vivo"):
            fields[key] = value.lower() in ("yes", "true", "1")
        elif key == "parents":
            fields["parents"] = [p.strip() for p in value.split(",") if p.strip()]
        elif key in TEXT_FIELDS:
            fields[key] = unescape(value)
        elif key == "properties":
            try:
                props = json.loads(value)
            except ValueError:
                props = None
            if isinstance(props, list) and all(isinstance(p, dict) for p in props):
                fields["properties"] = props
            else:
                problems.append(f"properties {value[:40]!r} are not a JSON list")
        else:
            problems.append(f"{key}: {value[:40]!r} is not a known field or value")
    return head, fields, problems


def note_description(memo_type: str, title: str | None = None) -> str:
    """A note's ``[GT]`` lines: the memo type, and the memo's own title when the note's ``name``
    is not it (an untitled memo, or a title two memos share: other programs want names)."""
    lines = [f"{MARK}type: {memo_type}"]
    if title is not None:
        lines.append(f"{MARK}title: {escape(title)}")
    return "\n".join(lines)


def note_name(memo: Any) -> str:
    """A readable name for an untitled memo: its first line, clipped."""
    first = next((line.strip() for line in memo.text.splitlines() if line.strip()), "")
    if first:
        return first if len(first) <= 40 else first[:39] + "…"
    return f"{memo.type} memo"


# -- sets that mirror the fields -----------------------------------------------------------------


def set_names(code: Any) -> list[str]:
    """The ``Set``s a code belongs to under the convention."""
    names = [f"GT level: {code.level}"]
    if code.paradigm_role:
        names.append(f"GT paradigm_role: {code.paradigm_role}")
    if code.axis:
        names.append(f"GT axis: {code.axis}")
    if code.is_core:
        names.append("GT core category")
    return names


SET_GLOSS = {
    "GT level: open": "初始概念 (open codes)",
    "GT level: axial": "范畴 (axial categories)",
    "GT level: selective": "核心范畴 (selective codes)",
    "GT core category": "核心范畴 (the core category)",
    **{f"GT paradigm_role: {r}": f"paradigm role {r}" for r in PARADIGM_ROLES},
    **{f"GT axis: {a}": f"统/合 axis: {a}" for a in AXES},
}


def parse_set_name(name: str) -> tuple[str, Any] | None:
    """``("level", "axial")``, ``("core", True)``... for a convention set; None otherwise."""
    if name.strip() == "GT core category":
        return ("core", True)
    m = re.match(r"^GT (level|paradigm_role|axis): (\S+)$", name.strip())
    if not m:
        return None
    key, value = m.groups()
    allowed = {"level": LEVELS, "paradigm_role": PARADIGM_ROLES, "axis": AXES}[key]
    return (key, value) if value in allowed else None


# -- GUIDs, colours, times -----------------------------------------------------------------------

_GUID = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$"
)


def norm_guid(raw: str | None) -> str | None:
    """A GUID in the form stored here (lower case, no braces); None if it is not one."""
    if not raw:
        return None
    m = _GUID.match(raw.strip())
    return m.group(1).lower() if m else None


def derived_guid(*parts: str) -> str:
    """A name-based (version 5) GUID: the same parts give the same GUID in every export."""
    digest = bytearray(hashlib.sha1(_NS_BYTES + "\x1f".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def guid_for(raw: str | None, *context: str) -> str:
    """The stored GUID for an object of a file: its own when valid, else one derived from what
    the file wrote (so the same file gives the same GUID)."""
    return norm_guid(raw) or derived_guid("foreign", *(context + (raw or "",)))


def parse_colour(raw: str | None) -> tuple[str, bool]:
    """``("#rrggbb", True)`` from the colour forms programs write (``#RGB``, ``#RRGGBB``,
    ``#AARRGGBB``, ``#RRGGBBAA``, ``rgb(r, g, b)``, ``r,g,b``); ``("", False)`` when it is not
    a colour, ``("", True)`` when there is none."""
    if raw is None or not raw.strip():
        return "", True
    s = raw.strip().lower()
    m = re.fullmatch(r"#?([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})", s)
    if m:
        h = m.group(1)
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        elif len(h) == 8:
            h = h[2:] if h.startswith("ff") or not h.endswith("ff") else h[:6]
        return "#" + h, True
    m = re.fullmatch(
        r"(?:rgba?\()?\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,[^)]*)?\)?", s
    )
    if m and all(int(v) <= 255 for v in m.groups()):
        return "#" + "".join(f"{int(v):02x}" for v in m.groups()), True
    return "", False


def iso(ts: float | None) -> str | None:
    """An ``xsd:dateTime`` in UTC, to the second."""
    return _iso(int(ts)) if ts else None


@lru_cache(maxsize=4096)
def _iso(seconds: int) -> str:
    # Codings made in one step share their time: a large export asks for few distinct ones.
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(raw: str | None) -> float | None:
    """Seconds since the epoch from an ``xsd:dateTime`` (UTC when it names no zone)."""
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()
