"""REFI-QDA benchmarks: export of the synthetic project (200,000 codings) to .qdpx, and the import
of that file into a new project."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.common import Context, Result, alternate
from coder.exchange.refi import export_qdpx, import_qdpx
from coder.project import Project

# The absolute target (10 s) over the anchor's value when calibrated, 1.75 s (see store.py).
RATIO_IMPORT = 5.7
#: The export beside lxml serialising the same project.qde tree and zipfile writing it with the
#: same sources at the export's compression (deflate, level 1): the XML volume any exporter must
#: write. The ratio target is the absolute target (10 s) over the anchor's typical value measured
#: on this machine on 2026-12-03.
EXPORT_ANCHOR_S = 2.76
RATIO_EXPORT = round(10.0 / EXPORT_ANCHOR_S, 1)


class _BareWrite:
    """lxml + zipfile writing what the .qdpx holds (its tree parsed once, untimed)."""

    def __init__(self, qdpx: Path, out: Path) -> None:
        import zipfile

        from lxml import etree

        self.out = out
        with zipfile.ZipFile(qdpx) as z:
            self.members = {n: z.read(n) for n in z.namelist() if not n.endswith(".qde")}
            qde = next(n for n in z.namelist() if n.endswith(".qde"))
            self.qde = qde
            self.tree = etree.fromstring(z.read(qde), etree.XMLParser(huge_tree=True))

    def __call__(self) -> None:
        import zipfile

        from lxml import etree

        with zipfile.ZipFile(self.out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr(self.qde, etree.tostring(self.tree, xml_declaration=True, encoding="utf-8"))
            for name, data in self.members.items():
                z.writestr(name, data)


def _bare_parse(path) -> float:  # type: ignore[no-untyped-def]
    """Read the .qde and every source text out of the archive and parse the XML with lxml: the
    least any importer of the file must do."""
    import zipfile

    from lxml import etree

    t = time.perf_counter()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith(".qde"):
                etree.fromstring(data, etree.XMLParser(huge_tree=True))
            else:
                data.decode("utf-8")
    return time.perf_counter() - t


def run(ctx: Context) -> list[Result]:
    source = Project.open(ctx.copy("refi-source.coder"))
    target = ctx.out / "synthetic.qdpx"
    target.unlink(missing_ok=True)
    exported = export_qdpx(source, target)  # once first: the anchor writes what it holds
    bare = _BareWrite(target, ctx.out / "bare-write.qdpx")
    t_export, export_anchor = alternate(lambda: export_qdpx(source, target), bare, 3)
    source.close()
    del bare

    path = ctx.out / "refi-import.coder"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    imports: list[float] = []
    parses: list[float] = []
    for i in range(3):  # the import alternated with its anchor: lxml alone on the same file
        parses.append(_bare_parse(target))
        project_path = path if i == 0 else ctx.out / f"refi-import-{i}.coder"
        project_path.unlink(missing_ok=True)
        project = Project.create(project_path, title="REFI import")
        t = time.perf_counter()
        imported = import_qdpx(project, target)
        imports.append(time.perf_counter() - t)
        project.close()
    t_import = statistics.median(imports)
    c = exported.counts
    return [
        Result(
            f"refi: export to .qdpx ({c['sources']:,} sources, {c['codings']:,} codings)"
            ", median of 3",
            t_export,
            target=10.0,
            anchor="lxml + zipfile writing the same XML and sources",
            anchor_value=export_anchor,
            ratio_target=RATIO_EXPORT,
        ),
        Result("  size of the .qdpx", target.stat().st_size / 1024**2, unit="MB"),
        Result(
            f"refi: import of that .qdpx into a new project ({imported.counts['codings']:,} codings)"
            ", median of 3",
            t_import,
            target=10.0,
            anchor="unzip + bare lxml parse of the same file",
            anchor_value=statistics.median(parses),
            ratio_target=RATIO_IMPORT,
        ),
    ]
