"""Paper-ready tables in Markdown, CSV, DOCX, XLSX and LaTeX, chosen by the file's suffix.

* **Markdown**: a caption line "表N 标题" above each pipe table.
* **CSV**: UTF-8 with a BOM (so Excel reads it), one file per table named ``stem-<table>.csv``,
  or the path itself when one table is asked for.
* **DOCX**: three-line tables (三线表: top rule, header rule, bottom rule, no vertical or inner
  rules), the caption above each, 宋体 for Chinese (``w:eastAsia``) and Times New Roman for Latin,
  the header row repeated on every page.
* **XLSX**: a sheet per table, bold frozen header, column widths by display width.
* **LaTeX**: a XeLaTeX document (``ctex``) with booktabs rules; long tables use ``longtable``.

:func:`export_figures` draws the saturation curve and the concepts' frequencies (SVG or PNG).
"""

from __future__ import annotations

import csv
import re
import unicodedata
import warnings as warnings_module
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder.analysis.frequencies import frequencies
from coder.errors import InvalidInput
from coder.exchange.tables import TABLE_NAMES, Cell, Options, Table, build_tables
from coder.i18n import _

if TYPE_CHECKING:
    from coder.project import Project


__all__ = ["FIGURE_NAMES", "TABLE_NAMES", "export_figures", "export_tables", "write_tables"]

SUFFIXES = (".md", ".tex", ".docx", ".xlsx", ".csv")
#: Tables with more rows than this are set as ``longtable`` in LaTeX.
LONG_TABLE = 15
LATIN_FONT = "Times New Roman"
CJK_FONT = "宋体"


def export_tables(
    project: Project,
    path: str | Path,
    *,
    tables: str | Sequence[str] | None = None,
    lang: str = "zh",
    coders: Sequence[str] | None = None,
    held_out: Sequence[str] | None = None,
    examples: int = 1,
) -> list[str]:
    """Write the paper tables to ``path`` in the format its suffix names; return the warnings."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise InvalidInput(
            _("{name}: unknown format {suffix!r} (use {SUFFIXES}); nothing was written").format(
                name=path.name, suffix=path.suffix, SUFFIXES=", ".join(SUFFIXES)
            )
        )
    if lang not in ("zh", "en"):
        raise InvalidInput(
            _("language {lang!r} is not zh or en; nothing was written").format(lang=lang)
        )
    opt = Options(lang=lang, coders=coders, held_out=held_out, examples=examples)
    built = build_tables(project, tables, opt)
    write_tables(built, path, lang=lang, single=tables is not None and len(built) == 1)
    return opt.warnings


def write_tables(
    tables: Sequence[Table], path: Path, *, lang: str = "zh", single: bool = False
) -> None:
    """Write built tables to ``path`` by suffix; ``single`` writes a lone CSV to ``path`` itself."""
    suffix = path.suffix.lower()
    if suffix == ".md":
        path.write_text(markdown(tables, lang), encoding="utf-8")
    elif suffix == ".tex":
        path.write_text(latex(tables, lang), encoding="utf-8")
    elif suffix == ".csv":
        write_csv(tables, path, lang, single=single)
    elif suffix == ".docx":
        write_docx(tables, path, lang)
    elif suffix == ".xlsx":
        write_xlsx(tables, path, lang)


def caption(n: int, table: Table, lang: str) -> str:
    return f"Table {n} {table.title_en}" if lang == "en" else f"表{n} {table.title_zh}"


def text(value: Cell) -> str:
    """A cell as printed: floats to three decimals, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def note_text(table: Table, lang: str) -> str:
    """The notes under a table as papers print them: "注：…" or "Note: …"."""
    joined = ("" if lang == "zh" else " ").join(table.notes(lang))
    return f"注：{joined}" if lang == "zh" else f"Note: {joined}"


def display_width(s: str) -> int:
    """Columns a string takes in a fixed-width font: wide (CJK) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


# -- Markdown and CSV --------------------------------------------------------------------------


def markdown(tables: Sequence[Table], lang: str = "zh") -> str:
    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", r"\|").replace("\n", " ") for c in cells) + " |"

    parts = []
    for n, t in enumerate(tables, 1):
        headers = t.headers(lang)
        lines = [caption(n, t, lang), "", row(headers), row(["---"] * len(headers))]
        lines += [row([text(v) for v in r]) for r in t.rows]
        lines += ["", note_text(t, lang)] if t.notes(lang) else []
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def write_csv(
    tables: Sequence[Table], path: Path, lang: str = "zh", *, single: bool = False
) -> None:
    for t in tables:
        target = path if single else path.with_name(f"{path.stem}-{t.name}.csv")
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(t.headers(lang))
            writer.writerows([text(v) for v in r] for r in t.rows)


# -- DOCX --------------------------------------------------------------------------------------


def _set_fonts(run: Any, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None


def _borders(parent: Any, tag: str, edges: dict[str, tuple[str, int]]) -> None:
    """Replace ``parent``'s ``tag`` (w:tblBorders or w:tcBorders) with the given edges."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in parent.findall(qn(tag)):
        parent.remove(old)
    borders = OxmlElement(tag)
    for edge, (val, size) in edges.items():
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    parent.append(borders)


def _column_widths(table: Any, rows: list[Sequence[str]], total_cm: float = 15.5) -> None:
    """Share the text width among columns by how much they hold (a Chinese character counts
    two), so quotes and definitions get room and short columns do not wrap."""
    from docx.shared import Cm
    from rich.cells import cell_len

    def need(value: str) -> float:
        return min(cell_len(value), 60)  # a long text wraps anyway

    weights = [max(max((need(r[c]) for r in rows), default=4), 4) for c in range(len(rows[0]))]
    scale = total_cm / sum(weights)
    table.autofit = False
    for c, weight in enumerate(weights):
        width = Cm(max(weight * scale, 1.2))
        table.columns[c].width = width  # the grid, which LibreOffice follows
        for cell in table.columns[c].cells:
            cell.width = width  # and each cell, which Word follows


def write_docx(tables: Sequence[Table], path: Path, lang: str = "zh") -> None:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    none = ("nil", 0)
    for n, t in enumerate(tables, 1):
        cap = document.add_paragraph()
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.paragraph_format.keep_with_next = True
        _set_fonts(cap.add_run(caption(n, t, lang)), 10.5, bold=True)
        headers = t.headers(lang)
        table = document.add_table(rows=1 + len(t.rows), cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl_pr = table._tbl.tblPr
        # 三线表: 1.5 pt top and bottom rules, nothing else on the table; the header rule is
        # the header cells' bottom border.
        _borders(
            tbl_pr,
            "w:tblBorders",
            {
                "top": ("single", 12),
                "left": none,
                "bottom": ("single", 12),
                "right": none,
                "insideH": none,
                "insideV": none,
            },
        )
        for r, values in enumerate([headers, *[[text(v) for v in row] for row in t.rows]]):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                para = cell.paragraphs[0]
                if r == 0 or len(value) <= 12:
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _set_fonts(para.add_run(value), 10.5, bold=r == 0)
                if r == 0:
                    _borders(cell._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": ("single", 6)})
        _column_widths(table, [headers, *[[text(v) for v in row] for row in t.rows]])
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)
        for row in table.rows:  # a quote is never split across two pages
            keep = OxmlElement("w:cantSplit")
            keep.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(keep)
        if t.notes(lang):
            _set_fonts(document.add_paragraph().add_run(note_text(t, lang)), 9)
        document.add_paragraph()
    document.save(str(path))


# -- XLSX --------------------------------------------------------------------------------------


def sheet_name(n: int, table: Table, lang: str, taken: set[str]) -> str:
    """``表N 标题`` cut to Excel's 31 characters, without the characters Excel forbids."""
    base = re.sub(r"[\[\]:*?/\\]", " ", caption(n, table, lang))[:31].strip()
    name, i = base, 2
    while name.lower() in taken:
        name = f"{base[: 31 - len(str(i)) - 1]}~{i}"
        i += 1
    taken.add(name.lower())
    return name


def write_xlsx(tables: Sequence[Table], path: Path, lang: str = "zh") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for n, t in enumerate(tables, 1):
        sheet = book.create_sheet(sheet_name(n, t, lang, taken))
        sheet.append(list(t.headers(lang)))
        for row in t.rows:
            sheet.append([round(v, 3) if isinstance(v, float) else v for v in row])
        if t.notes(lang):
            sheet.append([])
            sheet.append([note_text(t, lang)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for c, header in enumerate(t.headers(lang), 1):
            widest = max([display_width(text(r[c - 1])) for r in t.rows] + [display_width(header)])
            width = min(max(widest + 2, 8), 60)
            sheet.column_dimensions[get_column_letter(c)].width = width
            if widest > 60:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=c, max_col=c):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)


# -- LaTeX -------------------------------------------------------------------------------------

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(s: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in s)


#: The text width in em at 11 pt on A4 with 2.5 cm margins (one Chinese character is one em).
TEXT_EM = 40.0
#: Columns narrower than this (in em) keep their natural width; wider ones wrap.
WRAP_EM = 10.0


def _column_spec(t: Table, lang: str) -> str:
    """Narrow columns ``l`` at their natural width; wider ones become ragged-right paragraph
    columns that start at :data:`WRAP_EM` and share what is left of the line in proportion to
    how much wider they would be (so a long quote gets most of it, a concept name a little)."""
    widths = [
        max([display_width(text(r[c])) for r in t.rows] + [display_width(h)])
        for c, h in enumerate(t.headers(lang))
    ]
    natural = [w / 2 + 1 for w in widths]  # display units are half an em; 1 em of padding
    if sum(natural) <= TEXT_EM - 2:  # estimates run a little short of the typeset width
        return "l" * len(widths)
    wrap = [n > WRAP_EM for n in natural]
    # A paragraph column's width excludes the 2 × 6 pt of padding around it (about 1.1 em).
    rest = TEXT_EM - sum(n for n, w in zip(natural, wrap, strict=True) if not w) - 1.1 * sum(wrap)
    excess = [n - WRAP_EM if w else 0.0 for n, w in zip(natural, wrap, strict=True)]
    base = min(WRAP_EM, max(rest / sum(wrap), 4.0))  # many wide columns: each gets less
    spare = max(rest - base * sum(wrap), 0.0)
    return "".join(
        rf">{{\raggedright\arraybackslash}}p{{{base + spare * e / sum(excess):.1f}em}}"
        if w
        else "l"
        for w, e in zip(wrap, excess, strict=True)
    )


def _latex_notes(t: Table, lang: str) -> list[str]:
    if not t.notes(lang):
        return []
    return [r"\par\smallskip{\footnotesize " + latex_escape(note_text(t, lang)) + "}"]


def latex(tables: Sequence[Table], lang: str = "zh") -> str:
    out = [
        r"% Compile with XeLaTeX (ctex sets the Chinese fonts).",
        r"\documentclass[a4paper,11pt]{article}",
        r"\usepackage{ctex}",
        r"\usepackage{booktabs}",
        r"\usepackage{longtable}",
        r"\usepackage{array}",
        r"\usepackage[margin=2.5cm]{geometry}",
        r"\usepackage{caption}",
        r"\captionsetup{labelsep=quad}",  # 表 1 标题: no colon, as Chinese journals set it
        r"\begin{document}",
        "",
    ]
    if lang == "en":
        out.insert(-1, r"\renewcommand{\tablename}{Table}")
    for t in tables:
        spec = _column_spec(t, lang)
        head = " & ".join(latex_escape(h) for h in t.headers(lang)) + r" \\"
        body = [" & ".join(latex_escape(text(v)) for v in r) + r" \\" for r in t.rows]
        title = latex_escape(t.title(lang))
        if len(t.rows) > LONG_TABLE:
            out += [
                rf"\begin{{longtable}}{{{spec}}}",
                rf"\caption{{{title}}}\label{{tab:{t.name}}} \\",
                r"\toprule",
                head,
                r"\midrule",
                r"\endfirsthead",
                r"\toprule",
                head,
                r"\midrule",
                r"\endhead",
                r"\bottomrule",
                r"\endlastfoot",
                *body,
                r"\end{longtable}",
                *_latex_notes(t, lang),
                "",
            ]
        else:
            out += [
                r"\begin{table}[htbp]",
                r"\centering",
                rf"\caption{{{title}}}\label{{tab:{t.name}}}",
                rf"\begin{{tabular}}{{{spec}}}",
                r"\toprule",
                head,
                r"\midrule",
                *body,
                r"\bottomrule",
                r"\end{tabular}",
                *_latex_notes(t, lang),
                r"\end{table}",
                "",
            ]
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


# -- figures -------------------------------------------------------------------------------------

FIGURE_NAMES = ("saturation", "frequencies")


def export_figures(
    project: Project,
    path: str | Path,
    *,
    figures: Sequence[str] = FIGURE_NAMES,
    lang: str = "zh",
    held_out: Sequence[str] | None = None,
) -> list[str]:
    """The saturation curve and the concepts' frequencies as ``stem-<figure>.svg`` or ``.png``
    beside ``path``; return the warnings (e.g. that no font with Chinese glyphs is installed)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from coder.analysis.saturation import saturation
    from coder.graph.export import cjk_font

    path = Path(path)
    if path.suffix.lower() not in (".svg", ".png"):
        raise InvalidInput(
            _("{name}: figures are written as .svg or .png; nothing was written").format(
                name=path.name
            )
        )
    unknown = [f for f in figures if f not in FIGURE_NAMES]
    if unknown:
        raise InvalidInput(
            _("unknown figure {unknown!r}; known: {FIGURE_NAMES}; nothing was written").format(
                unknown=unknown[0], FIGURE_NAMES=", ".join(FIGURE_NAMES)
            )
        )
    warnings: list[str] = []
    font = cjk_font()
    rc: dict[str, Any] = {"svg.fonttype": "none"}
    if font:
        rc["font.family"] = [font]
    else:
        warnings.append(
            _(
                "no font with Chinese characters is installed: Chinese labels show as boxes "
                "(install fonts-noto-cjk)"
            )
        )
    en = lang == "en"
    with rc_context(rc), warnings_module.catch_warnings():  # type: ignore[arg-type]
        # Without a CJK font matplotlib warns once per glyph; the one warning above says it all.
        warnings_module.filterwarnings("ignore", message="Glyph .* missing from font")
        if "saturation" in figures:
            curve = saturation(project, held_out=held_out).curve
            fig = Figure(figsize=(7, 4), layout="constrained")
            ax = fig.add_subplot()
            x = range(len(curve))
            ax.bar(
                x,
                [s.new_codes for s in curve],
                color="#9ecae1",
                label="New codes" if en else "新增编码",
            )
            ax.plot(
                x,
                [s.cumulative for s in curve],
                "o-",
                color="#08519c",
                label="Cumulative" if en else "累计编码",
            )
            ax.set_xticks(
                list(x), [s.source + (" *" if s.held_out else "") for s in curve], rotation=45
            )
            ax.set_xlabel("Interview (* held out)" if en else "访谈（* 为预留检验访谈）")
            ax.set_ylabel("Codes" if en else "编码数")
            ax.legend()
            fig.savefig(path.with_name(f"{path.stem}-saturation{path.suffix}"), dpi=200)
        if "frequencies" in figures:
            rows = sorted(
                (f for f in frequencies(project) if f.level == "open"), key=lambda f: f.codings
            )
            fig = Figure(figsize=(7, max(3.0, 0.25 * len(rows))), layout="constrained")
            ax = fig.add_subplot()
            ax.barh(
                [f"{f.label} {f.code}" for f in rows], [f.codings for f in rows], color="#3182bd"
            )
            ax.set_xlabel("References" if en else "参考点数")
            fig.savefig(path.with_name(f"{path.stem}-frequencies{path.suffix}"), dpi=200)
    return warnings
