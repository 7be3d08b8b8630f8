"""Storage: the database, its migrations, the workspace on disk and the months opened in it.

:func:`connect` is the way in: every engine the application uses comes from it, its schema
brought to the latest migration first.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from cagettes.core.errors import DatabaseError
from cagettes.core.private import private_database
from cagettes.storage import db, migrations


def connect(url: str, backups: Path | None = None) -> sa.Engine:
    """An engine on ``url``, its schema brought to the latest migration first; ``backups``:
    the folder of its copies (``cagettes backup``), named if SQLite finds the file damaged."""
    private_database(url)  # names and orders: the file is the owner's alone
    engine = db.make_engine(url, backups)
    try:
        migrations.upgrade(engine)
    except (sa.exc.OperationalError, sa.exc.DatabaseError) as error:  # the latter: a file that is not SQLite
        engine.dispose()
        raise db.unreachable(engine.url, error) from error
    except DatabaseError:  # already said in words (damaged, busy, a newer schema)
        engine.dispose()
        raise
    return engine
