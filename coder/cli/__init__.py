"""The ``coder`` command: :func:`main` (the command), :func:`run` (the program's entry point,
``coder = coder.cli:run``) and one module per command group.

``main`` is bound here after the submodule ``coder.cli.main`` is loaded, so ``coder.cli.main``
names the function; the module is ``sys.modules["coder.cli.main"]``.
"""

from __future__ import annotations

from coder.cli.main import main, run

__all__ = ["main", "run"]
