"""Taguette against coder's codebook CSV, both ways, with Taguette's own code (not run by
``make test``; see bench/interop/README.md).

Run it with the Python of a throwaway virtualenv that has Taguette 1.5 installed::

    /tmp/tgvenv/bin/python bench/interop/taguette_check.py [--coder .venv/bin/coder]

1. coder saves the demo codebook (codebooks/tonghe.yaml) as CSV; Taguette's importer
   (``taguette.import_codebook.list_tags``, what its "Import codebook" page calls) reads it, and
   every path and description passes Taguette's own checks (``taguette.validate``).
2. Taguette's exporter (``taguette.export.codebook_csv``, behind its "Export codebook > CSV"
   menu) writes a project's tags, made in a Taguette database with documents and highlights;
   coder loads that file and the code tree is compared with the tags.
3. The whole trip: the tags Taguette read from coder's CSV are stored in a Taguette project,
   exported by Taguette and loaded into a new coder project, which must have the same names
   (a name with a dot included), primary parents and definitions as the original.

Taguette's Excel export (``codebook_xlsx``, the same columns) is loaded too.

Prints one line per check and exits non-zero if one fails. ``--fixture PATH`` also keeps the
Taguette-exported CSV (tests/data/taguette_codebook.csv was made so).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Tags as a Taguette user would make them: Chinese paths joined by ".", a top-level tag with
#: no children, a parent that is only a path prefix (基层治理困境 has no row of its own), and a
#: description with a comma, quotes and a line break (to exercise CSV quoting).
TAGUETTE_TAGS = [
    ("基层治理困境.条块分割", "条与块各管一段，\n职责交叉", 3),
    ("基层治理困境.权责不对等", '街镇"小马拉大车"：责大权小', 2),
    ("基层治理困境.资源下沉不足", "", 0),
    ("统筹.党建引领.书记抓总", "书记亲自介入、会商", 1),
    ("统筹.联席会议", "定期会商, 联合行动", 1),
    ("interesting", "Taguette's default tag", 0),
]


def names(path: str) -> list[str]:
    """The names in a tag path of coder's CSV (``\\.`` is a dot inside a name)."""
    parts = re.split(r"(?<!\\)\.", path)
    return [p.replace("\\.", ".").replace("\\\\", "\\") for p in parts]


def run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    return done.stdout


def check(ok: bool, what: str, failures: list[str]) -> None:
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def coder_to_taguette(coder: str, work: Path, failures: list[str]) -> tuple[list, list]:
    from taguette import validate
    from taguette.import_codebook import list_tags

    project, out = work / "demo.coder", work / "coder_codebook.csv"
    run([coder, "new", str(project)])
    run([coder, "codebook", str(project), "load", str(ROOT / "codebooks" / "tonghe.yaml")])
    run([coder, "codebook", str(project), "add", "补贴3.5万元以上", "--parent", "A8"])
    run([coder, "codebook", str(project), "save", str(out)])
    codes = json.loads(run([coder, "codebook", str(project), "show", "--json"]))
    with out.open("rb") as fh:
        tags = list_tags(fh)
    for t in tags:
        validate.tag_path(t["path"])
        validate.description(t["description"])
    described = [c for c in codes if c["definition"]]
    check(
        len(tags) == len(codes),
        f"coder -> Taguette: list_tags reads {len(tags)} tags; the codebook has {len(codes)} codes",
        failures,
    )
    check(
        sum(bool(t["description"]) for t in tags) == len(described),
        f"coder -> Taguette: {sum(bool(t['description']) for t in tags)} tags with a description; "
        f"{len(described)} codes have a definition",
        failures,
    )
    by_name = {c["name"]: c for c in codes}
    leaf = {names(t["path"])[-1]: t for t in tags}
    same = sum(leaf.get(n, {}).get("description") == c["definition"] for n, c in by_name.items())
    check(
        same == len(codes),
        f"coder -> Taguette: {same} descriptions equal the definitions",
        failures,
    )
    depth = max(len(names(t["path"])) - 1 for t in tags)
    check(
        depth == 2, f"coder -> Taguette: deepest path has {depth + 1} levels (AA > A > a)", failures
    )
    return tags, codes


def taguette_export(
    work: Path, name: str, tags: list[tuple[str, str, int]], *, xlsx: Path | None = None
) -> bytes:
    """A Taguette project with these (path, description, highlights) tags, exported as CSV by
    Taguette's own code, as its web handler sends it (UTF-8)."""
    from taguette import database, export
    from taguette.database.models import Document, Highlight, Project, Tag, TextDirection

    db = database.connect(f"sqlite:///{work / (name + '.sqlite3')}")()  # a sessionmaker
    project = Project(name=name, description="")
    doc = Document(
        name="S1-01",
        description="",
        filename="S1-01.txt",
        project=project,
        text_direction=TextDirection.LEFT_TO_RIGHT,
        contents="<p>访谈文本</p>",
    )
    db.add_all([project, doc])
    for path, description, highlights in tags:
        tag = Tag(project=project, path=path, description=description)
        db.add(tag)
        for i in range(highlights):
            db.add(
                Highlight(document=doc, start_offset=i, end_offset=i + 1, snippet="访", tags=[tag])
            )
    db.commit()
    if xlsx is not None:
        export.codebook_xlsx(list(project.tags), str(xlsx))
    buffer = io.StringIO()
    export.codebook_csv(list(project.tags), buffer)
    db.close()
    return buffer.getvalue().encode("utf-8")


def load_into_coder(coder: str, work: Path, name: str, data: bytes) -> dict[str, dict]:
    path, target = work / f"{name}.csv", work / f"{name}.coder"
    path.write_bytes(data)
    run([coder, "new", str(target)])
    run([coder, "codebook", str(target), "load", str(path)])
    return {
        c["name"]: c for c in json.loads(run([coder, "codebook", str(target), "show", "--json"]))
    }


def taguette_to_coder(coder: str, work: Path, failures: list[str], fixture: Path | None) -> None:
    data = taguette_export(work, "taguette", TAGUETTE_TAGS)
    if fixture:
        fixture.write_bytes(data)
        print(f"wrote {fixture}")
    check(
        data.startswith(b"tag,description,number of highlights,number of documents\r\n"),
        "Taguette's CSV: header tag,description,number of highlights,number of documents; CRLF; no BOM",
        failures,
    )
    codes = load_into_coder(coder, work, "from_taguette", data)
    by_id = {c["id"]: c for c in codes.values()}
    names = {p for path, _, _ in TAGUETTE_TAGS for p in path.split(".")}
    check(
        set(codes) == names,
        f"Taguette -> coder: {len(codes)} codes for {len(names)} tag path parts",
        failures,
    )
    wrong = []
    for path, description, _ in TAGUETTE_TAGS:
        parts = path.split(".")
        code = codes.get(parts[-1])
        parent = by_id[code["parents"][0]]["name"] if code and code["parents"] else None
        if code is None or parent != (parts[-2] if len(parts) > 1 else None):
            wrong.append(path)
        elif code["definition"] != description.strip():
            wrong.append(path + " (description)")
    check(
        not wrong,
        f"Taguette -> coder: hierarchy and descriptions as tagged {wrong or ''}",
        failures,
    )
    xlsx = work / "taguette_codebook.xlsx"
    taguette_export(work, "taguette_xlsx", TAGUETTE_TAGS, xlsx=xlsx)
    run([coder, "new", str(work / "from_xlsx.coder")])
    run([coder, "codebook", str(work / "from_xlsx.coder"), "load", str(xlsx)])
    from_xlsx = json.loads(
        run([coder, "codebook", str(work / "from_xlsx.coder"), "show", "--json"])
    )
    check(
        {c["name"]: c["definition"] for c in from_xlsx}
        == {n: c["definition"] for n, c in codes.items()},
        "Taguette -> coder: its Excel export (codebook_xlsx) loads to the same codes",
        failures,
    )
    levels = {n: c["level"] for n, c in codes.items()}
    check(
        levels["统筹"] == levels["党建引领"] == "axial" and levels["书记抓总"] == "open",
        "Taguette -> coder: parents are axial categories, leaves open codes",
        failures,
    )


def round_trip(coder: str, work: Path, tags: list, original: list, failures: list[str]) -> None:
    data = taguette_export(work, "trip", [(t["path"], t["description"], 0) for t in tags])
    codes = load_into_coder(coder, work, "trip", data)

    def tree(rows: dict[str, dict]) -> set[tuple[str, str | None, str]]:
        by_id = {c["id"]: c for c in rows.values()}
        return {
            (c["name"], by_id[c["parents"][0]]["name"] if c["parents"] else None, c["definition"])
            for c in rows.values()
        }

    want = tree({c["name"]: c for c in original})
    got = tree(codes)
    check(
        got == want and "补贴3.5万元以上" in codes,
        f"coder -> Taguette -> coder: {len(got & want)} of {len(want)} codes with the same name, "
        f"primary parent and definition ({len(got ^ want)} differ)",
        failures,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coder", default=str(ROOT / ".venv" / "bin" / "coder"))
    parser.add_argument("--fixture", type=Path, help="also keep Taguette's exported CSV here")
    args = parser.parse_args()
    import taguette

    print(f"Taguette {taguette.__version__}")
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tags, codes = coder_to_taguette(args.coder, Path(tmp), failures)
        taguette_to_coder(args.coder, Path(tmp), failures, args.fixture)
        round_trip(args.coder, Path(tmp), tags, codes, failures)
    print(f"{len(failures)} failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
