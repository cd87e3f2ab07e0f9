"""Progress and cancel requests of running operations.

Revision ID: 003
Revises: 002
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '003'
down_revision = '002'
branch_labels = None
depends_on = None

TABLE = 'operation_progress'
DateTime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql')
MediumText = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


def upgrade():
    op.create_table(
        TABLE,
        sa.Column('created_at', DateTime, nullable=False),
        sa.Column('updated_at', DateTime),
        sa.Column('deleted_at', DateTime),
        sa.Column('deleted', sa.Boolean, nullable=False),
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('project_id', sa.String(255)),
        sa.Column('kind', sa.String(32)),
        sa.Column('operation_type', sa.String(32)),
        sa.Column('summary', MediumText, nullable=False),
        sa.Column('cancel_requested_at', DateTime),
        sa.Column('cancelled_by', sa.String(255)),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')


def downgrade():
    op.drop_table(TABLE)
