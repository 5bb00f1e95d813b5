"""REFI-QDA benchmarks: export of the synthetic project (200,000 codings) to .qdpx, and the import
of that file into a new project."""

from __future__ import annotations

import time

from bench.common import Context, Result
from coder.exchange.refi import export_qdpx, import_qdpx
from coder.project import Project


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
    project = Project.create(path, title="REFI import")
    t = time.perf_counter()
    imported = import_qdpx(project, target)
    t_import = time.perf_counter() - t
    project.close()
    c = exported.counts
    return [
        Result(
            f"refi: export to .qdpx ({c['sources']:,} sources, {c['codings']:,} codings)",
            t_export,
            target=10.0,
        ),
        Result("  size of the .qdpx", target.stat().st_size / 1024**2, unit="MB"),
        Result(
            f"refi: import of that .qdpx into a new project ({imported.counts['codings']:,} codings)",
            t_import,
            target=10.0,
        ),
    ]
