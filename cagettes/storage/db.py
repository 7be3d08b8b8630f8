"""The workspace database (SQLite by default, or a shared PostgreSQL server), through SQLAlchemy Core.

Personal data lives here (the month's member snapshot) as well as in the catalog spreadsheets
and in ``output/<month>/private/``; nowhere else.

The tables below are the schema at the latest migration (``cagettes/storage/migrations/versions/``):
a change here needs a new migration (README, "Changing the database"); a test fails until the
migrations and these tables agree.
"""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import sqlalchemy as sa

from cagettes.core.errors import DatabaseError
from cagettes.core.i18n import N_

# Several scanning stations may write at once. SQLite makes a writer wait for the other's
# transaction (one page: milliseconds) for up to this long before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 60_000
# A server that does not answer (wrong address, firewall) is said after this, not after minutes.
PG_CONNECT_TIMEOUT_S = 15
# The workspace's folder of ``cagettes backup``'s copies (cagettes.services.backup).
BACKUPS_DIR = "sauvegardes"
# SQLite's primary result codes, which Python's sqlite3 errors carry (in the low byte of an
# extended code): a file damaged or not SQLite's, and a write lock not released in time.
SQLITE_BUSY, SQLITE_CORRUPT, SQLITE_NOTADB = 5, 11, 26
SQLITE_PRIMARY_CODE_MASK = 0xFF

# Constraint names that do not depend on the backend, so a later migration can name what it drops.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The one scan of a printed page that counts (scan.orders.effective_pages): not rejected, not a
# conflict. At most one per page, enforced by the database so that two stations reading two
# scans of the same page at the same moment cannot both count it.
EFFECTIVE_SCAN = "outcome <> 'rejected' AND conflict_of IS NULL"

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

months = sa.Table(
    "months", metadata,
    sa.Column("month", sa.String(7), primary_key=True),  # YYYY-MM
    sa.Column("status", sa.String(10), nullable=False),  # open | closed
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("forms_date", sa.Date, nullable=False),
    sa.Column("deadline", sa.Date, nullable=False),
    sa.Column("supplier_order_date", sa.Date, nullable=False),
    sa.Column("snapshot", sa.JSON, nullable=False),  # catalog frozen at opening: prices never move
)

forms = sa.Table(
    "forms", metadata,
    sa.Column("month", sa.String(7), sa.ForeignKey("months.month"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("site", sa.String(40), nullable=False),
    sa.Column("member", sa.String(10), nullable=True),  # None for a walk-in form
)

prints = sa.Table(
    "prints", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("month", sa.String(7), sa.ForeignKey("months.month"), nullable=False),
    sa.Column("printed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("manifest", sa.String(500), nullable=False),
)


scanned_pages = sa.Table(
    "scanned_pages", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),  # same image twice: counted once
    sa.Column("source", sa.String(1000), nullable=False),
    sa.Column("source_index", sa.Integer, nullable=True),
    sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),  # accepted | needs_review | rejected
    sa.Column("reason", sa.String(200), nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("page_id", sa.String(60), nullable=True),
    sa.Column("form", sa.Integer, nullable=True),
    sa.Column("page", sa.Integer, nullable=True),
    sa.Column("conflict_of", sa.Integer, nullable=True),  # an earlier scan of the same printed page
    sa.Column("fit_error_mm", sa.Float, nullable=True),
    sa.Column("review_reasons", sa.JSON, nullable=False, default=list),
    sa.Column("overlay", sa.String(1000), nullable=True),
    sa.Column("comment", sa.String(1000), nullable=True),
    sa.Column("kept_image", sa.String(1000), nullable=True),  # rejected pages: the image set aside
    sa.Index("uq_scanned_pages_effective", "month", "form", "page", unique=True,
             sqlite_where=sa.text(EFFECTIVE_SCAN), postgresql_where=sa.text(EFFECTIVE_SCAN)),
)

box_readings = sa.Table(
    "box_readings", metadata,
    sa.Column("scanned_page", sa.Integer, sa.ForeignKey("scanned_pages.id"), primary_key=True),
    sa.Column("box", sa.String(40), primary_key=True),
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reason", sa.String(20), nullable=False, default=""),
)

page_lines = sa.Table(
    "page_lines", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scanned_page", sa.Integer, sa.ForeignKey("scanned_pages.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("product", sa.String(40), nullable=True),
    sa.Column("value", sa.String(40), nullable=True),
    sa.Column("status", sa.String(12), nullable=False),  # confirmed | doubtful
    sa.Column("reason", sa.String(40), nullable=False, default=""),
    sa.Column("boxes", sa.JSON, nullable=False, default=list),
)

# Closing a month freezes its orders; reopening is a new row's end, never an erasure.
closings = sa.Table(
    "closings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("month", sa.String(7), sa.ForeignKey("months.month"), nullable=False, index=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_by", sa.String(100), nullable=False),
    sa.Column("forced", sa.Boolean, nullable=False, default=False),
    sa.Column("pending", sa.JSON, nullable=False, default=list),  # pages still in review when forced
    sa.Column("orders", sa.JSON, nullable=False),  # the frozen order lines, per form
    sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("reopened_by", sa.String(100), nullable=True),
    sa.Column("reopen_reason", sa.String(500), nullable=True),
)

# Payments typed in by a coordinator (corrections, split payments). A form with any row here is
# settled by these rows alone; otherwise its scanned payment box counts.
payments = sa.Table(
    "payments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("month", sa.String(7), sa.ForeignKey("months.month"), nullable=False, index=True),
    sa.Column("form", sa.Integer, nullable=False),
    sa.Column("method", sa.String(30), nullable=False),  # especes | cheque | cheque_alimentaire | avoir
    sa.Column("scheme", sa.String(100), nullable=False, default=""),  # food vouchers: which scheme or funder
    sa.Column("amount", sa.Numeric(10, 2), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("note", sa.String(500), nullable=False, default=""),
    sa.Column("cancelled", sa.Boolean, nullable=False, default=False),
)

# The review page (scan/review.py): every volunteer decision, who made it and when. A decision
# is never deleted: undoing it stamps ``undone_at``. ``before`` holds what a page-wide decision
# (reject, keep one of two scans, assign a walk-in form) changed, so that undoing restores it.
review_decisions = sa.Table(
    "review_decisions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("month", sa.String(7), nullable=False, index=True),
    sa.Column("scanned_page", sa.Integer, sa.ForeignKey("scanned_pages.id"), nullable=False, index=True),
    sa.Column("action", sa.String(12), nullable=False),  # box | accept | reject | assign | keep_scan
    sa.Column("box", sa.String(40), nullable=True),
    sa.Column("value", sa.String(200), nullable=True),  # box state, reason, member number, kept scan id
    sa.Column("before", sa.JSON, nullable=False, default=dict),
    sa.Column("reviewer", sa.String(80), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("undone_by", sa.String(80), nullable=True),
)

# A walk-in form a volunteer gave to a member: its order lines are that member's.
walkin_members = sa.Table(
    "walkin_members", metadata,
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("form", sa.Integer, primary_key=True),
    sa.Column("member", sa.String(10), nullable=False),
    sa.Column("decision", sa.Integer, sa.ForeignKey("review_decisions.id"), nullable=False),
)


def fit(table: sa.Table, row: dict) -> dict:
    """Texts cut to their column's length: PostgreSQL refuses a longer one where SQLite keeps it
    (a foreign QR code's text in ``page_id``), and one odd page must not stop a batch."""
    def cut(name, value):
        length = getattr(table.c[name].type, "length", None)
        return value[:length] if isinstance(value, str) and length else value

    return {name: cut(name, value) for name, value in row.items()}


def make_engine(url: str | sa.URL, backups: Path | None = None) -> sa.Engine:
    """``backups``: the folder of this database's copies, named when SQLite finds it damaged."""
    url = sa.make_url(url)
    if url.drivername == "postgresql":  # SQLAlchemy would pick psycopg2; psycopg 3 is what we ship
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() != "sqlite":
        timeout = {} if "connect_timeout" in url.query else {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        return sa.create_engine(url, pool_pre_ping=True, connect_args=timeout)  # pre-ping: a server restart
    engine = sa.create_engine(url)
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    sa.event.listen(engine, "handle_error", partial(_said_plainly, url, backups or Path(BACKUPS_DIR)))
    return engine


def _said_plainly(url: sa.URL, backups: Path, context: sa.engine.ExceptionContext) -> None:
    # Every query of every command goes through here: a damaged page or a long-held lock found
    # in the middle of one is said in words, whatever the command was doing.
    trouble = sqlite_trouble(url, context.original_exception, backups)
    if trouble is not None:
        raise trouble from context.original_exception


def sqlite_trouble(url: sa.URL, error: BaseException, backups: Path) -> DatabaseError | None:
    """What to tell about a SQLite ``error`` of the file at ``url``; None for another error."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = None if code is None else code & SQLITE_PRIMARY_CODE_MASK
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(url, str(error).strip().splitlines()[0], backups)
    if primary == SQLITE_BUSY:
        return DatabaseError(BUSY, params={"path": file_of(url), "seconds": SQLITE_BUSY_TIMEOUT_MS // 1000})
    return None


def damaged(url: sa.URL, cause: str, backups: Path) -> DatabaseError:
    """The SQLite file at ``url`` cannot be read whole (``cause``: what SQLite found)."""
    return DatabaseError(DAMAGED, params={"path": file_of(url), "cause": cause, "backups": backups})


def file_of(url: sa.URL) -> str:
    return os.path.abspath(url.database or "")


DAMAGED = N_("La base de données {path} est abîmée ({cause}) : cagettes ne peut plus la lire. Arrêtez cagettes sur "
             "tous les postes, puis remplacez ce fichier par la plus récente des sauvegardes faites par « cagettes "
             "backup », dans {backups} (supprimez aussi {path}-wal et {path}-shm s'ils existent). Si ce fichier n'est "
             "pas la base de cagettes, corrigez « url » dans la section [base] de cagettes.toml.")
BUSY = N_("La base de données {path} est occupée : un autre poste ou une autre commande y écrit depuis plus de "
          "{seconds} s. Attendez un moment, puis réessayez la commande.")


def _sqlite_connect(dbapi_connection, _record) -> None:
    # The driver's own BEGIN is deferred: a transaction that reads, then writes, fails at once
    # with "database is locked" when another station wrote in between, whatever the timeout.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    # WAL: a commit is one append to a log, and a program only reading the file (a backup, the
    # sqlite3 shell) never blocks the stations, nor they it.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # Every transaction takes the write lock first, waiting for it if need be: reads too, so
    # that no read-then-write transaction is forgotten. Keep transactions short (one page).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def unreachable(url: sa.URL, error: Exception) -> DatabaseError:
    cause = str(getattr(error, "orig", error)).strip().splitlines()[0]
    where = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        text = N_("Impossible d'ouvrir la base de données {url} : {cause}. Vérifiez « url » dans la section [base] de "
                  "cagettes.toml, et que ce fichier est bien la base de cagettes (s'il est abîmé, remettez-en une "
                  "sauvegarde).")
    else:
        text = N_("Impossible d'ouvrir la base de données {url} : {cause}. Vérifiez « url » dans la section [base] de "
                  "cagettes.toml, et pour PostgreSQL, que le serveur est démarré et joignable depuis ce poste.")
    return DatabaseError(text, params={"url": where, "cause": cause})
