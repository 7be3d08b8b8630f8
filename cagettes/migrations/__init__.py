"""Schema migrations (Alembic), shipped inside the package.

:func:`cagettes.db.connect` calls :func:`upgrade`: every database, SQLite file or shared
PostgreSQL server, is brought to the latest revision when a station opens it. One station
migrates at a time; the others wait, then find nothing left to do.

A database created before migrations existed (``metadata.create_all``, no ``alembic_version``
table) is recognised by its tables and stamped as the baseline revision, then upgraded.

Adding a migration: ``python -m cagettes.migrations new "what changes"`` (see ``__main__``).
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from cagettes import db
from cagettes.errors import DatabaseError

HERE = Path(__file__).resolve().parent
BASELINE = "0001"  # the schema that metadata.create_all() made before migrations existed
# Any fixed number: stations migrating one PostgreSQL database queue on it.
PG_MIGRATION_LOCK = 0x636167657474


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    return scripts().get_current_head()


def current(conn: sa.Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Bring the schema to the head revision; one query when it is there already."""
    target = head()
    with engine.connect() as conn:
        if current(conn) == target:
            return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already excludes other writers
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(PG_MIGRATION_LOCK)))
        revision = current(conn)  # again: another station may have migrated while we waited
        if revision is None and ours(conn):
            check_legacy(conn)
            command.stamp(alembic_config(conn), BASELINE)
        elif revision is not None and not known(revision):
            raise DatabaseError(newer_message(revision))
        command.upgrade(alembic_config(conn), "head")


def known(revision: str) -> bool:
    return any(script.revision == revision for script in scripts().walk_revisions())


def ours(conn: sa.Connection) -> set[str]:
    """Tables of cagettes already in a database that has no revision yet."""
    return set(sa.inspect(conn).get_table_names()) & set(db.metadata.tables)


def check_legacy(conn: sa.Connection) -> None:
    """Stamping is only safe when the tables are exactly the baseline's: compare them."""
    expected = baseline_columns()
    found = {name: columns_of(conn, name) for name in expected if sa.inspect(conn).has_table(name)}
    problems = [legacy_problem(name, expected[name], found.get(name)) for name in sorted(expected)]
    problems = [p for p in problems if p]
    if problems:
        url = conn.engine.url.render_as_string(hide_password=True)
        raise DatabaseError(f"La base {url} contient des tables de cagettes sans numéro de version de schéma, "
                            f"et elles ne sont pas celles attendues ({'; '.join(problems)}). Elle n'a pas été "
                            "créée par cagettes : indiquez une base vide ou la base de l'association dans "
                            "[base] url de cagettes.toml.")


def legacy_problem(table: str, expected: set[str], found: set[str] | None) -> str:
    if found is None:
        return f"table {table} absente"
    missing, extra = sorted(expected - found), sorted(found - expected)
    if not missing and not extra:
        return ""
    said = [f"colonnes manquantes {', '.join(missing)}"] if missing else []
    said += [f"colonnes inconnues {', '.join(extra)}"] if extra else []
    return f"table {table} : {', '.join(said)}"


def columns_of(conn: sa.Connection, table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(conn).get_columns(table)}


def baseline_columns() -> dict[str, set[str]]:
    """Each table of the baseline revision and its columns, from a scratch in-memory database."""
    engine = sa.create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), BASELINE)
            names = [n for n in sa.inspect(conn).get_table_names() if n != "alembic_version"]
            return {name: columns_of(conn, name) for name in names}
    finally:
        engine.dispose()


def newer_message(revision: str) -> str:
    return (f"La base de données a été mise à jour par une version plus récente de cagettes (schéma « {revision} », "
            "inconnu de celle-ci) : installez la même version de cagettes sur ce poste que sur les autres.")
