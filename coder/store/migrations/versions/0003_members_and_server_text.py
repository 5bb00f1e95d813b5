"""Members with roles (owner, coder, reader); ids never handed out twice; on PostgreSQL,
names become TEXT.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _name() -> sa.types.TypeEngine:
    return sa.String(length=200).with_variant(sa.Text(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("name", _name(), nullable=False),
        sa.Column(
            "role", sa.String(length=8).with_variant(sa.Text(), "postgresql"), nullable=False
        ),
        sa.Column("added", sa.Float(), nullable=False),
        sa.CheckConstraint("role IN ('owner', 'coder', 'reader')", name="ck_member_role"),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "id_sequences",
        sa.Column(
            "name", sa.String(length=64).with_variant(sa.Text(), "postgresql"), nullable=False
        ),
        sa.Column("next", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    bind = op.get_bind()
    _first_free_ids(bind)
    if bind.dialect.name != "postgresql":
        return
    # SQLite never enforced the VARCHAR lengths, so a server must not either: a project copied
    # from a file keeps every name it had.
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        for column in inspector.get_columns(table):
            if isinstance(column["type"], sa.String) and not isinstance(column["type"], sa.Text):
                op.alter_column(table, column["name"], type_=sa.Text())


def _first_free_ids(bind) -> None:
    """Each id table's next id: past its rows and past the rows of undone changes (a redo puts
    those back with their ids)."""
    # The tables whose ids the journal hands out (coders and events are never deleted, so
    # their own row ids never repeat).
    tables = ["cases", "codes", "code_lineage", "codings", "memos", "relations", "sources", "turns"]
    top = {t: bind.exec_driver_sql(f'SELECT max(id) FROM "{t}"').scalar() or 0 for t in tables}
    for (payload,) in bind.exec_driver_sql("SELECT payload FROM events WHERE state = 'undone'"):
        for step in json.loads(payload).get("do", []):
            if step.get("op") != "insert" or step.get("t") not in top:
                continue
            if "range" in step:
                top[step["t"]] = max(top[step["t"]], step["range"][1])
            elif step.get("cols") == ["id"] and step.get("keys"):
                top[step["t"]] = max(top[step["t"]], max(k[0] for k in step["keys"]))
            elif step.get("rows") and "id" in step.get("cols", []):
                # Undo keeps the rows it removed, in full, for the redo.
                at = step["cols"].index("id")
                top[step["t"]] = max(top[step["t"]], max(r[at] for r in step["rows"]))
    op.bulk_insert(
        sa.table("id_sequences", sa.column("name"), sa.column("next")),
        [{"name": t, "next": top[t] + 1} for t in tables],
    )


def downgrade() -> None:
    op.drop_table("id_sequences")
    op.drop_table("members")
