"""``python -m coder.cli``."""

import sys

from coder.cli.main import run

sys.exit(run())
