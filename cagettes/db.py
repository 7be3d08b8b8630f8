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


def connect(url: str) -> sa.Engine:
    engine = sa.create_engine(url, future=True)
    metadata.create_all(engine)
    return engine
