"""``python -m coder``."""

import sys

from coder.cli.main import run

sys.exit(run())
