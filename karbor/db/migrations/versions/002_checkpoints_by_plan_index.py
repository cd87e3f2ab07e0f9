"""Index of checkpoints by plan in creation order.

A project's checkpoint list filtered by plan otherwise walks the project's
newer checkpoints of every other plan before reaching the plan's own.

Revision ID: 002
Revises: 001
Create Date: 2026-12-06
"""

from alembic import op

revision = '002'
down_revision = '001'
branch_labels = None
depends_on = None

INDEX = 'ix_checkpoints_provider_project_plan_created'


def upgrade():
    op.create_index(INDEX, 'checkpoints',
                    ['provider_id', 'project_id', 'plan_id', 'created_at'])


def downgrade():
    op.drop_index(INDEX, table_name='checkpoints')
