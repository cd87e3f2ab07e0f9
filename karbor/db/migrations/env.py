"""Alembic environment: runs migrations on Karbor's own engine."""

from alembic import context

from karbor.db.sqlalchemy import engine as db_engine
from karbor.db.sqlalchemy import models

target_metadata = models.BASE.metadata


def run_migrations_online():
    """Migrate the given connection, or the ``[database]`` one."""
    connection = context.config.attributes.get('connection')
    if connection is not None:
        _run(connection)
        return
    with db_engine.get_engine().connect() as connection:
        _run(connection)
        connection.commit()


def _run(connection):
    context.configure(connection=connection,
                      target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == 'sqlite',
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit('Offline migrations are not supported.')
run_migrations_online()
