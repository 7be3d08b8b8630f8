"""Closing the month: frozen orders, whole cases shared fairly, money, documents and dashboards.

Public API (the rest of the package is private)::

    close_month(engine, month, by, force=False)      freeze the orders at the deadline
    reopen_month(engine, month_key, by, reason)       explicit, recorded
    record_payment(engine, month, form, Payment, by)  a coordinator's correction
    payment_form(month, form, member)                 the form a payment is for (by form or member number)
    payment_method(text)                              a payment mode as people type it, normalised
    month_accounts(engine, month)                     allocation and money per returned form
    write_all(engine, accounts, month_dir, env)       every PDF, spreadsheet and the private dashboard
    public_stats(accounts)                            aggregates only, for the public site
"""
from __future__ import annotations

from pathlib import Path

import jinja2
import sqlalchemy as sa

from cagettes.closing.accounts import (
    MonthAccounts,
    Payment,
    month_accounts,
    payment_form,
    payment_method,
    record_payment,
)
from cagettes.closing.dashboards import public_stats, write_private_dashboard
from cagettes.closing.documents import write_documents
from cagettes.closing.spreadsheets import write_spreadsheets
from cagettes.closing.state import close_month, current_closing, late_pages, pending_review, reopen_month

__all__ = ["MonthAccounts", "Payment", "close_month", "current_closing", "late_pages", "month_accounts",
           "payment_form", "payment_method", "pending_review", "public_stats", "record_payment", "reopen_month", "write_all"]


def write_all(engine: sa.Engine, accounts: MonthAccounts, month_dir: Path, env: jinja2.Environment,
              jobs: int = 2) -> list[Path]:
    written = write_documents(accounts, month_dir, env, jobs).all
    written += write_spreadsheets(accounts, month_dir)
    written.append(write_private_dashboard(accounts, engine, month_dir, env))
    return written
