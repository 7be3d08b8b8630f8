"""The migrations make exactly the tables of cagettes/storage/db.py, on SQLite and on PostgreSQL, and
every database, new, current or made before migrations existed, is brought to the head."""
from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.command import stamp
from alembic.runtime.migration import MigrationContext

from cagettes import storage
from cagettes.core.errors import DatabaseError
from cagettes.storage import db, migrations
from cagettes.storage.migrations import __main__ as new_migration
from tests.backends import BOTH_BACKENDS

DATA = Path(__file__).parent / "data"


def predicate(text) -> str:
    """A partial index's WHERE, as both backends would agree: PostgreSQL adds casts and brackets."""
    return re.sub(r"::\w+|[()\s]", "", str(text)).lower()


def partial_indexes(conn) -> dict[str, str]:
    found = {}
    for table in sa.inspect(conn).get_table_names():
        for index in sa.inspect(conn).get_indexes(table):
            where = {k: v for k, v in index.get("dialect_options", {}).items() if k.endswith("_where")}
            for v in where.values():  # one partial predicate an index
                found[index["name"]] = predicate(v)
    return found


def declared_partial_indexes(dialect: str) -> dict[str, str]:
    return {index.name: predicate(index.dialect_options[dialect]["where"])
            for table in db.metadata.tables.values() for index in table.indexes
            if index.dialect_options[dialect]["where"] is not None}


@BOTH_BACKENDS
def test_the_migrations_head_is_exactly_the_tables_of_db_py(database_url):
    """Fails for whoever changes cagettes/storage/db.py without a migration (README: Changing the database)."""
    engine = storage.connect(database_url)
    with engine.connect() as conn:
        assert migrations.current(conn) == migrations.head()
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
        # compare_metadata does not look at the WHERE of a partial index: compared here.
        assert partial_indexes(conn) == declared_partial_indexes(conn.dialect.name)
        assert partial_indexes(conn)  # the comparison above compared something


def test_one_line_of_migrations():
    """Two branches that each add a migration after the same one must be put back in line."""
    assert len(migrations.scripts().get_heads()) == 1


@BOTH_BACKENDS
def test_the_database_keeps_one_counted_scan_per_printed_page(database_url):
    engine = storage.connect(database_url)

    def insert(sha: str, **values):
        row = {"month": "2026-12", "sha256": sha, "source": f"{sha}.png", "scanned_at": sa.func.now(),
               "outcome": "accepted", "reason": "", "detail": "", "review_reasons": [], "form": 3, "page": 1}
        with engine.begin() as conn:
            conn.execute(db.scanned_pages.insert().values(**{**row, **values}))

    insert("a")
    insert("b", outcome="rejected")  # a rejected scan never counts: no clash
    insert("c", outcome="needs_review", conflict_of=1)  # a conflict never counts either
    insert("d", page=2)
    with pytest.raises(sa.exc.IntegrityError):
        insert("e", outcome="needs_review")


def legacy_database(path: Path, era: str, *rows: str) -> str:
    """A workspace database as cagettes made it before migrations (create_all, no version), at
    the time of revision ``era``: its schema as SQLite received it then, kept in tests/data."""
    with sqlite3.connect(path) as conn:
        conn.executescript((DATA / f"legacy_{era}.sql").read_text(encoding="utf-8") + "".join(rows))
    return f"sqlite:///{path}"


def scan_row(id_: int, sha: str, outcome: str = "accepted") -> str:
    return ("INSERT INTO scanned_pages (id, month, sha256, source, scanned_at, outcome, reason, detail, form, page, "
            f"review_reasons) VALUES ({id_}, '2026-12', '{sha}', '{sha}.png', '2026-12-10 10:00:00', '{outcome}', "
            "'', '', 7, 2, '[\"box_doubtful\"]');")


@pytest.mark.parametrize("era", migrations.CREATE_ALL_ERA)
def test_a_database_made_before_migrations_is_stamped_then_upgraded(tmp_path, era, monkeypatch):
    stamped = []
    monkeypatch.setattr(migrations.command, "stamp", lambda config, revision: stamped.append(revision) or
                        stamp(config, revision))
    # Two scans of one page that both count: what two stations could leave before the unique index.
    url = legacy_database(tmp_path / "cagettes.db", era, scan_row(1, "a"), scan_row(2, "b", "needs_review"),
                          scan_row(3, "c", "rejected"))
    engine = storage.connect(url)
    assert stamped == [era]
    with engine.connect() as conn:
        assert migrations.current(conn) == migrations.head()
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
        rows = conn.execute(sa.select(db.scanned_pages).order_by(db.scanned_pages.c.id)).mappings().all()
    assert [(r["outcome"], r["conflict_of"]) for r in rows] == [("accepted", None), ("needs_review", 1),
                                                                  ("rejected", None)]
    assert rows[1]["reason"] == "conflict" and rows[1]["review_reasons"] == ["conflict", "box_doubtful"]


def test_a_database_with_other_tables_of_the_same_names_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE months (month TEXT PRIMARY KEY, budget REAL)")
    with pytest.raises(DatabaseError) as error:
        storage.connect(f"sqlite:///{path}")
    said = str(error.value)
    assert "table months : colonnes manquantes deadline" in said and "colonnes inconnues budget" in said
    assert "table scanned_pages absente" in said
    with sqlite3.connect(path) as conn:  # nothing was changed
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["months"]


def test_a_database_migrated_by_a_newer_cagettes_is_refused_clearly(tmp_path):
    url = f"sqlite:///{tmp_path / 'cagettes.db'}"
    storage.connect(url).dispose()
    with sqlite3.connect(tmp_path / "cagettes.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")
    with pytest.raises(DatabaseError, match="version plus récente de cagettes.*0999"):
        storage.connect(url)


def test_an_unreachable_server_is_said_with_what_to_check(tmp_path):
    url = f"postgresql://cagettes:secret@/cagettes?host={tmp_path}"  # no server listens there
    with pytest.raises(DatabaseError) as error:
        storage.connect(url)
    assert "[base]" in str(error.value) and "secret" not in str(error.value)


def test_new_writes_the_next_numbered_migration(tmp_path, monkeypatch):
    """The one command of the README, into a copy of the migrations (the package stays as it is)."""
    copy = tmp_path / "migrations"
    shutil.copytree(migrations.HERE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrations, "HERE", copy)
    latest = migrations.head()
    path = new_migration.new("member languages")
    assert path.parent == copy / "versions" and path.name == f"{int(latest) + 1:04d}_member_languages.py"
    text = path.read_text(encoding="utf-8")
    assert f"down_revision = '{latest}'" in text and "op." not in text  # db.py is unchanged: nothing to do
    assert len(migrations.scripts().get_heads()) == 1


def test_a_damaged_sqlite_file_is_said_with_what_to_do(tmp_path):
    path = tmp_path / "cagettes.db"
    path.write_bytes(b"not a database, some other file\n" * 100)
    with pytest.raises(DatabaseError) as error:
        storage.connect(f"sqlite:///{path}")
    said = str(error.value)
    assert "file is not a database" in said and "[base]" in said and "sauvegarde" in said
