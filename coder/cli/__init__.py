"""The ``coder`` command: :func:`main` (the entry point) and one module per command group.

``main`` is bound here after the submodule ``coder.cli.main`` is loaded, so ``coder.cli.main``
names the function (the ``coder = coder.cli:main`` entry point); the module is
``sys.modules["coder.cli.main"]``.
"""

from __future__ import annotations

from coder.cli.main import main

__all__ = ["main"]
