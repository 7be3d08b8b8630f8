"""Printing a month (forms, bundles, posters) and writing its public site."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cagettes.closing import month_accounts, public_stats
from cagettes.closing.state import current_closing
from cagettes.core import private
from cagettes.core.errors import CatalogError, MonthError
from cagettes.core.i18n import DEFAULT_LANG, N_, _
from cagettes.core.members import member_number
from cagettes.core.model import Catalog, Member, Product
from cagettes.core.money import euros
from cagettes.core.month import FormSlot, MonthData
from cagettes.forms import bundles
from cagettes.forms import manifest as manifests
from cagettes.forms.bundles import summary_lines
from cagettes.forms.templating import make_env
from cagettes.services.months import load_month
from cagettes.services.scanning import check_manifest
from cagettes.services.workspace import load_catalog
from cagettes.site import build as site
from cagettes.storage import db, months
from cagettes.storage.workspace import Workspace

Progress = Callable[[str, int], None]
__all__ = ["build_site", "catalog_changes", "print_member_form", "print_month", "print_posters", "summary_lines"]


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


@dataclass(frozen=True)
class MemberForm:
    form: FormSlot
    member: Member
    path: Path  # the PDF of that form alone


def print_member_form(workspace: Workspace, data: MonthData, number: str, jobs: int = 1) -> MemberForm:
    """A personal form for a member who joined during the month (now in the catalog's members
    sheet): numbered in the open month, printed alone, its pages added to the manifest that the
    scanner reads. The month's bundles are not printed again."""
    member = joining_member(workspace, data, number)
    form_number = months.add_member_form(workspace.engine(), data.month, member)
    data = load_month(workspace, data.month)
    form = next(f for f in data.forms if f.number == form_number)
    out = workspace.month_dir(data.month)
    printed = bundles.print_member_form(data, form, out, options(workspace, jobs, "forms"))
    result = bundles.PrintResult(data.month, out, [printed], manifest_path=workspace.paths(data.month).manifest)
    record_print(workspace, result)
    return MemberForm(form, member, printed.path)


def joining_member(workspace: Workspace, data: MonthData, number: str) -> Member:
    """The member of the catalog who may get a form now; a MonthError saying why not otherwise."""
    if current_closing(workspace.engine(), data.month) is not None:
        raise MonthError(N_("Le mois {month} est clos : un nouveau bon n'y serait pas commandé."),
                         params={"month": data.month})
    paths = workspace.paths(data.month)
    if paths.manifest.is_file():
        check_manifest(paths.manifest, data.month)  # damaged: said before anything is numbered
    catalog = load_catalog(workspace)
    member = next((m for m in catalog.members if member_number(m.number) == member_number(number)), None)
    if member is None:
        raise MonthError(N_("Le membre {number} n'est pas dans la feuille « membres » du catalogue ({path}). "
                            "Ajoutez-le, vérifiez avec « cagettes check », puis relancez : "
                            "cagettes print form {month} --membre {number}"),
                         params={"number": number, "path": workspace.config.catalog_path, "month": data.month})
    refuse_second_form(data, member, paths.manifest)
    if member.site not in {s.code for s in data.sites}:
        raise MonthError(N_("Le site {site} de {name} (n° {number}) n'existait pas à l'ouverture du mois {month} : "
                            "ce mois n'a ni livraison ni affiche pour lui."),
                         params={"site": member.site, "name": member.display_name, "number": number,
                                 "month": data.month})
    return member


def refuse_second_form(data: MonthData, member: Member, manifest_path: Path) -> None:
    form = next((f for f in data.forms if f.member and f.member.number == member.number), None)
    if form is None:
        return
    pages = [p for p in read_pages(manifest_path) if p["form"] == form.number]
    if not pages:
        raise months.has_form(data.month, member, form.number)
    raise MonthError(N_("{name} (n° {number}) a déjà le bon n° {form} ce mois-ci ({month}) : rien n'est imprimé. "
                        "S'il est perdu, réimprimez ses pages {first} à {last} du fichier {pdf}."),
                     params={"name": member.display_name, "number": member.number, "form": form.number,
                             "month": data.month, "first": pages[0]["pdf_page"] + 1, "last": pages[-1]["pdf_page"] + 1,
                             "pdf": data_path(manifest_path, pages[0]["pdf"])})


def read_pages(manifest_path: Path) -> list:
    return manifests.read(manifest_path)["pages"] if manifest_path.is_file() else []


def data_path(manifest_path: Path, relative: str) -> Path:
    """A PDF the manifest names, relative to the month's output folder."""
    return manifest_path.parent.parent / relative


def catalog_changes(workspace: Workspace, data: MonthData, lang: str = DEFAULT_LANG) -> list[str]:
    """What the catalog says now and the month's frozen snapshot does not (prices, names, units,
    products and members added or removed), in sentences; none when nothing changed."""
    try:
        catalog = load_catalog(workspace, lang)
    except CatalogError:
        return [_("Le catalogue ne se lit plus ({path}) : les bons sont imprimés tels que le mois {month} a été "
                  "ouvert. Lancez « cagettes check » pour voir ce qui ne va pas.", lang,
                  path=workspace.config.catalog_path, month=data.month)]
    lines = product_changes(data.products, catalog.products_on_forms(), lang) + member_changes(data, catalog, lang)
    if not lines:
        return []
    return ([_("Le catalogue a changé depuis l'ouverture du mois {month} :", lang, month=data.month)] + lines
            + [_("Les bons sont imprimés tels que le mois a été ouvert (prix et membres figés). Pour prendre ces "
                 "changements, tant qu'aucune page n'est scannée : cagettes month cancel {month}, puis cagettes "
                 "month open {month}, puis réimprimez. Un nouveau membre peut aussi recevoir son bon seul : "
                 "cagettes print form {month} --membre NUMÉRO", lang, month=data.month)])


def product_changes(frozen: tuple[Product, ...], current: tuple[Product, ...], lang: str) -> list[str]:
    now = {p.ref: p for p in current}
    lines: list[str] = []
    for old in frozen:
        new = now.get(old.ref)
        if new is None:
            lines.append(_("  - produit retiré : « {name} » ({ref})", lang, name=old.name, ref=old.ref))
            continue
        if new.price != old.price:
            lines.append(_("  - prix de « {name} » ({ref}) : {old} → {new}", lang, name=old.name, ref=old.ref,
                           old=euros(old.price, lang), new=euros(new.price, lang)))
        if new.name != old.name:
            lines.append(_("  - nom de {ref} : « {old} » → « {new} »", lang, ref=old.ref, old=old.name, new=new.name))
        if new.unit != old.unit:
            lines.append(_("  - unité de « {name} » ({ref}) : « {old} » → « {new} »", lang, name=old.name,
                           ref=old.ref, old=old.unit, new=new.unit))
    known = {p.ref for p in frozen}
    return lines + [_("  - produit ajouté : « {name} » ({ref})", lang, name=p.name, ref=p.ref)
                    for p in current if p.ref not in known]


def member_changes(data: MonthData, catalog: Catalog, lang: str) -> list[str]:
    served = {f.member.number: f.member for f in data.forms if f.member}
    now = {m.number for m in catalog.members}
    left = [_("  - membre retiré : {name} (n° {number})", lang, name=m.display_name, number=m.number)
            for number, m in served.items() if number not in now]
    joined = [_("  - membre ajouté : {name} (n° {number}) ; son bon seul : cagettes print form {month} --membre "
                "{number}", lang, name=m.display_name, number=m.number, month=data.month)
              for m in catalog.members if m.number not in served]
    return left + joined


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
