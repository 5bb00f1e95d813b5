"""Read a .qdpx with qdpxlib (a Python API for MAXQDA's QDPX files) and print what it sees.

Run with a Python that has ``qdpxlib`` (not a dependency of coder; see README.md)::

    python qdpxlib_read.py demo.qdpx > qdpxlib.json

qdpxlib prepares training data: it keeps no coder, merges every selection of one passage into
one entry with a list of code names, deletes every non-ASCII character from ``project.qde``
before parsing it (so Chinese code names arrive empty), and cuts the passage's text by byte
offsets. The script runs its parse of the ``.qde`` (``_unzip_qdpx`` and ``_parse_qde``, the
passages before its sentence splitting). ``coding_rows`` are ``[source name, code name, start,
end, None]``, one for each (passage, code) it holds; ``text_matches`` counts the passages whose
text qdpxlib cut out equals the text at those positions.
"""

from __future__ import annotations

import contextlib
import json
import sys
import zipfile
from xml.etree import ElementTree

from qdpxlib.qdpxlib import QDPXFile


def main() -> int:
    path = sys.argv[1]
    qf = QDPXFile.__new__(QDPXFile)  # its __init__ goes on to build sentence data
    qf.filename, qf.context, qf.codings, qf.codes = path, 100, [], {}
    qf.code_name_to_guid, qf.uncoded_intervals = {}, {}
    with contextlib.redirect_stdout(sys.stderr):
        qf._unzip_qdpx()
        qf._parse_qde()
    # Source names, texts and code names, for the rows and the checks (qdpxlib gives GUIDs).
    z = zipfile.ZipFile(path)
    root = ElementTree.fromstring(z.read("project.qde"))
    names, texts = {}, {}
    for el in root.iter("{urn:QDA-XML:project:1.0}TextSource"):
        names[el.get("guid")] = el.get("name")
        texts[el.get("guid")] = z.read(f"sources/{el.get('guid')}.txt").decode("utf-8")
    code_names = {
        el.get("guid"): el.get("name") for el in root.iter("{urn:QDA-XML:project:1.0}Code")
    }
    rows, same_text = [], 0
    for source, text, _context, (start, end), labels in qf.codings:
        same_text += text == texts[source][start:end].strip()
        rows += [[names[source], label, start, end, None] for label in sorted(set(labels))]
    result = {
        "qdpxlib": {
            "codes": len(qf.codes),
            "code_names_kept": sum(qf.codes[g] == code_names.get(g) for g in qf.codes),
            "passages": len(qf.codings),
            "passage_code_pairs": len(rows),
            "text_matches": same_text,
            "coding_rows": rows,
        }
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
