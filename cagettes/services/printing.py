"""Printing a month (forms, bundles, posters) and writing its public site."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from cagettes.closing import month_accounts, public_stats
from cagettes.closing.state import current_closing
from cagettes.core import private
from cagettes.core.month import MonthData
from cagettes.forms import bundles
from cagettes.forms.bundles import summary_lines
from cagettes.forms.templating import make_env
from cagettes.site import build as site
from cagettes.storage import db
from cagettes.storage.workspace import Workspace

Progress = Callable[[str, int], None]
__all__ = ["build_site", "print_month", "print_posters", "summary_lines"]


def options(workspace: Workspace, jobs: int, what: str = "bundles") -> bundles.PrintOptions:
    """The printing stage's options (cagettes.forms.bundles.DEFAULT_OPTIONS) for this workspace."""
    return {"jobs": jobs, "template_dir": workspace.templates_dir, "site_url": workspace.config.public_site_url,
            "what": what}


def print_month(workspace: Workspace, data: MonthData, jobs: int = 2, what: str = "bundles",
                progress: Progress | None = None) -> bundles.PrintResult:
    """Print the month's forms (``what``: "bundles" or "forms"), record it, write its summary."""
    result = bundles.print_month(data, workspace.month_dir(data.month), options(workspace, jobs, what),
                                 progress=progress)
    record_print(workspace, result)
    write_summary(workspace, result)
    return result


def record_print(workspace: Workspace, result: bundles.PrintResult) -> None:
    with workspace.engine().begin() as conn:
        conn.execute(db.prints.insert().values(month=result.month, printed_at=dt.datetime.now(dt.timezone.utc),
                                               pages=result.pages, manifest=str(result.manifest_path)))


def write_summary(workspace: Workspace, result: bundles.PrintResult) -> Path:
    path = workspace.paths(result.month).print_summary
    path.write_text("\n".join(summary_lines(result)) + "\n", encoding="utf-8")
    return private.private_file(path)


def print_posters(workspace: Workspace, data: MonthData, jobs: int = 2) -> Path:
    """Each site's posters, in output/<month>/public/."""
    bundles.print_posters(data, workspace.month_dir(data.month), options(workspace, jobs))
    return workspace.paths(data.month).public


def build_site(workspace: Workspace, data: MonthData) -> list[Path]:
    """The public site of the month: no name, no member number, no order of anyone."""
    out = workspace.month_dir(data.month)
    downloads = bundles.existing_downloads(data, out) or bundles.print_posters(data, out, options(workspace, 1))
    return site.build_site(data, workspace.paths(data.month).site, make_env(workspace.templates_dir), downloads,
                           dashboard=month_numbers(workspace, data))


def month_numbers(workspace: Workspace, data: MonthData):
    """The public aggregates of a closed month; None while it is open."""
    engine = workspace.engine()
    if current_closing(engine, data.month) is None:
        return None
    return public_stats(month_accounts(engine, data))
