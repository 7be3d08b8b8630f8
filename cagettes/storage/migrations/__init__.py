"""Schema migrations (Alembic), shipped inside the package.

:func:`cagettes.storage.connect` calls :func:`upgrade`: every database, SQLite file or shared
PostgreSQL server, is brought to the latest revision when a station opens it. One station
migrates at a time; the others wait, then find nothing left to do.

A database created before migrations existed (``metadata.create_all``, no ``alembic_version``
table) is recognised by its tables and stamped with the revision of its time, then upgraded.

Adding a migration: ``python -m cagettes.storage.migrations new "what changes"`` (see ``__main__``).
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from cagettes.core.errors import DatabaseError
from cagettes.core.i18n import N_
from cagettes.storage import db

HERE = Path(__file__).resolve().parent
# The schemas that metadata.create_all() made before migrations existed, oldest first: a
# database of that time has exactly the tables and columns of one of them.
CREATE_ALL_ERA = ("0001", "0002")
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
    current = scripts().get_current_head()
    assert current is not None, "the package ships its migrations: there is always a head"
    return current


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
            command.stamp(alembic_config(conn), legacy_revision(conn))
        elif revision is not None and not known(revision):
            raise newer_schema(revision)
        command.upgrade(alembic_config(conn), "head")


def known(revision: str) -> bool:
    return any(script.revision == revision for script in scripts().walk_revisions())


def ours(conn: sa.Connection) -> set[str]:
    """Tables of cagettes already in a database that has no revision yet."""
    return set(sa.inspect(conn).get_table_names()) & set(db.metadata.tables)


def legacy_revision(conn: sa.Connection) -> str:
    """The revision whose tables and columns are exactly those of a database made by
    ``create_all``: stamping it is then safe. Anything else is refused, nothing changed."""
    schemas = create_all_schemas()
    known_tables = set().union(*schemas.values())
    found = {name: columns_of(conn, name) for name in sa.inspect(conn).get_table_names() if name in known_tables}
    for revision, tables in schemas.items():
        if tables == found:
            return revision
    closest = min(schemas.values(), key=lambda tables: len(differences(tables, found)))
    url = conn.engine.url.render_as_string(hide_password=True)
    raise DatabaseError(N_("La base {url} contient des tables de cagettes sans numéro de version de schéma, et "
                           "elles ne sont pas celles attendues ({differences}). Elle n'a pas été créée par cagettes : "
                           "indiquez une base vide ou la base de l'association dans [base] url de cagettes.toml."),
                        params={"url": url, "differences": "; ".join(differences(closest, found))})


def differences(expected: dict[str, set[str]], found: dict[str, set[str]]) -> list[str]:
    said = [f"table {name} inattendue" for name in sorted(set(found) - set(expected))]
    for name in sorted(expected):
        if name not in found:
            said.append(f"table {name} absente")
            continue
        missing, extra = sorted(expected[name] - found[name]), sorted(found[name] - expected[name])
        columns = [f"colonnes manquantes {', '.join(missing)}"] if missing else []
        columns += [f"colonnes inconnues {', '.join(extra)}"] if extra else []
        said += [f"table {name} : {', '.join(columns)}"] if columns else []
    return said


def columns_of(conn: sa.Connection, table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(conn).get_columns(table)}


def create_all_schemas() -> dict[str, dict[str, set[str]]]:
    """Tables and columns at each revision of CREATE_ALL_ERA, from a scratch in-memory database."""
    engine = sa.create_engine("sqlite://")
    schemas = {}
    try:
        with engine.begin() as conn:
            for revision in CREATE_ALL_ERA:
                command.upgrade(alembic_config(conn), revision)
                names = [n for n in sa.inspect(conn).get_table_names() if n != "alembic_version"]
                schemas[revision] = {name: columns_of(conn, name) for name in names}
    finally:
        engine.dispose()
    return schemas


def newer_schema(revision: str) -> DatabaseError:
    return DatabaseError(N_("La base de données a été mise à jour par une version plus récente de cagettes (schéma "
                            "« {revision} », inconnu de celle-ci) : installez la même version de cagettes sur ce poste "
                            "que sur les autres."), params={"revision": revision})
