"""Errors the user can act on. Their message is one line: what was wrong, and what was kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _as_is(template: str) -> str:
    return template


#: How a message template reads in the interface language. ``coder.i18n`` sets it to its
#: gettext when it is imported, so that the modules below it in the layers (``coder.media``,
#: ``coder.prefs``) say their messages in the chosen language without importing it; until then a
#: template reads as it is (English).
translate: Callable[[str], str] = _as_is


def localised(template: str, **fields: Any) -> str:
    """``template`` in the interface language with its ``{fields}`` filled in: a message of a
    module that may not import ``coder.i18n`` (the catalogs find it by this name)."""
    return translate(template).format(**fields)


class CoderError(Exception):
    """Base class of every error that is shown to the user as a one-line message."""


class ProjectError(CoderError):
    """The project file is missing, not a project, or cannot be used."""


class NoProject(ProjectError):
    """The place holds no coder project yet (a database without the tables, or no database)."""


class NotFound(CoderError):
    """A source, code, coding or memo that the user named does not exist."""


class InvalidInput(CoderError):
    """Offsets, names, fields or files that the program cannot accept."""


class Busy(CoderError):
    """Another process holds the project's write lock for longer than the bounded wait."""


class NothingToUndo(CoderError):
    """Undo or redo with an empty history."""


class Conflict(CoderError):
    """A change clashes with the project's state, usually a colleague's change made meanwhile."""


class Forbidden(CoderError):
    """The member's role does not allow the change (a reader writes, a coder deletes codes)."""
