"""coder: a grounded-theory coding workbench for qualitative interview data."""

__version__ = "0.1.0"
