"""What a month carries over from the month before it: members' credits, and what they bought
(the forms ask whether they liked it). Known only once that month is closed."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from cagettes.closing.accounts import month_accounts
from cagettes.closing.state import current_closing
from cagettes.core.config import Config
from cagettes.core.month import MonthData
from cagettes.storage import months


def load_month(engine: sa.Engine, config: Config, month: str | None = None) -> MonthData:
    """The month as printed, with what the month before it carried over."""
    data = months.load_month(engine, config, month)
    credits, bought = carried_over(engine, config, months.previous_month(data.month))
    return dataclasses.replace(data, credits=credits, last_month=bought)


def carried_over(engine: sa.Engine, config: Config, month: str) -> tuple[dict, dict]:
    """Credits and products bought from ``month``, once it is closed; nothing before that."""
    if current_closing(engine, month) is None:
        return {}, {}
    accounts = month_accounts(engine, load_month(engine, config, month))
    return accounts.credits(), accounts.delivered_refs()
