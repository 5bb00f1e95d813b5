"""A covering index for the sources pane: the list of sources in import order with their names and
cases (``Project.source_rows``, ``Project.source_page``) is read from the index alone, without
the table's rows and their texts, and without sorting (issue 17: a 100,000-row spreadsheet opens
in the workbench).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_sources_list", "sources", ["position", "id", "name", "case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_sources_list", table_name="sources")
