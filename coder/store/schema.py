"""The project schema as SQLAlchemy Core tables.

The tables here describe the schema at the newest migration; the migrations in
``coder/store/migrations/versions`` build the same thing step by step, and a test compares them.

Design rules that the rest of the program relies on:

* No ``ON DELETE CASCADE``: a row that others point to can only go once the facade has removed its
  dependents itself, so every removed row is captured in the event journal and undo brings it back.
* Offsets (``start``, ``end``) are code-point indices into ``sources.text``, half-open.
* Only portable types, so the same tables run on SQLite and PostgreSQL. Names are ``VARCHAR(n)``
  on SQLite (where the length is only a hint) and ``TEXT`` on PostgreSQL (migration 0003), so a
  project copied from a file to a server never fails on a long name the file accepted.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


def Str(length: int) -> String:  # noqa: N802 - reads like the type it stands for
    """A name column: ``VARCHAR(length)`` on SQLite, unbounded ``TEXT`` on PostgreSQL."""
    return String(length).with_variant(Text(), "postgresql")


settings = Table(
    "settings",
    metadata,
    Column("key", Str(64), primary_key=True),
    Column("value", Text, nullable=False),
)

coders = Table(
    "coders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guid", Str(36), nullable=False, unique=True),
    Column("name", Str(200), nullable=False, unique=True),
    Column("created", Float, nullable=False),
)

#: Coders named so are models (``coder suggest --apply``), not people.
MACHINE_PREFIX = "model:"


def human_only(coder_id_column):
    """The filter that leaves machine coders' codings out of counts, frequencies, matrices,
    saturation, paper tables and REFI export unless a machine coder is asked for by name."""
    from sqlalchemy import select

    return coder_id_column.not_in(
        select(coders.c.id).where(coders.c.name.startswith(MACHINE_PREFIX, autoescape=True))
    )


cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guid", Str(36), nullable=False, unique=True),
    Column("name", Str(500), nullable=False, unique=True),
    Column("description", Text, nullable=False, server_default=""),
)

case_attributes = Table(
    "case_attributes",
    metadata,
    Column("case_id", Integer, ForeignKey("cases.id"), primary_key=True),
    Column("name", Str(200), primary_key=True),
    Column("value", Text, nullable=False),
    Column("type", Str(8), nullable=False, server_default="text"),
)
"""``type``: text, number or date (ISO ``2024-03-05`` or ``2024-03-05 14:30:00``), migration 0006."""

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guid", Str(36), nullable=False, unique=True),
    Column("name", Str(500), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("chars", Integer, nullable=False),
    Column("original_name", Text, nullable=False, server_default=""),
    Column("sha256", Str(64), nullable=False, server_default=""),
    Column("encoding", Str(64), nullable=False, server_default=""),
    Column("format", Str(16), nullable=False, server_default="txt"),
    Column("language", Str(8), nullable=False, server_default=""),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=True),
    Column("position", Integer, nullable=False),
    Column("imported", Float, nullable=False),
    Column("sentences", Text, nullable=True),
    Column("sentence_rules", Str(32), nullable=True),
)
"""``sentences``: the source's sentence boundaries inside its turns (migration 0008), a JSON array
of starts and ends in turn (``coder.text.nlp.encode_sentences``), computed on import and whenever
the turns change, in the same change; ``sentence_rules``: what computed them
(``coder.text.nlp.sentence_rules``). NULL, or other rules than the program's, means "not yet":
the first reader computes and stores them (a project from before 0008, or after a rule change)."""

#: Columns that only cache what other columns determine (sentence boundaries: the text and its
#: turns). Undo and redo restore them like any other, but a later change to them is no
#: colleague's work, so it never stops an undo (see ``coder.store.journal.check_state``).
DERIVED_COLUMNS = {"sources": frozenset({"sentences", "sentence_rules"})}

Index("ix_sources_list", sources.c.position, sources.c.id, sources.c.name, sources.c.case_id)
"""The sources pane's list (names and cases in import order) from the index alone (0010)."""

source_attributes = Table(
    "source_attributes",
    metadata,
    Column("source_id", Integer, ForeignKey("sources.id"), primary_key=True),
    Column("name", Str(200), primary_key=True),
    Column("value", Text, nullable=False),
    Column("type", Str(8), nullable=False, server_default="text"),
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("speaker", Str(200), nullable=False, server_default=""),
    Column("timestamp", Str(32), nullable=False, server_default=""),
    UniqueConstraint("source_id", "idx", name="uq_turn_idx"),
    CheckConstraint('start <= "end"', name="ck_turn_span"),
)

codes = Table(
    "codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guid", Str(36), nullable=False, unique=True),
    Column("label", Str(64), nullable=False, unique=True),
    Column("name", Str(500), nullable=False),
    Column("level", Str(16), nullable=False),
    Column("colour", Str(16), nullable=False, server_default=""),
    Column("definition", Text, nullable=False, server_default=""),
    Column("inclusion", Text, nullable=False, server_default=""),
    Column("exclusion", Text, nullable=False, server_default=""),
    Column("example", Text, nullable=False, server_default=""),
    Column("name_en", Text, nullable=False, server_default=""),
    Column("in_vivo", Boolean, nullable=False, server_default="0"),
    Column("paradigm_role", Str(16), nullable=True),
    Column("axis", Str(4), nullable=True),
    Column("is_core", Boolean, nullable=False, server_default="0"),
    Column("properties", Text, nullable=False, server_default="[]"),
    Column("created", Float, nullable=False),
    UniqueConstraint("level", "name", name="uq_code_level_name"),
    CheckConstraint("level IN ('open', 'axial', 'selective')", name="ck_code_level"),
)

code_parents = Table(
    "code_parents",
    metadata,
    Column("child_id", Integer, ForeignKey("codes.id"), primary_key=True),
    Column("parent_id", Integer, ForeignKey("codes.id"), primary_key=True),
    Column("is_primary", Boolean, nullable=False, server_default="0"),
    CheckConstraint("child_id <> parent_id", name="ck_parent_not_self"),
)
Index("ix_code_parents_parent", code_parents.c.parent_id)

codings = Table(
    "codings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("code_id", Integer, ForeignKey("codes.id"), nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("memo", Text, nullable=False, server_default=""),
    Column("created", Float, nullable=False),
    Column("origin", Str(16), nullable=False, server_default=""),
    Column("model", Str(64), nullable=False, server_default=""),
    Column("score", Float, nullable=True),
    UniqueConstraint("source_id", "code_id", "coder_id", "start", "end", name="uq_coding"),
    CheckConstraint('0 <= start AND start < "end"', name="ck_coding_span"),
)
Index("ix_codings_code_source", codings.c.code_id, codings.c.source_id, codings.c.coder_id)
"""Counts per code and source without machine coders, from the index alone (0011)."""
Index("ix_codings_source_start", codings.c.source_id, codings.c.start)

"""``origin`` says where a coding came from: ``""`` by hand, ``"suggested"`` a suggestion a person
accepted, ``"applied"`` a model's confirmation run (coder ``model:<version>``); ``model`` and
``score`` keep the model's version and its score for the last two."""

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True),
    # Plain ids, no foreign keys: a rejection is evidence about a code in a source only while
    # both exist, so deleting or merging codes and sources never has to know about it (training
    # drops rejections whose code or source is gone).
    Column("source_id", Integer, nullable=False),
    Column("code_id", Integer, nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("model", Str(64), nullable=False, server_default=""),
    Column("score", Float, nullable=True),
    Column("created", Float, nullable=False),
    UniqueConstraint("source_id", "code_id", "coder_id", "start", "end", name="uq_rejection"),
    CheckConstraint('0 <= start AND start < "end"', name="ck_rejection_span"),
)
"""Suggestions a person rejected: "not this code here", negative evidence for training."""

checks = Table(
    "checks",
    metadata,
    Column("id", Integer, primary_key=True),
    # Plain ids, like rejections: undoing a model's confirmation run removes its codings, and
    # the verdicts on them stay on record (the span, code and model are kept with each).
    Column("coding_id", Integer, nullable=False),
    Column("source_id", Integer, nullable=False),
    Column("code_id", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("model", Str(64), nullable=False, server_default=""),
    Column("machine", Str(200), nullable=False),
    Column("verdict", Str(12), nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("created", Float, nullable=False),
    UniqueConstraint("coding_id", "coder_id", name="uq_check"),
    CheckConstraint("verdict IN ('confirmed', 'refuted')", name="ck_check_verdict"),
)
"""A person's verdict on a machine coding drawn for a random check (migration 0009):
``confirmed`` (the code is right there) or ``refuted``; ``machine`` is the machine coder's name
(``model:<version>``), ``coder_id`` who checked. Precision is estimated from them."""

evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model", Str(64), nullable=False),
    Column("unit", Str(16), nullable=False),
    Column("trained_on", Text, nullable=False, server_default=""),
    Column("figures", Text, nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("created", Float, nullable=False),
)
"""Each run of ``coder suggest --evaluate`` (migration 0009): the model version, the unit, whose
codings it learned from, and the report as JSON (``Evaluation.as_dict``), so exports cite the
latest figures."""

memos = Table(
    "memos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guid", Str(36), nullable=False, unique=True),
    Column("type", Str(24), nullable=False),
    Column("target_type", Str(16), nullable=False),
    Column("target_id", Integer, nullable=True),
    Column("title", Text, nullable=False, server_default=""),
    Column("text", Text, nullable=False, server_default=""),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
    Column("start", Integer, nullable=True),
    Column("end", Integer, nullable=True),
    CheckConstraint(
        '(start IS NULL AND "end" IS NULL) OR '
        "(target_type = 'source' AND 0 <= start AND start < \"end\")",
        name="ck_memo_span",
    ),
)
"""A memo on a source with ``start`` and ``end`` is anchored to that passage (an annotation, as
QualCoder and NVivo call it); code points into the source's text, half-open, like a coding's."""
Index("ix_memos_target", memos.c.target_type, memos.c.target_id)

relation_types = Table(
    "relation_types",
    metadata,
    Column("name", Str(64), primary_key=True),
    Column("label_zh", Str(64), nullable=False, server_default=""),
    Column("family", Str(32), nullable=False, server_default=""),
    Column("description", Text, nullable=False, server_default=""),
)

relations = Table(
    "relations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guid", Str(36), nullable=False, unique=True),
    Column("from_id", Integer, ForeignKey("codes.id"), nullable=False),
    Column("to_id", Integer, ForeignKey("codes.id"), nullable=False),
    Column("type", Str(64), ForeignKey("relation_types.name"), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("created", Float, nullable=False),
    UniqueConstraint("from_id", "to_id", "type", name="uq_relation"),
)

relation_evidence = Table(
    "relation_evidence",
    metadata,
    Column("relation_id", Integer, ForeignKey("relations.id"), primary_key=True),
    Column("coding_id", Integer, ForeignKey("codings.id"), primary_key=True),
)
Index("ix_relation_evidence_coding", relation_evidence.c.coding_id)

code_lineage = Table(
    "code_lineage",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", Integer, ForeignKey("events.id"), nullable=True),
    Column("kind", Str(16), nullable=False),
    Column("from_guid", Str(36), nullable=False),
    Column("from_label", Str(64), nullable=False),
    Column("from_name", Str(500), nullable=False),
    Column("to_code_id", Integer, ForeignKey("codes.id"), nullable=True),
    Column("time", Float, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("time", Float, nullable=False),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=True),
    Column("action", Str(64), nullable=False),
    Column("summary", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("state", Str(12), nullable=False, server_default="done"),
    Column("changed", Float, nullable=True),
)
Index("ix_events_state", events.c.state)

members = Table(
    "members",
    metadata,
    Column("name", Str(200), primary_key=True),
    Column("role", Str(8), nullable=False),
    Column("added", Float, nullable=False),
    CheckConstraint("role IN ('owner', 'coder', 'reader')", name="ck_member_role"),
)
"""Who may do what (owner, coder, reader). On a server ``name`` is a login role of the server;
in a file it is a coder name. A project without members is a personal project: no roles."""

queries = Table(
    "queries",
    metadata,
    Column("name", Str(200), primary_key=True),
    Column("expression", Text, nullable=False),
    Column("options", Text, nullable=False, server_default="{}"),
    Column("coder_id", Integer, ForeignKey("coders.id"), nullable=False),
    Column("created", Float, nullable=False),
)
"""Saved coding queries: the expression and its options (``where``, ``unit``, ``coder``) as JSON."""

id_sequences = Table(
    "id_sequences",
    metadata,
    Column("name", Str(64), primary_key=True),
    Column("next", Integer, nullable=False),
)
"""The next id of each table in a project file, never handed out twice: undo frees ids that a
colleague's redo may still need. (A server uses each table's own sequence instead.)"""

# Tables in an order where every table comes after the ones it references: inserts during undo
# and redo follow this order, deletes the reverse.
TABLES = {t.name: t for t in metadata.sorted_tables}
