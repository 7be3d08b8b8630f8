"""The workspace database (SQLite by default), through SQLAlchemy Core.

Personal data lives here (the month's member snapshot) as well as in the catalog spreadsheets
and in ``output/<month>/private/``; nowhere else.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

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


def connect(url: str) -> sa.Engine:
    engine = sa.create_engine(url, future=True)
    metadata.create_all(engine)
    return engine
