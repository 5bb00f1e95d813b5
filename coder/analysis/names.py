"""Names the analysis commands share with the CLI: units, table headers, the consensus coder.

Kept apart from the modules that compute, so that building the command line (which every
``coder`` command does) does not import numpy and the analysis code.
"""

from __future__ import annotations

#: Units of co-occurrence, matrices and the network.
UNITS = ("segment", "sentence", "turn", "source")

#: Units of inter-coder agreement.
AGREEMENT_UNITS = ("char", "sentence", "turn", "segment")

#: Column headers of the 编码信度 table that papers print.
RELIABILITY_HEADERS = ("编码者对", "M", "N1", "N2", "相互同意度 K", "信度 R", "κ")

#: The coder whose codings record the decisions of a disagreement review.
CONSENSUS = "consensus"
