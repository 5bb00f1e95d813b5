"""REFI-QDA benchmarks: export of the synthetic project (200,000 codings) to .qdpx, and the import
of that file into a new project."""

from __future__ import annotations

import statistics
import time

from bench.common import Context, Result
from coder.exchange.refi import export_qdpx, import_qdpx
from coder.project import Project

# The absolute target (10 s) over the anchor's value when calibrated, 1.75 s (see store.py).
RATIO_IMPORT = 5.7


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
    t = time.perf_counter()
    exported = export_qdpx(source, target)
    t_export = time.perf_counter() - t
    source.close()

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
            f"refi: export to .qdpx ({c['sources']:,} sources, {c['codings']:,} codings)",
            t_export,
            target=10.0,
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
