"""Write a new migration from the difference between ``cagettes.db`` and the latest revision.

    python -m cagettes.storage.migrations new "review decisions"

A scratch SQLite database is brought to the latest revision, compared with the tables of
``cagettes/storage/db.py``, and the difference written to ``cagettes/storage/migrations/versions/NNNN_<slug>.py``
with the next number. Read it and complete it before committing: autogenerate does not see
renames, data moves, or the ``where`` of a partial index. ``--url`` compares against another
database at the latest revision instead (PostgreSQL sees column types more exactly).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import Script

from cagettes.core.errors import DatabaseError
from cagettes.core.i18n import N_
from cagettes.storage import db
from cagettes.storage.migrations import alembic_config, scripts, upgrade


def next_id() -> str:
    numbers = [int(s.revision) for s in scripts().walk_revisions() if s.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def new(message: str, url: str | None = None) -> Path:
    with tempfile.TemporaryDirectory() as scratch:
        engine = db.make_engine(url or f"sqlite:///{Path(scratch) / 'head.db'}")
        try:
            upgrade(engine)
            with engine.begin() as conn:
                script = command.revision(alembic_config(conn), message, autogenerate=True, rev_id=next_id())
        finally:
            engine.dispose()
    if not isinstance(script, Script):  # one revision asked, one written; never a list or nothing
        raise DatabaseError(N_("Alembic n'a pas écrit une migration et une seule pour « {message} »."),
                            params={"message": message})
    return Path(script.path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cagettes.storage.migrations", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("new", help="write the next migration from the changes to cagettes/storage/db.py")
    make.add_argument("message")
    make.add_argument("--url", help="compare against this database (at the latest revision) instead")
    args = parser.parse_args(argv)
    path = new(args.message, args.url)
    print(f"Migration written: {path}\nRead it, complete what autogenerate cannot see, then run the tests.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
