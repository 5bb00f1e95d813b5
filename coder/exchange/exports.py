"""Export by the target's suffix: the one dispatch ``coder export`` and the TUI's export dialog use.

===================================  ==============================================
suffix (or option)                   what is written
===================================  ==============================================
.md .tex .docx .xlsx .csv            the paper tables (:func:`coder.exchange.papers.export_tables`)
.svg .png                            the paper figures (``figure=``: one model figure,
                                     also .pdf, to exactly that file)
.qdpx .qdc                           REFI-QDA project or codebook
.yaml .yml                           the codebook as YAML
``format="maxqda"``                  MAXQDA structured text (#TEXT, #CODE), any suffix
===================================  ==============================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coder.errors import InvalidInput
from coder.i18n import _

if TYPE_CHECKING:
    from coder.project import Project

TABLE_SUFFIXES = (".md", ".tex", ".docx", ".xlsx", ".csv")
FIGURE_SUFFIXES = (".svg", ".png")
SUFFIXES = (*TABLE_SUFFIXES, *FIGURE_SUFFIXES, ".qdpx", ".qdc", ".yaml", ".yml")


@dataclass
class Exported:
    """What an export wrote: ``lines`` for the user (the first says what was written) and
    ``warnings`` (what was left out or could not be drawn)."""

    lines: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line: what was written."""
        return self.lines[0] if self.lines else ""


def export_by_suffix(
    project: Project,
    target: str | Path,
    *,
    format: str | None = None,
    figure: str | None = None,
    lang: str = "zh",
    tables: str | Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    held_out: Sequence[str] | None = None,
    examples: int = 1,
) -> Exported:
    """Write ``project`` to ``target`` in the format its suffix (or ``format``/``figure``) names.

    Raises :class:`InvalidInput` for a missing folder or an unknown suffix (nothing written).
    """
    out = Path(target)
    if not out.parent.is_dir():
        raise InvalidInput(
            _("{parent}: no such folder; nothing was written").format(parent=out.parent)
        )
    suffix = out.suffix.lower()
    if format == "maxqda":
        from coder.exchange.maxqda import export_structured

        return Exported(export_structured(project, out).lines())
    if figure:
        from coder.exchange.figures import write_figure

        notes = write_figure(project, out, figure, lang=lang)
        return Exported(
            [_("wrote the {figure} figure to {out}").format(figure=figure, out=out)], list(notes)
        )
    if suffix in (".qdpx", ".qdc"):
        from coder.exchange.refi import export_qdc, export_qdpx

        report = (export_qdpx if suffix == ".qdpx" else export_qdc)(project, out)
        return Exported(report.lines())
    if suffix in TABLE_SUFFIXES or suffix in FIGURE_SUFFIXES:
        from coder.exchange.papers import export_figures, export_tables

        if suffix in FIGURE_SUFFIXES:
            notes = export_figures(project, out, lang=lang, held_out=held_out)
        else:
            notes = export_tables(
                project,
                out,
                tables=tables,
                lang=lang,
                coders=coders,
                held_out=held_out,
                examples=examples,
            )
        return Exported([_("wrote {out}").format(out=out)], list(notes))
    if suffix in (".yaml", ".yml"):
        from coder.exchange.codebook_yaml import save_codebook_file

        save_codebook_file(project, out)
        return Exported([_("wrote the codebook to {out}").format(out=out)])
    raise InvalidInput(
        _(
            "{name}: export to {out_suffix_or_no_suf} is not available yet (supported: .md .tex .docx .xlsx .csv .svg .png .qdpx .qdc .yaml, or --format maxqda); nothing was written"
        ).format(name=out.name, out_suffix_or_no_suf=out.suffix or "no suffix")
    )
