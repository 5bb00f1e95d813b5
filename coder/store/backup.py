"""Backups of a project file with SQLite's online backup API (consistent even while another
program is writing), kept beside the project and rotated.

Automatic backups are taken before schema migrations and before destructive operations (merging
a colleague's copy, deleting a code that has codings, undoing a change that removes many
codings). ``coder backup`` and ``coder restore`` do it by hand.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from coder.errors import ProjectError
from coder.i18n import _

#: How many automatic backups are kept per project.
KEEP = 10


def backup_dir(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + ".backups")


def backup(project_path: Path, reason: str = "manual", dest: Path | None = None) -> Path:
    """Copy the project (committed state) to ``dest`` or to the rotated backup folder."""
    if dest is None:
        folder = backup_dir(project_path)
        folder.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        dest = (
            folder
            / f"{project_path.stem}-{stamp}-{int(time.time() * 1000) % 1000:03d}-{reason}.coder"
        )
    if dest.exists():
        raise ProjectError(_("{dest}: exists already; no backup was written").format(dest=dest))
    src = sqlite3.connect(project_path)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    if dest.parent == backup_dir(project_path):
        rotate(project_path)
    return dest


def rotate(project_path: Path, keep: int = KEEP) -> None:
    """Keep the newest ``keep`` backups of the project."""
    folder = backup_dir(project_path)
    files = sorted(folder.glob(f"{project_path.stem}-*.coder"))
    for old in files[:-keep] if len(files) > keep else []:
        old.unlink(missing_ok=True)


def backups(project_path: Path) -> list[Path]:
    folder = backup_dir(project_path)
    return sorted(folder.glob(f"{project_path.stem}-*.coder")) if folder.exists() else []


def restore(project_path: Path, source: Path) -> Path:
    """Replace the project's content with a backup's; the current state is backed up first.
    Returns the path of that safety backup."""
    from coder.store.engine import check_project_file

    check_project_file(source)
    check_project_file(project_path)
    safety = backup(project_path, "before-restore")
    src = sqlite3.connect(source)
    try:
        target = sqlite3.connect(project_path, timeout=5)
        try:
            src.backup(target)
        finally:
            target.close()
    finally:
        src.close()
    return safety
