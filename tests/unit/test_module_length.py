"""The codebase's rule for long modules: a module of more than 500 lines says in its docstring
why it is one module (a paragraph starting ``Length:``), so that a reader knows it was a choice."""

from __future__ import annotations

import ast
from pathlib import Path

CODER = Path(__file__).resolve().parents[2] / "coder"
LIMIT = 500


def unexplained(root: Path) -> tuple[list[str], int]:
    """The long modules under ``root`` without a reason, and how many long modules there are."""
    missing, long = [], 0
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:  # Alembic's generated revisions
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines <= LIMIT:
            continue
        long += 1
        doc = ast.get_docstring(ast.parse(text)) or ""
        reason = doc.split("Length:", 1)[1] if "Length:" in doc else ""
        if len(reason.split()) < 12:  # a sentence, not a bare marker
            missing.append(f"{path.relative_to(root.parent)} ({lines} lines)")
    return missing, long


def test_every_long_module_gives_its_reason() -> None:
    missing, long = unexplained(CODER)
    assert long >= 5, "the walk found too few long modules: is CODER right?"
    assert not missing, f"modules over {LIMIT} lines without a 'Length:' reason: {missing}"


def test_the_rule_catches_a_long_module_without_a_reason(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    body = "x = 1\n" * (LIMIT + 1)
    (pkg / "bare.py").write_text('"""A module."""\n' + body, encoding="utf-8")
    (pkg / "marker.py").write_text('"""A module.\n\nLength: long."""\n' + body, encoding="utf-8")
    reason = "Length: one state that every part reads and writes together, so it stays whole."
    (pkg / "kept.py").write_text(f'"""A module.\n\n{reason}\n"""\n' + body, encoding="utf-8")
    (pkg / "short.py").write_text('"""A module."""\nx = 1\n', encoding="utf-8")
    missing, long = unexplained(pkg)
    assert long == 3
    assert [m.split(" ")[0] for m in missing] == ["pkg/bare.py", "pkg/marker.py"]
