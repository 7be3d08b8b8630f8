"""Baseline: the tables that metadata.create_all() made before migrations existed.

A database of that time has these tables and no alembic_version table: cagettes.storage.migrations
recognises it and stamps it with this revision instead of running it.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "months",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("forms_date", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("supplier_order_date", sa.Date(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_months")),
    )
    op.create_table(
        "scanned_pages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("source_index", sa.Integer(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("page_id", sa.String(length=60), nullable=True),
        sa.Column("form", sa.Integer(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("conflict_of", sa.Integer(), nullable=True),
        sa.Column("fit_error_mm", sa.Float(), nullable=True),
        sa.Column("review_reasons", sa.JSON(), nullable=False),
        sa.Column("overlay", sa.String(length=1000), nullable=True),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("kept_image", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scanned_pages")),
        sa.UniqueConstraint("sha256", name=op.f("uq_scanned_pages_sha256")),
    )
    op.create_table(
        "box_readings",
        sa.Column("scanned_page", sa.Integer(), nullable=False),
        sa.Column("box", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["scanned_page"], ["scanned_pages.id"],
                                name=op.f("fk_box_readings_scanned_page_scanned_pages")),
        sa.PrimaryKeyConstraint("scanned_page", "box", name=op.f("pk_box_readings")),
    )
    op.create_table(
        "forms",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=40), nullable=False),
        sa.Column("member", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["month"], ["months.month"], name=op.f("fk_forms_month_months")),
        sa.PrimaryKeyConstraint("month", "number", name=op.f("pk_forms")),
    )
    op.create_table(
        "page_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scanned_page", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("product", sa.String(length=40), nullable=True),
        sa.Column("value", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("boxes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["scanned_page"], ["scanned_pages.id"],
                                name=op.f("fk_page_lines_scanned_page_scanned_pages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_lines")),
    )
    op.create_index(op.f("ix_page_lines_scanned_page"), "page_lines", ["scanned_page"], unique=False)
    op.create_table(
        "prints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("manifest", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["month"], ["months.month"], name=op.f("fk_prints_month_months")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prints")),
    )


def downgrade() -> None:
    for table in ("prints", "page_lines", "forms", "box_readings", "scanned_pages", "months"):
        op.drop_table(table)
