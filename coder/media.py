"""The recording behind a transcript: a source's link to its audio or video file, and playing it
from a turn's time with the system's player.

The link is the source attribute ``media`` (set by ``coder media``, or a ``media:`` field in the
transcript's front matter, resolved against the transcript's folder at import). The file is
referenced, never copied: a file that has moved is reported, not fatal. Times come from the turns
(SRT/VTT cues, ``[00:01:02]`` before a label, service exports' header lines). In a REFI-QDA export
the link travels as the source's ``media`` variable; the transcript stays the coded TextSource.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coder.errors import InvalidInput, localised

if TYPE_CHECKING:
    from coder.project import Project


MEDIA = "media"
#: Players tried in order, with how each is told where to start (seconds).
PLAYERS = (
    ("mpv", lambda path, at: ["mpv", f"--start={at:g}", "--force-window=yes", str(path)]),
    ("ffplay", lambda path, at: ["ffplay", "-hide_banner", "-ss", f"{at:g}", str(path)]),
)


def seconds(stamp: str) -> float | None:
    """``01:02``, ``00:01:02`` or ``00:01:02.250`` (``,`` too) in seconds; None if not a time."""
    parts = stamp.strip().replace(",", ".").split(":")
    if not 2 <= len(parts) <= 3:
        return None
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    total = 0.0
    for v in values:
        total = total * 60 + v
    return total


def link(project: Project, source: int | str, file: str | Path) -> Path:
    """Link ``source`` to its recording (one undoable change); returns the absolute path."""
    path = Path(file).expanduser()
    if not path.is_file():
        raise InvalidInput(localised("{file}: no such file; nothing was changed", file=file))
    path = path.resolve()
    project.set_source_attribute(source, MEDIA, str(path))
    return path


@dataclass(frozen=True)
class Playback:
    """Where to play a source's recording from, and what the user should be told."""

    path: Path
    at: float
    stamp: str
    note: str = ""


def playback(project: Project, source: int | str, offset: int = 0) -> Playback:
    """The recording of ``source`` and the time of the turn at ``offset`` (a code point)."""
    src = project.source(source)
    linked = src.attributes.get(MEDIA, "").strip()
    if not linked:
        raise InvalidInput(
            localised(
                "{name} has no recording linked; link one with: coder media PROJECT {name} FILE",
                name=src.name,
            )
        )
    path = Path(linked).expanduser()
    if not path.is_file():
        raise InvalidInput(
            localised(
                "{name}: its recording {linked} is not there (moved?); link it again with: "
                "coder media PROJECT {name} FILE",
                name=src.name,
                linked=linked,
            )
        )
    if not 0 <= offset <= src.chars:
        raise InvalidInput(
            localised(
                "offset {offset} is outside {name} (0–{chars})",
                offset=offset,
                name=src.name,
                chars=src.chars,
            )
        )
    timed = [t for t in project.turns(src.id) if seconds(t.timestamp) is not None]
    if not timed:
        return Playback(
            path,
            0.0,
            "",
            localised("{name} has no times in its turns; playing from the start", name=src.name),
        )
    before = [t for t in timed if t.start <= offset] or timed[:1]
    turn = before[-1]
    return Playback(path, seconds(turn.timestamp) or 0.0, turn.timestamp)


def player_command(play: Playback) -> list[str] | None:
    """The command that plays ``play`` with the first player installed (None when none is)."""
    for name, command in PLAYERS:
        if shutil.which(name):
            return command(play.path, play.at)
    return None


def start(play: Playback) -> list[str]:
    """Start the player (it runs on its own, detached); returns its command line."""
    command = player_command(play)
    if command is None:
        if play.stamp:
            message = localised(
                "no media player found: install mpv or ffplay (ffmpeg); the recording is "
                "{path} at {stamp}",
                path=play.path,
                stamp=play.stamp,
            )
        else:
            message = localised(
                "no media player found: install mpv or ffplay (ffmpeg); the recording is {path}",
                path=play.path,
            )
        raise InvalidInput(message)
    subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return command
