"""The model figures (issue 19): paradigm, 统合 and network figures for the demo, in Chinese and
English, as SVG (text kept as text, so it can be checked), PDF and PNG."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import coder.cli
from coder.errors import InvalidInput
from coder.exchange.figures import FIGURES, write_figure
from coder.graph.export import cjk_font
from coder.project import Project
from tests.conftest import CODEBOOK

pytestmark = pytest.mark.skipif(
    cjk_font() is None,
    reason="no font with Chinese glyphs on this machine (install fonts-noto-cjk)",
)

DOC = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
CATEGORIES = {c["label"]: c for c in DOC["codes"] if c["level"] == "axial"}
#: The Chinese names of the relation types the codebook uses (model.RELATION_TYPES).
TYPE_ZH = {"causes": "因果", "context_for": "情境", "condition_for": "条件"}
TYPE_ZH |= {"intervenes_in": "中介/调节", "leads_to": "结果", "reinforces": "互构/强化"}


def _svg(demo: Project, tmp_path: Path, figure: str, lang: str) -> str:
    out = tmp_path / f"{figure}-{lang}.svg"
    assert write_figure(demo, out, figure, lang=lang) == []
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("figure", ["paradigm", "network"])
def test_the_svg_holds_every_category_and_the_typed_arrows(
    demo: Project, tmp_path: Path, figure: str
) -> None:
    svg = _svg(demo, tmp_path, figure, "zh")
    for label, c in CATEGORIES.items():
        assert label in svg and c["name"] in svg, label  # a long name may wrap after its label
    for kind in {r["type"] for r in DOC["relations"]}:
        assert TYPE_ZH[kind] in svg, kind
    assert svg.count("<path") > len(DOC["relations"]) // 2  # the arrows are drawn, not only named
    assert "仅为断言、尚无资料支撑的关系" in svg  # the legend: grounded and asserted relations


def test_the_tonghe_figure_sets_the_sides_around_the_core(demo: Project, tmp_path: Path) -> None:
    svg = _svg(demo, tmp_path, "tonghe", "zh")
    core = next(c for c in DOC["codes"] if c.get("core"))
    assert f"{core['label']} {core['name']}" in svg
    for label, c in CATEGORIES.items():
        assert (f"{label} {c['name']}" in svg) == (c.get("axis") in ("统", "合")), label
    assert "互构/强化" in svg  # A5 ⇄ A3, the 统–合 relation of the codebook


@pytest.mark.parametrize("figure", FIGURES)
def test_english_labels(demo: Project, tmp_path: Path, figure: str) -> None:
    svg = _svg(demo, tmp_path, figure, "en")
    if figure == "paradigm":
        assert "Causal conditions" in svg and "Action/interaction strategies" in svg
        assert "leads to" in svg
    assert "relation asserted, not yet grounded" in svg
    assert "基层治理困境" not in svg  # English names where the codebook has them


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("figure", FIGURES)
def test_every_text_stays_inside_the_page(
    demo: Project, tmp_path: Path, figure: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is cut off at the page's edge (an English label beside the 合 column once was)."""
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    checked: list[int] = []
    save = Figure.savefig

    def check_then_save(fig, *args, **kwargs):  # type: ignore[no-untyped-def]
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # lays out the legend, whose texts have no place before
        renderer = canvas.get_renderer()
        page = fig.bbox
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        for t in texts:
            box = t.get_window_extent(renderer)
            # At least half a millimetre (2 px at 100 dpi) from every edge.
            assert box.x0 >= page.x0 + 2 and box.x1 <= page.x1 - 2, (t.get_text(), box, page)
            assert box.y0 >= page.y0 + 2 and box.y1 <= page.y1 - 2, (t.get_text(), box, page)
        checked.append(len(texts))
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", check_then_save)
    assert write_figure(demo, tmp_path / f"{figure}.svg", figure, lang=lang) == []
    assert checked and checked[0] > 10


def test_pdf_and_png_are_written_to_exactly_the_file_named(
    demo: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "model.pdf"
    assert coder.cli.main(["export", str(demo.path), "-o", str(pdf), "--figure", "paradigm"]) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and b"/FontFile2" in pdf.read_bytes()
    png = tmp_path / "net.png"
    status = coder.cli.main(
        ["export", str(demo.path), "-o", str(png), "--figure", "network", "--lang", "en"]
    )
    assert status == 0 and png.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".png")) == [
        "model.pdf",
        "net.png",
    ]
    capsys.readouterr()
    assert (
        coder.cli.main(
            ["export", str(demo.path), "-o", str(tmp_path / "m.jpg"), "--figure", "tonghe"]
        )
        == 1
    )
    assert "nothing was written" in capsys.readouterr().err
    with pytest.raises(InvalidInput, match="unknown figure"):
        write_figure(demo, tmp_path / "x.svg", "storyline")


def test_a_cjk_font_installed_after_matplotlib_cached_its_list_is_found(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from matplotlib import font_manager

    found = cjk_font()
    # A font list as matplotlib cached it before the font was installed: no CJK font in it.
    stale = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    assert cjk_font() == found
