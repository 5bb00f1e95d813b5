"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 02:17:05.235218
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guid"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "coders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guid"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("colour", sa.String(length=16), server_default="", nullable=False),
        sa.Column("definition", sa.Text(), server_default="", nullable=False),
        sa.Column("inclusion", sa.Text(), server_default="", nullable=False),
        sa.Column("exclusion", sa.Text(), server_default="", nullable=False),
        sa.Column("example", sa.Text(), server_default="", nullable=False),
        sa.Column("name_en", sa.Text(), server_default="", nullable=False),
        sa.Column("in_vivo", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("paradigm_role", sa.String(length=16), nullable=True),
        sa.Column("axis", sa.String(length=4), nullable=True),
        sa.Column("is_core", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("properties", sa.Text(), server_default="[]", nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.CheckConstraint("level IN ('open', 'axial', 'selective')", name="ck_code_level"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guid"),
        sa.UniqueConstraint("label"),
        sa.UniqueConstraint("level", "name", name="uq_code_level_name"),
    )
    op.create_table(
        "relation_types",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("label_zh", sa.String(length=64), server_default="", nullable=False),
        sa.Column("family", sa.String(length=32), server_default="", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "case_attributes",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "name"),
    )
    op.create_table(
        "code_parents",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("child_id <> parent_id", name="ck_parent_not_self"),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["codes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["codes.id"],
        ),
        sa.PrimaryKeyConstraint("child_id", "parent_id"),
    )
    with op.batch_alter_table("code_parents", schema=None) as batch_op:
        batch_op.create_index("ix_code_parents_parent", ["parent_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("time", sa.Float(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), server_default="done", nullable=False),
        sa.Column("changed", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_state", ["state"], unique=False)

    op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guid"),
    )
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.create_index("ix_memos_target", ["target_type", "target_id"], unique=False)

    op.create_table(
        "relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
        ),
        sa.ForeignKeyConstraint(
            ["from_id"],
            ["codes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["to_id"],
            ["codes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["type"],
            ["relation_types.name"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("from_id", "to_id", "type", name="uq_relation"),
        sa.UniqueConstraint("guid"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.Text(), server_default="", nullable=False),
        sa.Column("sha256", sa.String(length=64), server_default="", nullable=False),
        sa.Column("encoding", sa.String(length=64), server_default="", nullable=False),
        sa.Column("format", sa.String(length=16), server_default="txt", nullable=False),
        sa.Column("language", sa.String(length=8), server_default="", nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guid"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "code_lineage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_guid", sa.String(length=36), nullable=False),
        sa.Column("from_label", sa.String(length=64), nullable=False),
        sa.Column("from_name", sa.String(length=500), nullable=False),
        sa.Column("to_code_id", sa.Integer(), nullable=True),
        sa.Column("time", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
        ),
        sa.ForeignKeyConstraint(
            ["to_code_id"],
            ["codes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "codings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("memo", sa.Text(), server_default="", nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.CheckConstraint('0 <= start AND start < "end"', name="ck_coding_span"),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["codes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "code_id", "coder_id", "start", "end", name="uq_coding"),
    )
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index("ix_codings_code", ["code_id"], unique=False)
        batch_op.create_index("ix_codings_source_start", ["source_id", "start"], unique=False)

    op.create_table(
        "source_attributes",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
        ),
        sa.PrimaryKeyConstraint("source_id", "name"),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=200), server_default="", nullable=False),
        sa.Column("timestamp", sa.String(length=32), server_default="", nullable=False),
        sa.CheckConstraint('start <= "end"', name="ck_turn_span"),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "idx", name="uq_turn_idx"),
    )
    op.create_table(
        "relation_evidence",
        sa.Column("relation_id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coding_id"],
            ["codings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["relation_id"],
            ["relations.id"],
        ),
        sa.PrimaryKeyConstraint("relation_id", "coding_id"),
    )
    with op.batch_alter_table("relation_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_relation_evidence_coding", ["coding_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("relation_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_relation_evidence_coding")

    op.drop_table("relation_evidence")
    op.drop_table("turns")
    op.drop_table("source_attributes")
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index("ix_codings_source_start")
        batch_op.drop_index("ix_codings_code")

    op.drop_table("codings")
    op.drop_table("code_lineage")
    op.drop_table("sources")
    op.drop_table("relations")
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_index("ix_memos_target")

    op.drop_table("memos")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_state")

    op.drop_table("events")
    with op.batch_alter_table("code_parents", schema=None) as batch_op:
        batch_op.drop_index("ix_code_parents_parent")

    op.drop_table("code_parents")
    op.drop_table("case_attributes")
    op.drop_table("settings")
    op.drop_table("relation_types")
    op.drop_table("codes")
    op.drop_table("coders")
    op.drop_table("cases")
