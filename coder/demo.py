"""The demo project: the synthetic 统合型 corpus, its codebook and both coders' codings.

``coder demo`` builds it from ``corpus/`` and ``codebooks/`` the first time and opens the same
file afterwards, so the work a user does in the demo is never thrown away by running it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from coder.errors import NoProject, ProjectError
from coder.exchange.codebook_yaml import load_codebook_file
from coder.i18n import _
from coder.project import Project
from coder.store.engine import describe
from coder.text.readers import read_file

GOLD_CODER = "R1"
SECOND_CODER = "R2"


def data_root() -> Path:
    """The folder holding ``corpus/`` and ``codebooks/`` (the repository, or the installed copy)."""
    here = Path(__file__).resolve().parent
    for root in (here.parent, here / "_data"):
        if (root / "corpus").is_dir() and (root / "codebooks").is_dir():
            return root
    raise ProjectError(
        _("the demo corpus is not installed (no corpus/ folder found); nothing was built")
    )


@dataclass
class DemoSummary:
    path: Path | str
    built: bool
    sources: int
    codes: int
    codings: dict[str, int]
    relations: int
    memos: int

    def lines(self) -> list[str]:
        head = "Built the demo project" if self.built else "Opened the existing demo project"
        per = ", ".join(f"{n} by {c}" for c, n in self.codings.items())
        return [
            f"{head}: {describe(self.path)}",
            f"  {self.sources} sources (synthetic interviews), {self.codes} codes, codings: {per}",
            f"  {self.relations} relations, {self.memos} memos",
        ]


def build_demo(path: Path | str, *, root: Path | None = None) -> Project:
    """Create the demo project at ``path`` (which must not exist)."""
    root = root or data_root()
    corpus = root / "corpus"
    fixtures = corpus / "fixtures"
    project = Project.create(
        path, title="统合型协同治理 — demo (synthetic)", lang="zh", coder=GOLD_CODER
    )
    try:
        load_codebook_file(project, root / "codebooks" / "tonghe.yaml")
        drafts = [read_file(p) for p in sorted(corpus.glob("*.txt"))]
        project.add_sources(drafts, summary=f"import {len(drafts)} demo transcripts")
        expected = json.loads((fixtures / "expected.json").read_text(encoding="utf-8"))
        for new in expected.get("new_codes", []):
            if not any(c.label == new["label"] for c in project.codes()):
                project.add_code(
                    new["name"],
                    new.get("level", "open"),
                    label=new["label"],
                    definition=new.get("definition", ""),
                    name_en=new.get("name_en", ""),
                )
        source_ids = {s.name: s.id for s in project.sources()}
        code_ids = {c.label: c.id for c in project.codes()}
        for coder, fixture in ((GOLD_CODER, "gold_coder1.jsonl"), (SECOND_CODER, "coder2.jsonl")):
            rows = []
            for line in (fixtures / fixture).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    r = json.loads(line)
                    rows.append(
                        (
                            source_ids[r["transcript"]],
                            code_ids[r["code"]],
                            r["start"],
                            r["end"],
                            coder,
                        )
                    )
            project.add_codings(
                rows, summary=f"load {coder}'s demo codings ({len(rows)})", action="load-codings"
            )
    except BaseException:
        project.close()
        if isinstance(path, Path):
            path.unlink(missing_ok=True)
        raise
    return project


def open_or_build_demo(path: Path | str) -> tuple[Project, DemoSummary]:
    """The demo project at ``path`` (a file, or a ``postgresql://`` URL for a team to try the
    server with), built the first time."""
    from coder.store.engine import is_server

    if is_server(path):
        try:
            project, built = Project.open(str(path)), False
        except NoProject:
            project, built = build_demo(str(path)), True
    else:
        path = Path(path)
        built = not path.exists()
        project = build_demo(path) if built else Project.open(path)
    per_coder: dict[str, int] = {}
    for seg in project.segments():
        per_coder[seg.coder] = per_coder.get(seg.coder, 0) + 1
    summary = DemoSummary(
        path=path,
        built=built,
        sources=len(project.sources()),
        codes=len(project.codes()),
        codings=per_coder,
        relations=len(project.relations()),
        memos=len(project.memos()),
    )
    return project, summary
