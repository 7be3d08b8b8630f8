"""The demo: the whole month on the sample association, from opening to the public site.

It calls the same services as the commands, in the order a month runs, and tells a
:class:`DemoReport` what happened at each step (the command line prints it).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from cagettes.closing.state import Closing, current_closing, pending_review
from cagettes.core.model import Catalog
from cagettes.core.month import MonthData
from cagettes.forms.bundles import PrintResult
from cagettes.scan import pipeline
from cagettes.services import closing, months, printing, scanning
from cagettes.services.workspace import load_catalog, open_or_init
from cagettes.simulate.returns import simulate_returns
from cagettes.storage.workspace import Workspace


class DemoReport(Protocol):
    """What the demo says as it goes: one method per step."""

    def catalog(self, workspace: Workspace, catalog: Catalog) -> None: ...
    def month(self, workspace: Workspace, data: MonthData, opened: bool) -> None: ...
    def printed(self, workspace: Workspace, result: PrintResult) -> None: ...
    def returns(self, workspace: Workspace, count: int) -> None: ...
    def scanned(self, workspace: Workspace, result: scanning.ScanResult) -> None: ...
    def closed(self, workspace: Workspace, data: MonthData, closing: Closing | None, pending: int) -> None: ...
    def documents(self, workspace: Workspace, documents: closing.Documents) -> None: ...
    def site(self, workspace: Workspace, data: MonthData, written: list[Path], result: PrintResult) -> None: ...


def next_month(today: dt.date) -> str:
    return f"{today.year + today.month // 12:04d}-{today.month % 12 + 1:02d}"


def run_demo(directory: Path, report: DemoReport, month: str | None = None, jobs: int = 2,
             lang: str | None = None, progress: printing.Progress | None = None) -> Workspace:
    """Open (or reuse) the month, print it, simulate the returns, scan, close, write everything."""
    workspace = open_or_init(directory, lang)
    catalog = load_catalog(workspace, lang)
    report.catalog(workspace, catalog)
    data, opened = months.open_or_reuse(workspace, catalog, month or next_month(dt.date.today()))
    report.month(workspace, data, opened)
    result = printing.print_month(workspace, data, jobs, progress=progress)
    report.printed(workspace, result)
    scan_returns(workspace, data, workspace.paths(data.month).manifest, jobs, report)
    report.documents(workspace, closing.write_documents(workspace, data))
    report.site(workspace, data, printing.build_site(workspace, data), result)
    return workspace


def scan_returns(workspace: Workspace, data: MonthData, manifest_path: Path, jobs: int, report: DemoReport) -> None:
    """Forms come back and are scanned, then the month is closed; once only: a closed demo month
    is left as it is."""
    engine = workspace.engine()
    if current_closing(engine, data.month) is not None:
        report.closed(workspace, data, None, 0)
        return
    report.returns(workspace, simulate_returns(Path(manifest_path), workspace.inbox))
    files = sorted(workspace.inbox.glob("demo-*.jpg"))
    report.scanned(workspace, scanning.scan_batch(workspace, data, files, jobs))
    pipeline.archive(files, workspace.inbox)
    pending = len(pending_review(engine, data.month))
    report.closed(workspace, data, closing.close_month(workspace, data, "démo", force=True), pending)
