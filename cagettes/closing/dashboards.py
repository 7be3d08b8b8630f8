"""The month in numbers: public charts of aggregates only, and the coordinators' detailed page.

``public_stats`` is the only door from the accounts to the public site: it keeps counts per
product and per site and nothing about any one member (no name, no number, no order). The
charts are SVG drawn by matplotlib, text drawn as outlines so that it looks the same in every
browser; each one has a text alternative and a data table beside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from cagettes.closing import summaries
from cagettes.closing.accounts import MonthAccounts
from cagettes.closing.documents import common_context, sheet_row, sort_key
from cagettes.closing.incomplete import incomplete
from cagettes.closing.state import late_pages, pending_review
from cagettes.core.i18n import _
from cagettes.core.paths import MonthPaths
from cagettes.core.private import private_dir, private_file
from cagettes.forms.templating import render_template

CHARTS_DIR = "graphiques"
CHART_FONTS = ["Atkinson Hyperlegible", "DejaVu Sans"]
BAR_COLOUR, LIGHT_COLOUR = "#1a4fd6", "#a9bdf2"


@dataclass(frozen=True)
class ProductStat:
    name: str
    unit: str
    ordered: int
    delivered: int
    case_size: int | None
    cases: int | None
    fill: float | None  # how full the cases would have been with quantities alone


@dataclass(frozen=True)
class SiteStat:
    name: str
    issued: int  # member forms printed
    returned: int  # member forms back in time
    walkins: int  # walk-in forms back in time
    delivered: int  # units handed over


@dataclass(frozen=True)
class PublicStats:
    month: str
    products: tuple[ProductStat, ...]
    sites: tuple[SiteStat, ...]

    @property
    def returned(self) -> int:
        return sum(s.returned for s in self.sites)

    @property
    def issued(self) -> int:
        return sum(s.issued for s in self.sites)

    @property
    def walkins(self) -> int:
        return sum(s.walkins for s in self.sites)


def public_stats(accounts: MonthAccounts) -> PublicStats:
    month, allocation = accounts.month, accounts.allocation
    products = tuple(ProductStat(summaries.product_label(p), p.unit, allocation.products[p.ref].ordered, allocation.products[p.ref].units,
                                 p.case_size, allocation.products[p.ref].cases, allocation.products[p.ref].fill)
                     for p in month.products if p.ref in allocation.products)
    sites = tuple(site_stat(accounts, site) for site in month.sites)
    return PublicStats(month.month, products, sites)


def site_stat(accounts: MonthAccounts, site) -> SiteStat:
    back = accounts.of_site(site.code)
    return SiteStat(site.name, issued=sum(1 for f in accounts.month.forms_of(site.code) if f.member),
                    returned=sum(1 for a in back if a.slot.member), walkins=sum(1 for a in back if not a.slot.member),
                    delivered=sum(l.given for a in back for l in a.lines))


def write_charts(stats: PublicStats, folder: Path) -> list[dict]:
    """The four charts as SVG files; returns title, file and alternative text of each."""
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    folder.mkdir(parents=True, exist_ok=True)
    use_form_font()
    charts = [products_chart(stats), sites_chart(stats), returns_chart(stats), cases_chart(stats)]
    written = []
    for name, title, alt, figure in (c for c in charts if c):
        figure.savefig(folder / f"{name}.svg", format="svg", metadata={"Date": None}, bbox_inches="tight")
        written.append({"title": title, "file": f"{CHARTS_DIR}/{name}.svg", "alt": alt})
        matplotlib.pyplot.close(figure)
    return written


def use_form_font() -> None:
    """The forms' typeface, from its Python package; matplotlib does not know it otherwise."""
    import fontpkg_atkinson_hyperlegible as atkinson
    from matplotlib import font_manager

    for path in sorted((atkinson.ROOT / "files").glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))


def new_figure(rows: int):
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "path", "font.family": CHART_FONTS, "font.size": 13})
    figure, axes = plt.subplots(figsize=(9, max(2.5, 0.42 * rows + 1)))
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def products_chart(stats: PublicStats):
    products = [p for p in stats.products if p.ordered]
    if not products:
        return None
    figure, axes = new_figure(len(products))
    names = [p.name for p in products][::-1]
    axes.barh(names, [p.ordered for p in products][::-1], color=LIGHT_COLOUR, label=_("commandé"))
    axes.barh(names, [p.delivered for p in products][::-1], height=0.5, color=BAR_COLOUR, label=_("livré"))
    axes.set_xlabel(_("unités"))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
    return "produits", _("Commandes par produit"), _("Unités commandées et livrées pour chaque produit."), figure


def sites_chart(stats: PublicStats):
    figure, axes = new_figure(len(stats.sites))
    axes.barh([s.name for s in stats.sites][::-1], [s.delivered for s in stats.sites][::-1], color=BAR_COLOUR)
    axes.set_xlabel(_("unités livrées"))
    return "sites", _("Commandes par site"), _("Unités livrées sur chaque site de retrait."), figure


def returns_chart(stats: PublicStats):
    figure, axes = new_figure(len(stats.sites))
    names = [s.name for s in stats.sites][::-1]
    axes.barh(names, [s.issued for s in stats.sites][::-1], color=LIGHT_COLOUR, label=_("bons distribués"))
    axes.barh(names, [s.returned for s in stats.sites][::-1], height=0.5, color=BAR_COLOUR, label=_("bons nominatifs revenus"))
    axes.set_xlabel(_("bons"))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
    return "bons", _("Bons revenus et bons distribués"), _("Nombre de bons revenus et de bons distribués par site."), figure


def cases_chart(stats: PublicStats):
    filled = [(p.name, 100 * p.fill) for p in stats.products if p.fill is not None]
    if not filled:
        return None
    figure, axes = new_figure(len(filled))
    axes.barh([name for name, _ in filled][::-1], [percent for _, percent in filled][::-1], color=BAR_COLOUR)
    axes.axvline(100, color="#000", linewidth=1)
    axes.set_xlim(0, 105)
    axes.set_xlabel(_("% du dernier carton rempli par les commandes (avant les « +1 »)"))
    return "cartons", _("Remplissage des cartons"), _("Pour chaque produit vendu au carton, la part remplie."), figure


def write_private_dashboard(accounts: MonthAccounts, engine, month_dir: Path, env: jinja2.Environment) -> Path:
    """The coordinators' page: every table, with names. Private: never copied to the site."""
    path = MonthPaths(month_dir).distribution / "tableau-de-bord.html"
    private_dir(path.parent)
    stats = public_stats(accounts)
    context = {**common_context(accounts, env), "stats": stats,
               "orders": summaries.supplier_orders(accounts),
               "sites": [(site, [sheet_row(a, summaries.short_labels(accounts.month.products))
                                 for a in sorted(accounts.of_site(site.code), key=sort_key)],
                          summaries.not_returned(accounts, site.code), accounts.unreturned_of_site(site.code))
                         for site in accounts.month.sites],
               "below_minimum": accounts.allocation.below_minimum, "paid_total": accounts.paid_total,
               "incomplete": incomplete(engine, accounts, month_dir),
               "late": late_pages(engine, accounts.closing), "pending": pending_review(engine, accounts.month.month)}
    path.write_text(render_template(env, "docs/dashboard_private.html", **context), encoding="utf-8")
    return private_file(path)
