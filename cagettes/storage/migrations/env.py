"""Alembic's entry point: run by alembic itself, with the connection cagettes.storage.migrations gives it."""
from __future__ import annotations

from alembic import context

from cagettes.storage import db


def run() -> None:
    if context.is_offline_mode():
        raise SystemExit("cagettes migrations run on a live connection only (no --sql mode).")
    connection = context.config.attributes["connection"]
    # Batch mode: SQLite cannot ALTER most things, so a change rebuilds the table; on
    # PostgreSQL the same migration becomes plain ALTER statements.
    context.configure(connection=connection, target_metadata=db.metadata, render_as_batch=True)
    with context.begin_transaction():  # inside the caller's transaction: it commits
        context.run_migrations()


run()
