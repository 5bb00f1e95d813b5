"""export_by_suffix: each suffix writes a file that another reader (python-docx, openpyxl, the
csv module, an XML parser, PyYAML, Pillow, zipfile) parses back, and unknown targets write nothing."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from coder.errors import InvalidInput
from coder.exchange.exports import Exported, export_by_suffix


def _check(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx

        assert docx.Document(str(path)).tables
    elif suffix == ".xlsx":
        import openpyxl

        assert openpyxl.load_workbook(path).worksheets
    elif suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        assert len(rows) > 1
    elif suffix in (".md", ".tex"):
        text = path.read_text(encoding="utf-8")
        assert ("|" in text) if suffix == ".md" else ("tabular" in text)
    elif suffix in (".svg", ".qdc"):
        assert ET.parse(path).getroot() is not None
    elif suffix == ".png":
        from PIL import Image

        with Image.open(path) as image:
            assert image.size[0] > 0
    elif suffix == ".qdpx":
        with zipfile.ZipFile(path) as z:
            ET.fromstring(z.read("project.qde"))
    elif suffix == ".yaml":
        import yaml

        assert yaml.safe_load(path.read_text(encoding="utf-8"))
    else:  # MAXQDA structured text
        assert path.read_text(encoding="utf-8").lstrip("\ufeff").startswith("#TEXT")


@pytest.mark.parametrize(
    "suffix", [".md", ".tex", ".docx", ".xlsx", ".csv", ".qdpx", ".qdc", ".yaml"]
)
def test_each_suffix_writes_a_readable_file(demo, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    exported = export_by_suffix(demo, target)
    assert isinstance(exported, Exported) and target.name in exported.summary
    # CSV is one file per table (stem-<table>.csv); every other suffix one file.
    written = sorted(tmp_path.glob("out-*.csv")) if suffix == ".csv" else [target]
    assert written
    for path in written:
        _check(path)


def test_figures_and_maxqda(demo, tmp_path: Path) -> None:
    svg = tmp_path / "figs.svg"
    export_by_suffix(demo, svg)
    written = sorted(tmp_path.glob("*.svg"))
    assert written
    for path in written:
        _check(path)
    one = tmp_path / "paradigm.png"
    exported = export_by_suffix(demo, one, figure="paradigm")
    assert exported.summary == f"wrote the paradigm figure to {one}"
    _check(one)
    txt = tmp_path / "m.txt"
    exported = export_by_suffix(demo, txt, format="maxqda")
    assert exported.summary.startswith(f"wrote {txt.name}")
    _check(txt)


def test_bad_targets_write_nothing(demo, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(InvalidInput, match="not available"):
        export_by_suffix(demo, tmp_path / "x.bogus")
    with pytest.raises(InvalidInput, match="no such folder"):
        export_by_suffix(demo, tmp_path / "missing" / "x.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
