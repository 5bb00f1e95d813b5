"""Index codings by (code, source): per-code counts of codings and sources become index-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_codings_code", table_name="codings")
    op.create_index("ix_codings_code_source", "codings", ["code_id", "source_id"])


def downgrade() -> None:
    op.drop_index("ix_codings_code_source", table_name="codings")
    op.create_index("ix_codings_code", "codings", ["code_id"])
