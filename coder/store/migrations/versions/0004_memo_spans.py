"""A memo on a source may be anchored to a passage of it (an annotation): ``start`` and ``end``,
code points into the source's text like a coding's, both empty for a memo on the whole object.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("end", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "ck_memo_span",
            '(start IS NULL AND "end" IS NULL) OR '
            "(target_type = 'source' AND 0 <= start AND start < \"end\")",
        )


def downgrade() -> None:
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_constraint("ck_memo_span", type_="check")
        batch_op.drop_column("end")
        batch_op.drop_column("start")
