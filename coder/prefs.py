"""Per-user preferences kept outside every project: the workbench's number-key slots, whether
the margin suggestions show (per project and coder, like the keys) and the interface language.

Which code sits on which number key is one person's habit, not a change to the project: it is not
in the undo history (ctrl+z never moves a slot), a reader keeps theirs too, and colleagues on the
same project each have their own. The file is ``coder/keys.json`` in the user's configuration
folder (``$XDG_CONFIG_HOME``, else ``~/.config`` on Linux), keyed by the project's location and the
coder's name.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir

from coder.errors import InvalidInput, localised

SLOTS = 9


def keys_file() -> Path:
    return Path(user_config_dir("coder", appauthor=False, roaming=True)) / "keys.json"


@dataclass
class KeySlots:
    """Codes on the number keys 1–9. A code keeps its key until it is pushed out: a new code
    takes the first free key, or, when all nine are taken, the key used longest ago."""

    slots: list[int | None] = field(default_factory=lambda: [None] * SLOTS)
    used: list[int] = field(default_factory=list)
    """Code ids, the most recently used last (decides which key a tenth code takes)."""

    def use(self, code_id: int) -> int:
        """Note a use of ``code_id``; returns its key (1–9)."""
        if code_id in self.slots:
            key = self.slots.index(code_id) + 1
        elif None in self.slots:
            key = self.slots.index(None) + 1
        else:
            oldest = min(self.slots, key=lambda c: self.used.index(c) if c in self.used else -1)
            key = self.slots.index(oldest) + 1
        self.slots[key - 1] = code_id
        if code_id in self.used:
            self.used.remove(code_id)
        self.used.append(code_id)
        self.used = [c for c in self.used if c in self.slots]
        return key

    def code(self, key: int) -> int | None:
        return self.slots[key - 1] if 1 <= key <= SLOTS else None

    def keep_only(self, code_ids: set[int]) -> None:
        """Free the keys of codes that are gone (deleted, merged, undone)."""
        self.slots = [c if c in code_ids else None for c in self.slots]
        self.used = [c for c in self.used if c in code_ids]

    def keys(self) -> dict[int, int]:
        """code id → its key."""
        return {c: i + 1 for i, c in enumerate(self.slots) if c is not None}


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(
            localised(
                "{path}: not readable as the number-key settings ({reason}); the number keys "
                "start empty and the file is left as it is",
                path=path,
                reason=exc,
            )
        ) from exc
    return doc if isinstance(doc, dict) else {}


def _write(path: Path, doc: dict, prefix: str) -> None:
    """Write ``doc`` to ``path`` atomically (another workbench may read the file meanwhile): a
    temporary file beside it, then a rename; the temporary file goes if the write fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only a write needs it; reading the settings is every command's start-up

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(doc, out, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _entry(project: str, coder: str) -> str:
    return f"{coder}@{project}"


def load_slots(project: str, coder: str) -> KeySlots:
    """The number keys of ``coder`` on the project at ``project`` (empty the first time)."""
    entry = _read(keys_file()).get(_entry(project, coder), {})
    slots = entry.get("slots", []) if isinstance(entry, dict) else []
    used = entry.get("used", []) if isinstance(entry, dict) else []
    clean = [c if isinstance(c, int) and not isinstance(c, bool) else None for c in slots][:SLOTS]
    clean += [None] * (SLOTS - len(clean))
    return KeySlots(clean, [c for c in used if c in clean])


def save_slots(project: str, coder: str, keys: KeySlots) -> None:
    """Write the number keys (atomically: another workbench may read the file meanwhile)."""
    path = keys_file()
    try:
        doc = _read(path)
    except InvalidInput:
        return  # not ours to overwrite: load_slots has said so
    doc[_entry(project, coder)] = {"slots": keys.slots, "used": keys.used}
    try:
        _write(path, doc, ".keys-")
    except OSError as exc:
        raise InvalidInput(
            localised(
                "{path}: the number keys could not be saved ({reason}); they last for this session",
                path=path,
                reason=exc,
            )
        ) from exc


# -- the interface language: one person's choice, like the number keys ---------------------------


def settings_file() -> Path:
    return Path(user_config_dir("coder", appauthor=False, roaming=True)) / "settings.json"


def load_ui_lang() -> str | None:
    """The interface language this user chose (``en``, ``zh-Hans``, ``zh-Hant``), or None.
    An unreadable file counts as no choice: the language then comes from the system locale."""
    try:
        doc = _read(settings_file())
    except InvalidInput:
        return None
    value = doc.get("ui_lang")
    return value if isinstance(value, str) and value else None


def save_ui_lang(lang: str | None) -> None:
    """Keep (or, with None, forget) the interface language, atomically."""
    path = settings_file()
    try:
        doc = _read(path)
    except InvalidInput:
        doc = {}
    if lang is None:
        doc.pop("ui_lang", None)
    else:
        doc["ui_lang"] = lang
    try:
        _write(path, doc, ".settings-")
    except OSError as exc:
        raise InvalidInput(
            localised(
                "{path}: the interface language could not be saved ({reason}); it lasts for "
                "this session",
                path=path,
                reason=exc,
            )
        ) from exc


# -- margin suggestions on or off: one person's habit on one project, like the number keys ------


def load_suggesting(project: str, coder: str) -> bool:
    """Whether ``coder`` last had the margin suggestions on (``S``) on the project at
    ``project``; off the first time, and when the file cannot be read."""
    try:
        doc = _read(settings_file())
    except InvalidInput:
        return False
    shown = doc.get("suggestions")
    return isinstance(shown, dict) and shown.get(_entry(project, coder)) is True


def save_suggesting(project: str, coder: str, on: bool) -> None:
    """Keep ``S``'s state for ``coder`` on ``project`` (atomically; other settings are kept)."""
    path = settings_file()
    try:
        doc = _read(path)
    except InvalidInput:
        return  # not ours to overwrite: the state lasts for this session
    shown = doc.get("suggestions")
    shown = dict(shown) if isinstance(shown, dict) else {}
    shown[_entry(project, coder)] = bool(on)
    doc["suggestions"] = shown
    try:
        _write(path, doc, ".settings-")
    except OSError as exc:
        raise InvalidInput(
            localised(
                "{path}: whether suggestions show could not be saved ({reason}); it lasts for "
                "this session",
                path=path,
                reason=exc,
            )
        ) from exc
