"""Alembic environment. kb.db.upgrade() hands us an open connection (config.attributes["connection"]),
so migrations run inside the caller's transaction and lock; no alembic.ini is needed."""

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from kb import models  # noqa: F401  (registers the tables for autogenerate)
from kb.db import autogenerate_includes


def render_item(type_, obj, autogen_context):
    """Autogenerate plain SQLAlchemy types so migrations do not depend on SQLModel internals."""
    if type_ == "type" and isinstance(obj, AutoString):
        return "sa.String()"
    return False


config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached through `alembic` run by hand
    raise RuntimeError("run migrations through `kb db upgrade` (kb.db.upgrade), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER TABLE is limited
    compare_type=True,
    render_item=render_item,
    include_object=autogenerate_includes,
)
with context.begin_transaction():
    context.run_migrations()
