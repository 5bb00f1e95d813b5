"""Architecture rules: only coder/tui imports textual, and importing the package has no side
effects such as building engines or loading jieba."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import coder


def _domain_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(coder.__path__, "coder."):
        if info.name.startswith("coder.tui") or ".migrations" in info.name:
            continue
        names.append(info.name)
    return names


def test_domain_code_never_imports_textual() -> None:
    modules = _domain_modules()
    assert "coder.project" in modules and "coder.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual was imported by domain code: {out.stdout}"


def test_importing_the_facade_loads_no_nlp_or_database() -> None:
    code = (
        "import sys, coder.project, coder.cli\n"
        "print(','.join(sorted(m for m in ('jieba', 'spacy') if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
