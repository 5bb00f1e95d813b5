"""REFI-QDA exchange: ``.qdc`` codebooks and ``.qdpx`` projects, to and from other QDA programs.

Public API (each returns a report with ``lines()`` and ``as_dict()``)::

    export_qdc(project, path)  -> ExportReport     # the code tree
    export_qdpx(project, path) -> ExportReport     # the whole project
    import_qdc(project, path)  -> ImportReport     # merge a codebook by name, one undoable event
    import_qdpx(project, path) -> ImportReport     # bring a project in, one undoable event

The files follow REFI-QDA 1.5 (Codebook/Project schema 1.0) and validate against
``shared/refi-qda/Codebook.xsd`` and ``Project.xsd``.

Grounded-theory fields (the convention)
=======================================

REFI-QDA has no fields for a code's level, label, paradigm role or 统/合 axis. They travel in the
code's ``Description``: first the definition, verbatim, then a blank line, then lines that start
with ``[GT]``::

    街镇与居民区在职能与资源……之间的结构性失衡……

    [GT] label: A1; level: axial; paradigm_role: causal; axis: 合; core: yes; in_vivo: yes
    [GT] parents: A1, A3
    [GT] name_en: grassroots governance dilemmas
    [GT] inclusion: 受访者用以说明……\\n第二行
    [GT] exclusion: …
    [GT] example: …
    [GT] properties: [{"name": "困境强度", "dimension": "偶发 → 长期积压"}]

* The first line holds ``label`` and ``level`` always, and ``paradigm_role`` (causal,
  phenomenon, context, intervening, strategy, consequence), ``axis`` (统 or 合), ``core: yes``
  and ``in_vivo: yes`` where they apply, as ``key: value`` pairs joined by ``"; "``. The keys and
  values are those of the YAML codebook.
* ``parents`` appears when a code sits in more than one category: every parent's label, the
  primary one first (the XML nesting shows the primary parent).
* ``name_en``, ``inclusion``, ``exclusion`` and ``example`` take one line each, with ``\\`` and line
  breaks escaped as ``\\\\`` and ``\\n``; ``properties`` is JSON.
* A ``Description`` without ``[GT]`` lines (from another program) is all definition.

The same fields are mirrored as ``Set``s of codes, so other programs can filter by them:
``GT level: open|axial|selective``, ``GT paradigm_role: <role>``, ``GT axis: 统|合`` and
``GT core category``. On import the ``[GT]`` lines win; the sets fill in what they lack.

Other conventions of the ``.qdpx`` written here:

* Memos are ``Note``s (title as ``name``, text in the file ``sources/<GUID>.txt`` named by
  ``plainTextPath``, ``Description`` ``[GT] type: storyline``) attached with ``NoteRef`` in the
  code, source, coding or link they belong to, or at the end of the project for project memos.
  Every note has a name of its own; where it is not the memo's title (untitled, or a title two
  memos share) a ``[GT] title:`` line holds the title. Cases cannot carry a ``NoteRef``, so a
  memo on a case is a ``Link`` named ``memo`` from the note to the case.
* A memo anchored to a passage of a source is an annotation in QualCoder's shape: its text in
  ``PlainTextContent`` and the passage as the note's own ``PlainTextSelection``; the source holds
  the ``NoteRef``.
* Relations are ``Link``s between two codes, named ``type`` or ``type: description``
  (``causes: 困境倒逼会商平台建立``), direction ``OneWay``; the codings that are a relation's
  evidence are ``Link``s named ``evidence`` from the ``Coding`` to the relation's link.
* Every coding is a ``PlainTextSelection`` of its own (NVivo's shape) whose ``creatingUser`` is the
  coding's coder; the coding's memo is the selection's ``Description``. Sources carry the
  ``creatingUser`` who brought them in.
* Case and source attributes are ``Text`` variables; a source's original file name, format,
  encoding, language and SHA-256 are ``[GT]`` lines in its ``Description``.
* The concept network is a ``Graph``: codes as vertices (the core on top, categories in a row,
  their concepts below each), category membership as dotted edges and relations as solid ones.
* Positions are code points of the ``.txt`` in ``sources/<GUID>.txt`` (UTF-8, LF, no BOM), which
  is exactly the project's normalised text.

On import, positions are read with the producer's own model (see ``positions``); what cannot come
in (pictures, audio, video, PDF regions, missing files, zero-length selections, code groups,
graph layouts) is named in the report.
"""

from .export import export_qdc, export_qdpx
from .importer import import_qdc, import_qdpx
from .report import ExportReport, ImportReport

__all__ = [
    "ExportReport",
    "ImportReport",
    "export_qdc",
    "export_qdpx",
    "import_qdc",
    "import_qdpx",
]
