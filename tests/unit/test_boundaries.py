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
        # __main__ modules run the command when imported.
        if info.name.startswith("coder.tui") or ".migrations" in info.name:
            continue
        if info.name.endswith("__main__"):
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


def test_a_command_that_only_reads_loads_nothing_heavy(tmp_path) -> None:
    """`coder sources` builds the whole command line, opens the project and prints: numpy,
    networkx, jieba, spaCy, lxml, Alembic, the PostgreSQL dialect and the text pipeline are for
    the commands that use them (start-up is paid by every command; see bench/startup.py)."""
    from coder.model import SourceDraft
    from coder.project import Project

    path = tmp_path / "p.coder"
    Project.create(path).add_source(SourceDraft(name="s", text="受访者：好。"))
    heavy = (
        "numpy",
        "networkx",
        "jieba",
        "spacy",
        "lxml",
        "alembic",
        "sqlalchemy.dialects.postgresql",
        "coder.text.nlp",
        "coder.text.sentences",
    )
    code = (
        "import sys\n"
        "from coder.cli import main\n"
        f"main(['sources', {str(path)!r}])\n"
        f"print('LOADED', ','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("LOADED"), out.stdout


def test_the_browser_login_screen_is_drawn_before_the_store_is_imported() -> None:
    """Each browser session of `coder serve` starts a process whose first screen is the login;
    SQLAlchemy and the facade (about 0.7 s of imports here) come while the name is typed
    (bench/serve.py measures the first screen). Only the facade's location helpers, which import
    no SQLAlchemy, are read before then."""
    code = (
        "import sys\n"
        "from coder.tui.screens.login import ServedApp\n"
        "heavy = [m for m in sys.modules if m in ('sqlalchemy', 'coder.project') or (\n"
        "    m.startswith('coder.facade.') and m != 'coder.facade.locations')]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", out.stdout
