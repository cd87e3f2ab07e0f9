"""Database fixtures for these tests."""

from karbor.tests.dbfixtures import admin_ctx, ctx, db_backend, sqlite_db  # noqa: F401,E501
