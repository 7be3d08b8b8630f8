"""Review page: every volunteer decision (who, when, undone or not) and walk-in forms given to a
member.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("scanned_page", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("box", sa.String(length=40), nullable=True),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("reviewer", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(["scanned_page"], ["scanned_pages.id"],
                                name=op.f("fk_review_decisions_scanned_page_scanned_pages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
    )
    op.create_index(op.f("ix_review_decisions_month"), "review_decisions", ["month"], unique=False)
    op.create_index(op.f("ix_review_decisions_scanned_page"), "review_decisions", ["scanned_page"], unique=False)
    op.create_table(
        "walkin_members",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("form", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=10), nullable=False),
        sa.Column("decision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["decision"], ["review_decisions.id"],
                                name=op.f("fk_walkin_members_decision_review_decisions")),
        sa.PrimaryKeyConstraint("month", "form", name=op.f("pk_walkin_members")),
    )


def downgrade() -> None:
    op.drop_table("walkin_members")
    op.drop_table("review_decisions")
