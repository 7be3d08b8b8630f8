"""The closing documents as PDF: supplier purchase orders, site signing sheets, receipts, absentees.

Where they go:
- ``output/<month>/fournisseurs/``: one purchase order per supplier (no personal data);
- ``output/<month>/private/distribution/``: per site, the signing sheet (liste d'émargement) in
  three print sizes with its sorting matrix, the members' receipts, and the members whose form
  did not come back. These hold names: private.

Templates are in ``forms/templates/docs/`` and, like every template, can be overridden from
the workspace's ``templates/`` folder.
"""
from __future__ import annotations

import datetime as dt
import json
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2

from cagettes.closing import summaries
from cagettes.closing.accounts import Account, MonthAccounts
from cagettes.closing.allocation import FAIR_RULE
from cagettes.closing.state import Closing
from cagettes.closing.texts import receipt_texts
from cagettes.core import dates
from cagettes.core.i18n import _, localize
from cagettes.core.paths import MonthPaths, inside, make_dirs, slug
from cagettes.core.private import private_dir, private_file
from cagettes.forms import layout, pictos
from cagettes.forms.templating import render_template, template_file
from cagettes.forms.variants import font_urls

SHEET_SIZES = {"S": "petit", "M": "moyen", "L": "grand"}  # print sizes of the signing sheet
# Products per sorting table at each size: as many as keep their names horizontal and readable
# across a landscape A4 (about 20 mm a column at 10 pt, 26 mm at 16 pt).
MATRIX_COLUMNS = {"S": 12, "M": 10, "L": 8}
PORTRAIT_SITES_AT_MOST = 4  # a purchase order with more delivery sites is printed landscape, a column each


@dataclass(frozen=True)
class Written:
    suppliers: list[Path]
    sheets: list[Path]
    receipts: list[Path]
    absentees: list[Path]

    @property
    def all(self) -> list[Path]:
        return self.suppliers + self.sheets + self.receipts + self.absentees


def write_documents(accounts: MonthAccounts, month_dir: Path, env: jinja2.Environment, jobs: int = 2) -> Written:
    """Templates are filled here; WeasyPrint, the slow part, runs on ``jobs`` processes."""
    suppliers_dir, private = MonthPaths(month_dir).suppliers, MonthPaths(month_dir).distribution
    make_dirs(suppliers_dir)
    private_dir(private)  # names, orders and money
    written = Written([], [], [], [])
    with tempfile.TemporaryDirectory(prefix="cagettes-pictos-") as scratch:
        common = {**common_context(accounts, env), "pictos": png_pictos_by_ref(accounts, Path(scratch))}
        tasks = supplier_tasks(accounts, common, env, suppliers_dir, written)
        for site in accounts.month.sites:
            tasks += site_tasks(accounts, site, {**common, **site_context(accounts, site)}, env, private, written)
        for target, path in zip([t[0] for t in tasks], to_pdfs([t[1] for t in tasks], jobs), strict=False):
            target.append(path)
    for path in written.sheets + written.receipts + written.absentees:
        private_file(path)
    return written


def supplier_tasks(accounts: MonthAccounts, context: dict, env: jinja2.Environment, folder: Path,
                   written: Written) -> list[tuple[list, "PdfJob"]]:
    return [(written.suppliers, page(env, "docs/supplier_order.html",
                                     {**context, "order": o, "landscape": len(o.sites) > PORTRAIT_SITES_AT_MOST},
                                     inside(folder, f"bon-de-commande-{slug(o.supplier.code)}.pdf", o.supplier.code)))
            for o in summaries.supplier_orders(accounts)]


def site_tasks(accounts: MonthAccounts, site, context: dict, env: jinja2.Environment, private: Path,
               written: Written) -> list[tuple[list, "PdfJob"]]:
    def path(kind: str, size: str = "") -> Path:
        return inside(private, f"{kind}-{slug(site.code)}{'-' if size else ''}{size}.pdf", site.code)

    tasks = [(written.sheets, page(env, "docs/signing_sheet.html",
                                   {**context, "size": size, "matrices": sorting_matrices(accounts, site.code, size)},
                                   path("emargement", size))) for size in SHEET_SIZES]
    receipts = [receipt(a, accounts, context["pictos"]) for a in accounts.of_site(site.code)]
    tasks.append((written.receipts, page(env, "docs/receipts.html", {**context, "receipts": receipts}, path("recus"))))
    tasks.append((written.absentees, page(env, "docs/not_returned.html", context, path("sans-bon"))))
    return tasks


def forget_documents(month_dir: Path) -> None:
    """Before writing: until every document is written again, the month's documents are not whole."""
    MonthPaths(month_dir).documents_record.unlink(missing_ok=True)


def record_documents(month_dir: Path, closing: Closing, written: list[Path]) -> Path:
    """After the last document: which closing they were made from, and the files written."""
    path = MonthPaths(month_dir).documents_record
    files = [str(p.relative_to(month_dir)) for p in written]
    path.write_text(json.dumps({"closed_at": closing.closed_at.isoformat(), "files": files}, indent=1), encoding="utf-8")
    return private_file(path)


def missing_documents(month_dir: Path, closing: Closing) -> list[Path]:
    """What is missing of the documents of ``closing``: nothing, the files deleted since, or the
    record itself when they were never all written for this closing (a crash, a broken template)."""
    path = MonthPaths(month_dir).documents_record
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        made_for = dt.datetime.fromisoformat(record["closed_at"])
        files = [month_dir / name for name in record["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return [path]
    if made_for != closing.closed_at:
        return [path]
    return [p for p in files if not p.is_file()]


@dataclass(frozen=True)
class PdfJob:
    html: str
    base: str  # folder that relative URLs in the HTML start from
    path: Path


def page(env: jinja2.Environment, template: str, context: dict, path: Path) -> PdfJob:
    return PdfJob(render_template(env, template, **context), str(template_file(env, template).parent), path)


def to_pdf(job: PdfJob) -> Path:
    layout.render(job.html, job.base).write_pdf(job.path)
    return job.path


def to_pdfs(pdf_jobs: list[PdfJob], workers: int) -> list[Path]:
    if workers <= 1 or len(pdf_jobs) < 2:
        return [to_pdf(job) for job in pdf_jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(to_pdf, pdf_jobs))


def common_context(accounts: MonthAccounts, env: jinja2.Environment) -> dict:
    month = accounts.month
    return {
        "month": month,
        "month_label": dates.month_name(*month.year_month, "fr"),
        "association": month.association,
        "order_date": dates.long_date(month.supplier_order_date, "fr"),
        "deliveries": {code: dates.long_slot(d.date, d.opens, d.closes, "fr") for code, d in month.deliveries.items()},
        "closing": accounts.closing,
        "fonts": font_urls(),
        "stylesheet": template_file(env, "docs/docs.css").as_uri(),
        "picto_credit": pictos.CREDIT,
        "fair_rule": localize(FAIR_RULE),
        "pictos": {p.ref: pictos.picto_url(p.picto) for p in month.products},  # SVG, for HTML pages
        "cut_reasons": {ref: a.cut_reason for ref, a in accounts.allocation.products.items()},
    }


def site_context(accounts: MonthAccounts, site) -> dict:
    site_accounts = sorted(accounts.of_site(site.code), key=sort_key)
    return {
        "site": site,
        "rows": [sheet_row(a, summaries.short_labels(accounts.month.products)) for a in site_accounts],
        "absent": summaries.not_returned(accounts, site.code),
    }


def sorting_matrices(accounts: MonthAccounts, site: str, size: str) -> list[dict]:
    """The sorting tables of a site at a print size: only what is handed over there, and in each
    table only the members who get one of its products (a column or a row of zeros sorts nothing)."""
    site_accounts = sorted(accounts.of_site(site), key=sort_key)
    products = summaries.products_of_site(accounts, site)
    totals = summaries.site_column_totals(site_accounts, products)
    delivered = [p for p in products if totals[p.ref]]
    rows = [(identity(a), summaries.given_of(a)) for a in site_accounts]
    matrices = []
    for chunk in summaries.matrix_chunks(delivered, MATRIX_COLUMNS[size]):
        matrices.append({"products": chunk, "totals": {p.ref: totals[p.ref] for p in chunk},
                         "rows": [(a, given) for a, given in rows if any(p.ref in given for p in chunk)]})
    return matrices


def sort_key(account: Account) -> tuple:
    """By name; a walk-in form given to a member among the names, where volunteers look for them."""
    member = account.member
    return (0, *member.sort_key) if member else (1, "", str(account.slot.number))


def who(account: Account) -> str:
    """The name volunteers look for at the pickup; a walk-in form given to a member shows both."""
    if account.slot.member:
        return account.slot.member.display_name
    walkin = _("Bon libre n° {number}", number=account.slot.number)
    return f"{account.member.display_name} ({walkin})" if account.member else walkin


def identity(account: Account) -> dict:
    """Who a line of a document is for: member number, name, form number."""
    return {"number": account.member_number, "who": who(account), "form": account.slot.number}


def sheet_row(account: Account, labels: dict[str, str]) -> dict:
    return {
        "account": account,
        **identity(account),
        "goods": [(l.given, labels[l.product.ref]) for l in account.lines if l.given],
        "cuts": [(l.cut, labels[l.product.ref], l.product.ref) for l in account.lines if l.cut],
    }


def receipt(account: Account, accounts: MonthAccounts, picto_urls: dict[str, str]) -> dict:
    lang = account.slot.lang
    return {
        "account": account,
        "lang": lang,
        "t": receipt_texts(lang),
        "who": who(account),
        "lines": [{"line": l, "picto": picto_urls[l.product.ref]} for l in account.lines],
        "month_label": dates.month_name(*accounts.month.year_month, lang),
        "pickup": dates.long_slot(*delivery_parts(accounts, account), lang),
    }


def delivery_parts(accounts: MonthAccounts, account: Account) -> tuple[dt.date, dt.time, dt.time]:
    d = accounts.month.deliveries[account.slot.site]
    return d.date, d.opens, d.closes


def png_pictos_by_ref(accounts: MonthAccounts, folder: Path) -> dict[str, str]:
    products = accounts.month.products
    urls = pictos.png_pictos((p.picto for p in products), folder)
    return {p.ref: urls[p.picto] for p in products}
