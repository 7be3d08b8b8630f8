"""One effective scan per printed page, enforced by the database.

Two stations may read two different scans of the same printed page at the same moment; each
checks that no scan of that page counts yet, then inserts. This unique index over the scans
that count (not rejected, not a conflict) makes the second insert fail, and the pipeline then
records that scan as a conflict. Scans recorded before the index existed that would break it
become conflicts of the first one, as the pipeline would have recorded them.

SQLite files made before migrations hold the unique constraint on sha256 without a name: the
table is rebuilt with its name, as a new database has it, so that later migrations can name it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

NAMING_CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s"}

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

EFFECTIVE = "outcome <> 'rejected' AND conflict_of IS NULL"
pages = sa.table("scanned_pages", sa.column("id", sa.Integer), sa.column("month", sa.String),
                 sa.column("form", sa.Integer), sa.column("page", sa.Integer), sa.column("outcome", sa.String),
                 sa.column("reason", sa.String), sa.column("conflict_of", sa.Integer),
                 sa.column("review_reasons", sa.JSON))


def upgrade() -> None:
    mark_later_scans_as_conflicts(op.get_bind())
    name_the_unique_sha256(op.get_bind())
    op.create_index("uq_scanned_pages_effective", "scanned_pages", ["month", "form", "page"], unique=True,
                    sqlite_where=sa.text(EFFECTIVE), postgresql_where=sa.text(EFFECTIVE))


def mark_later_scans_as_conflicts(conn) -> None:
    rows = conn.execute(sa.select(pages).where(sa.text(EFFECTIVE)).order_by(pages.c.id)).mappings().all()
    first: dict[tuple, int] = {}
    for row in rows:
        key = (row["month"], row["form"], row["page"])
        if row["form"] is None or key not in first:  # NULLs never clash in a unique index
            first.setdefault(key, row["id"])
            continue
        conn.execute(pages.update().where(pages.c.id == row["id"]).values(
            outcome="needs_review", reason="conflict", conflict_of=first[key],
            review_reasons=["conflict"] + list(row["review_reasons"] or [])))


def name_the_unique_sha256(conn) -> None:
    if None not in [u["name"] for u in sa.inspect(conn).get_unique_constraints("scanned_pages")]:
        return
    with op.batch_alter_table("scanned_pages", recreate="always", naming_convention=NAMING_CONVENTION):
        pass  # the table is copied, its reflected constraints named by the convention


def downgrade() -> None:
    op.drop_index("uq_scanned_pages_effective", table_name="scanned_pages")
