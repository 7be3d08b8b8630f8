"""The subcommands. Each one is a thin shell over a function of the stage packages."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from cagettes import dates, months, private
from cagettes import workspace as ws
from cagettes.i18n import translate
from forms.texts import PAYMENT_METHODS
from cagettes.web.command import review_command

MESSAGES = {
    "catalog_ok": {"fr": "Catalogue valide : {sites} sites, {suppliers} fournisseurs, {products} produits, {members} membres.",
                   "en": "Catalog valid: {sites} sites, {suppliers} suppliers, {products} products, {members} members."},
    "init_done": {"fr": "Espace de travail créé dans {path}.\nÉtape suivante : cagettes -w {path} check",
                  "en": "Workspace created in {path}.\nNext: cagettes -w {path} check"},
    "month_opened": {"fr": "Mois {month} ouvert. Bons le {forms} ; date limite le {deadline} ; commande le {order}.",
                     "en": "Month {month} opened. Forms on {forms}; deadline {deadline}; supplier order {order}."},
    "delivery": {"fr": "  Livraison à {site} : {slot}", "en": "  Delivery at {site}: {slot}"},
    "stamping": {"fr": "Bons", "en": "Forms"},
    "posters_done": {"fr": "Affiches écrites dans {path}", "en": "Posters written to {path}"},
    "site_done": {"fr": "Site public écrit dans {path} ({count} fichiers, sans données personnelles).",
                  "en": "Public site written to {path} ({count} files, no personal data)."},
    "demo_where": {"fr": "\nÀ regarder :\n  paquets à imprimer (privé) : {bundles}\n  affiches : {posters}\n"
                         "  pages scannées annotées (privé) : {overlays}\n  commandes fournisseurs : {suppliers}\n"
                         "  émargement, reçus, tableau de bord (privé) : {distribution}\n"
                         "  site public, avec « Le mois en chiffres » : {site}\n  manifeste des cases : {manifest}",
                   "en": "\nWhere to look:\n  print bundles (private): {bundles}\n  posters: {posters}\n"
                         "  annotated scanned pages (private): {overlays}\n  supplier orders: {suppliers}\n"
                         "  signing sheets, receipts, dashboard (private): {distribution}\n"
                         "  public site, with “The month in numbers”: {site}\n  box manifest: {manifest}"},
    "demo_returns": {"fr": "Retour des bons simulé : {count} pages scannées déposées dans {inbox}.",
                     "en": "Returned forms simulated: {count} scanned pages put in {inbox}."},
    "demo_force": {"fr": "{count} page(s) demanderaient une vérification (cagettes review). Pour la démo, le mois est "
                         "clos quand même : leurs lignes douteuses ne sont pas commandées.",
                   "en": "{count} page(s) would need a review (cagettes review). For the demo the month is closed "
                         "anyway: their doubtful lines are not ordered."},
    "demo_reuse": {"fr": "Le mois {month} est déjà ouvert dans {path} : il est réimprimé tel quel.",
                   "en": "Month {month} is already open in {path}: it is printed again as it was."},
    "demo_closed": {"fr": "Le mois {month} de la démo est déjà clos : ses bons ne sont pas rescannés, ses documents "
                          "sont réécrits. Pour tout refaire, supprimez le dossier {path}.",
                    "en": "The demo's month {month} is already closed: its forms are not scanned again, its "
                          "documents are written again. To start over, delete the folder {path}."},
    "scan_done": {"fr": "{pages} pages lues : {accepted} acceptées, {review} à vérifier, {rejected} refusées, "
                        "{duplicate} déjà traitées (comptées une seule fois).",
                  "en": "{pages} pages read: {accepted} accepted, {review} to review, {rejected} rejected, "
                        "{duplicate} already processed (counted once)."},
    "scan_vanished": {"fr": "{count} fichier(s) disparu(s) avant d'être lu(s) ici : un autre poste les a lus "
                            "puis archivés (ou quelqu'un les a déplacés).",
                      "en": "{count} file(s) gone before being read here: another station read and archived "
                            "them (or someone moved them)."},
    "reason_line": {"fr": "  {reason} : {count}", "en": "  {reason}: {count}"},
    "nothing": {"fr": "Aucun fichier à lire dans {paths}.", "en": "No file to read in {paths}."},
    "status_site": {"fr": "{site} : {returned}/{issued} bons nominatifs revenus, {walkins} bons libres",
                    "en": "{site}: {returned}/{issued} member forms back, {walkins} walk-in forms"},
    "status_missing": {"fr": "    pas encore revenu : {names}", "en": "    not back yet: {names}"},
    "status_review": {"fr": "Pages à vérifier : {count}", "en": "Pages to review: {count}"},
    "status_rejected": {"fr": "Pages refusées : {count}", "en": "Rejected pages: {count}"},
    "status_page": {"fr": "  {source} : {reasons}", "en": "  {source}: {reasons}"},
    "status_incomplete": {"fr": "  bon {form} ({who}) : page(s) manquante(s) {pages}",
                          "en": "  form {form} ({who}): missing page(s) {pages}"},
    "closed": {"fr": "Mois {month} clos : {forms} bons pris en compte.", "en": "Month {month} closed: {forms} forms counted."},
    "closed_forced": {"fr": "Attention : clos de force, {count} page(s) non vérifiées ; leurs lignes douteuses ne sont pas commandées.",
                      "en": "Warning: forced close, {count} page(s) not reviewed; their doubtful lines are not ordered."},
    "reopened": {"fr": "Mois {month} rouvert (enregistré). Refermez-le avec : cagettes month close {month}",
                 "en": "Month {month} reopened (recorded). Close it again with: cagettes month close {month}"},
    "documents_done": {"fr": "Documents du mois {month} :\n  commandes fournisseurs : {suppliers}\n"
                             "  émargement, reçus, membres sans bon, tableau de bord (privé) : {private}",
                       "en": "Documents for {month}:\n  supplier orders: {suppliers}\n"
                             "  signing sheets, receipts, absentees, dashboard (private): {private}"},
    "supplier_total": {"fr": "  {supplier} : {total}", "en": "  {supplier}: {total}"},
    "below_minimum": {"fr": "  {supplier} : minimum non atteint ({total}) : rien n'est commandé, les membres ont un avoir.",
                      "en": "  {supplier}: minimum not reached ({total}): nothing ordered, members get a credit."},
    "late_pages": {"fr": "{count} page(s) lue(s) après la clôture : gardées, pas commandées (voir le tableau de bord).",
                   "en": "{count} page(s) read after closing: kept, not ordered (see the dashboard)."},
    "payment_done": {"fr": "Paiement enregistré pour le bon {form} : {amount} ({method}).",
                     "en": "Payment recorded for form {form}: {amount} ({method})."},
    "status_open": {"fr": "Mois ouvert. Pour le clore après la date limite : cagettes month close {month}",
                    "en": "Month open. To close it after the deadline: cagettes month close {month}"},
    "status_closed": {"fr": "Mois clos le {date} par {by}.", "en": "Month closed on {date} by {by}."},
    "export_done": {"fr": "{count} lignes de commande écrites dans {path}", "en": "{count} order lines written to {path}"},
}


class Context:
    """What the top-level options give every subcommand."""

    def __init__(self, lang: str | None, workspace: Path | None):
        self.lang_option = lang
        self.workspace_path = workspace

    def workspace(self) -> ws.Workspace:
        return ws.open_workspace(self.workspace_path, self.lang_option)

    def lang(self, workspace: ws.Workspace | None = None) -> str:
        return self.lang_option or (workspace.config.lang if workspace else "fr")

    def say(self, key: str, workspace: ws.Workspace | None = None, **params) -> None:
        click.echo(translate(MESSAGES, key, self.lang(workspace), **params))


pass_context = click.make_pass_decorator(Context)


@click.command("init", help="Crée un espace de travail avec l'association d'exemple.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--nom", default=None, help="Nom de l'association.")
@pass_context
def init_command(ctx: Context, directory: Path, nom: str | None) -> None:
    workspace = ws.init_workspace(directory, nom)
    ctx.say("init_done", workspace, path=workspace.root)


@click.command("check", help="Vérifie le catalogue et liste tous les problèmes.")
@pass_context
def check_command(ctx: Context) -> None:
    workspace = ctx.workspace()
    catalog = load_catalog(workspace, ctx)
    ctx.say("catalog_ok", workspace, sites=len(catalog.sites), suppliers=len(catalog.suppliers),
            products=len(catalog.products), members=len(catalog.members))


def load_catalog(workspace: ws.Workspace, ctx: Context):
    from catalog import load_catalog as load

    return load(workspace.config.catalog_path, ctx.lang(workspace))


@click.group("month", help="Gestion des mois de commande.")
def month_group() -> None:
    pass


@month_group.command("open", help="Ouvre un mois (AAAA-MM) : fige les prix et calcule les dates.")
@click.argument("month")
@pass_context
def month_open_command(ctx: Context, month: str) -> None:
    workspace = ctx.workspace()
    data = months.open_month(workspace.engine(), workspace.config, load_catalog(workspace, ctx), month)
    report_month(ctx, workspace, data)


def report_month(ctx: Context, workspace: ws.Workspace, data) -> None:
    lang = ctx.lang(workspace)
    ctx.say("month_opened", workspace, month=data.month, forms=dates.long_date(data.forms_date, lang),
            deadline=dates.long_date(data.deadline, lang), order=dates.long_date(data.supplier_order_date, lang))
    for site in data.sites:
        d = data.deliveries[site.code]
        ctx.say("delivery", workspace, site=site.name, slot=dates.long_slot(d.date, d.opens, d.closes, lang))


@click.command("print", help="Imprime le mois : « bundles » (tout, par site), « forms » (bons seuls) ou « posters ».")
@click.argument("what", type=click.Choice(["bundles", "forms", "posters"]), default="bundles")
@click.argument("month", required=False)
@click.option("--jobs", type=click.IntRange(1, 32), default=2, show_default=True, help="Processus en parallèle.")
@pass_context
def print_command(ctx: Context, what: str, month: str | None, jobs: int) -> None:
    workspace = ctx.workspace()
    data = months.load_month(workspace.engine(), workspace.config, month)
    if what == "posters":
        from forms import bundles

        bundles.print_posters(data, workspace.month_dir(data.month), options(workspace, jobs))
        ctx.say("posters_done", workspace, path=workspace.month_dir(data.month) / "public")
        return
    result = print_forms(ctx, workspace, data, jobs, what)
    for line in summary(result):
        click.echo(line)


def options(workspace: ws.Workspace, jobs: int, what: str = "bundles") -> dict:
    return {"jobs": jobs, "template_dir": workspace.templates_dir, "site_url": workspace.config.public_site_url,
            "what": what}


def print_forms(ctx: Context, workspace: ws.Workspace, data, jobs: int, what: str = "bundles"):
    from forms import bundles

    label = translate(MESSAGES, "stamping", ctx.lang(workspace))
    with click.progressbar(length=len(data.forms), label=label, file=sys.stderr) as bar:
        result = bundles.print_month(data, workspace.month_dir(data.month), options(workspace, jobs, what),
                                     progress=lambda stage, n: bar.update(n))
    workspace_record_print(workspace, result)
    return result


def workspace_record_print(workspace: ws.Workspace, result) -> None:
    from cagettes import db

    with workspace.engine().begin() as conn:
        conn.execute(db.prints.insert().values(month=result.month, printed_at=dt.datetime.now(dt.timezone.utc),
                                               pages=result.pages, manifest=str(result.manifest_path)))


def summary(result) -> list[str]:
    from forms import bundles

    lines = bundles.summary_lines(result)
    path = result.out_dir / "private" / "resume-impression.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    private.private_file(path)
    return lines


@click.command("site", help="Écrit le site public du mois (sans aucune donnée personnelle).")
@click.argument("month", required=False)
@pass_context
def site_command(ctx: Context, month: str | None) -> None:
    workspace = ctx.workspace()
    data = months.load_month(workspace.engine(), workspace.config, month)
    written = build_site(workspace, data)
    ctx.say("site_done", workspace, path=workspace.month_dir(data.month) / "site", count=len(written))


def build_site(workspace: ws.Workspace, data) -> list[Path]:
    from forms import bundles, site
    from forms.templating import make_env

    out = workspace.month_dir(data.month)
    downloads = bundles.existing_downloads(data, out) or bundles.print_posters(data, out, options(workspace, 1))
    return site.build_site(data, out / "site", make_env(workspace.templates_dir), downloads,
                           dashboard=month_numbers(workspace, data))


def month_numbers(workspace: ws.Workspace, data):
    """The public aggregates of a closed month; None while it is open."""
    import distribution

    engine = workspace.engine()
    if distribution.current_closing(engine, data.month) is None:
        return None
    return distribution.public_stats(distribution.month_accounts(engine, data))


@click.command("demo", help="Déroule le mois sur l'association d'exemple, dans DOSSIER (output/demo par défaut).")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("output/demo"))
@click.option("--mois", "month", default=None, help="Mois à ouvrir (par défaut : le mois prochain).")
@click.option("--jobs", type=click.IntRange(1, 32), default=2, show_default=True)
@pass_context
def demo_command(ctx: Context, directory: Path, month: str | None, jobs: int) -> None:
    workspace = ws.open_workspace(directory, ctx.lang_option) if (directory / "cagettes.toml").exists() \
        else ws.init_workspace(directory)
    catalog = load_catalog(workspace, ctx)
    ctx.say("catalog_ok", workspace, sites=len(catalog.sites), suppliers=len(catalog.suppliers),
            products=len(catalog.products), members=len(catalog.members))
    data = demo_month(ctx, workspace, catalog, month or next_month(dt.date.today()))
    result = print_forms(ctx, workspace, data, jobs)
    for line in summary(result):
        click.echo(line)
    demo_returns(ctx, workspace, data, result.manifest_path, jobs)
    written = build_site(workspace, data)
    out = workspace.month_dir(data.month)
    ctx.say("site_done", workspace, path=out / "site", count=len(written))
    ctx.say("demo_where", workspace, bundles=out / "private" / "bundles", posters=out / "public",
            site=out / "site" / "index.html", manifest=result.manifest_path, suppliers=out / "fournisseurs",
            distribution=out / "private" / "distribution", overlays=out / "private" / "scans")


def demo_returns(ctx: Context, workspace: ws.Workspace, data, manifest_path: Path, jobs: int) -> None:
    """Forms come back, are scanned, the month is closed and its documents written."""
    import distribution
    from cagettes import demo
    from scan import pipeline

    engine = workspace.engine()
    if distribution.current_closing(engine, data.month) is None:
        count = demo.simulate_returns(Path(manifest_path), workspace.inbox)
        ctx.say("demo_returns", workspace, count=count, inbox=workspace.inbox)
        files = sorted(workspace.inbox.glob("demo-*.jpg"))
        report_scan(ctx, workspace, pipeline.scan(engine, scan_job(workspace, data), files, jobs))
        pipeline.archive(files, workspace.inbox)
        pending = distribution.pending_review(engine, data.month)
        if pending:
            ctx.say("demo_force", workspace, count=len(pending))
        closing = distribution.close_month(engine, data, "démo", force=True)
        ctx.say("closed", workspace, month=data.month, forms=len(closing.forms))
    else:
        ctx.say("demo_closed", workspace, month=data.month, path=workspace.root)
    write_documents(ctx, workspace, data)


def demo_month(ctx: Context, workspace: ws.Workspace, catalog, month: str):
    try:
        data = months.open_month(workspace.engine(), workspace.config, catalog, month)
    except months.MonthError:
        ctx.say("demo_reuse", workspace, month=month, path=workspace.root)
        return months.load_month(workspace.engine(), workspace.config, month)
    report_month(ctx, workspace, data)
    return data


def next_month(today: dt.date) -> str:
    return f"{today.year + today.month // 12:04d}-{today.month % 12 + 1:02d}"


def scan_job(workspace: ws.Workspace, data) -> "object":
    from scan.pipeline import Job

    out = workspace.month_dir(data.month)
    manifest = out / "private" / "manifest.json"
    if not manifest.is_file():
        raise months.MonthError(f"Le mois {data.month} n'a pas encore été imprimé (pas de {manifest}) : "
                                f"lancez d'abord « cagettes print {data.month} ».")
    check_manifest(manifest, data.month)
    return Job(data.month, str(manifest), data.secret, str(out / "private" / "scans"))


def check_manifest(path: Path, month: str) -> None:
    """Read once here, in the main process, so that a damaged manifest is said before any work."""
    from forms import manifest

    try:
        manifest.read(path)
    except ValueError as error:  # JSON cut short, not UTF-8, or not a manifest
        raise months.MonthError(f"Le manifeste {path} est illisible ({error}) : il a peut-être été coupé pendant "
                                f"l'impression. Relancez « cagettes print {month} » pour l'écrire de nouveau.") from None


@click.command("scan", help="Lit des scans (PDF, TIFF, JPEG, PNG ; fichiers ou dossiers). Sans chemin : la boîte scans/.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--mois", "month", default=None, help="Mois des bons (par défaut : le dernier ouvert).")
@click.option("--jobs", type=click.IntRange(1, 32), default=2, show_default=True)
@pass_context
def scan_command(ctx: Context, paths: tuple[Path, ...], month: str | None, jobs: int) -> None:
    from scan import inputs, notices, pipeline

    workspace = ctx.workspace()
    data = months.load_month(workspace.engine(), workspace.config, month)
    targets = list(paths) or [workspace.inbox]
    archived = workspace.inbox / "archive"  # already read: never again
    files = [f for f in inputs.iter_files(targets) if isinstance(f, Path) and archived not in f.parents]
    if not files:
        ctx.say("nothing", workspace, paths=", ".join(map(str, targets)))
        return
    total = sum(inputs.count_pages(f) or 1 for f in files)
    engine = workspace.engine()
    before = notices.last_page_row(engine)
    with click.progressbar(length=total, label="Scans", file=sys.stderr) as bar:
        summary = pipeline.scan(engine, scan_job(workspace, data), files, jobs, progress=bar.update)
    if not paths:
        pipeline.archive(files, workspace.inbox)
    report_scan(ctx, workspace, summary)
    report_notices(ctx, workspace, notices.batch_notices(engine, data.month, before, ctx.lang(workspace)))


def report_scan(ctx: Context, workspace: ws.Workspace, summary) -> None:
    c = summary.counts
    ctx.say("scan_done", workspace, pages=summary.pages, accepted=c["accepted"], review=c["needs_review"],
            rejected=c["rejected"], duplicate=c["duplicate"])
    if c["vanished"]:
        ctx.say("scan_vanished", workspace, count=c["vanished"])
    for reason, count in summary.reasons.most_common():
        ctx.say("reason_line", workspace, reason=reason, count=count)


def report_notices(ctx: Context, workspace: ws.Workspace, notices: dict[str, list[str]]) -> None:
    """Each page of the batch that was not accepted, in a sentence saying what to do."""
    for outcome, key in (("rejected", "status_rejected"), ("needs_review", "status_review")):
        if notices[outcome]:
            ctx.say(key, workspace, count=len(notices[outcome]))
            for notice in notices[outcome]:
                click.echo(f"  - {notice}")


@click.command("status", help="Où en est le mois : bons revenus, pages à vérifier, pages refusées.")
@click.option("--mois", "month", default=None)
@pass_context
def status_command(ctx: Context, month: str | None) -> None:
    import json

    from scan.orders import month_status

    workspace = ctx.workspace()
    data = months.load_month(workspace.engine(), workspace.config, month)
    manifest = json.loads(Path(scan_job(workspace, data).manifest_path).read_text(encoding="utf-8"))
    pages_per_form = {p["form"]: p["pages"] for p in manifest["pages"]}
    report_status(ctx, workspace, month_status(workspace.engine(), data, pages_per_form))
    report_closing(ctx, workspace, data)


def report_status(ctx: Context, workspace: ws.Workspace, status) -> None:
    """Forms back per site, forms with missing pages, pages to review and rejected pages."""
    from scan.notices import page_notice

    def say(key: str, **params) -> None:
        ctx.say(key, workspace, **params)

    for site in status.sites:
        say("status_site", site=site.site, returned=site.returned, issued=site.issued, walkins=site.walkins_returned)
        if site.not_returned:
            say("status_missing", names=", ".join(site.not_returned))
    for form, who, missing in status.incomplete:
        say("status_incomplete", form=form, who=who, pages=", ".join(map(str, missing)))
    say("status_review", count=len(status.review))
    for page in status.review:
        say("status_page", source=page_label(page), reasons=", ".join(page["review_reasons"] or [page["reason"]]))
    say("status_rejected", count=len(status.rejected))
    for page in status.rejected:
        click.echo(f"  - {page_notice(page, ctx.lang(workspace))}")


def report_closing(ctx: Context, workspace: ws.Workspace, data) -> None:
    import distribution

    closing = distribution.current_closing(workspace.engine(), data.month)
    if closing is None:
        ctx.say("status_open", workspace, month=data.month)
        return
    ctx.say("status_closed", workspace, date=dates.local_time(closing.closed_at), by=closing.closed_by)
    late = distribution.late_pages(workspace.engine(), closing)
    if late:
        ctx.say("late_pages", workspace, count=len(late))


def page_label(page: dict) -> str:
    where = Path(page["source"]).name + (f" p. {page['source_index'] + 1}" if page["source_index"] else "")
    return f"{where} ({page['page_id']})" if page["page_id"] else where


@click.group("export", help="Exports du mois.")
def export_group() -> None:
    pass


@export_group.command("orders", help="Écrit les lignes de commande (CSV) : membre, produit, quantité, statut.")
@click.option("--mois", "month", default=None)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@pass_context
def export_orders_command(ctx: Context, month: str | None, output: Path | None) -> None:
    from scan.orders import export_orders

    workspace = ctx.workspace()
    data = months.load_month(workspace.engine(), workspace.config, month)
    path = output or workspace.month_dir(data.month) / "private" / "commandes.csv"
    count = export_orders(workspace.engine(), data, path)
    ctx.say("export_done", workspace, count=count, path=path)


def who_acts(name: str | None) -> str:
    import getpass

    return (name or "").strip() or getpass.getuser()


@month_group.command("close", help="Clôt le mois : fige les commandes, arrondit aux cartons, écrit les documents.")
@click.argument("month", required=False)
@click.option("--force", is_flag=True, help="Clore même si des pages attendent une vérification.")
@click.option("--par", "by", default=None, help="Qui clôt (enregistré).")
@pass_context
def month_close_command(ctx: Context, month: str | None, force: bool, by: str | None) -> None:
    import distribution

    workspace = ctx.workspace()
    data = months.load_month(workspace.engine(), workspace.config, month)
    closing = distribution.close_month(workspace.engine(), data, who_acts(by), force)
    ctx.say("closed", workspace, month=data.month, forms=len(closing.forms))
    if closing.forced:
        ctx.say("closed_forced", workspace, count=len(closing.pending))
    write_documents(ctx, workspace, data)


@month_group.command("reopen", help="Rouvre un mois clos (enregistré, avec la raison).")
@click.argument("month")
@click.option("--raison", "reason", required=True, help="Pourquoi (enregistré).")
@click.option("--par", "by", default=None, help="Qui rouvre (enregistré).")
@pass_context
def month_reopen_command(ctx: Context, month: str, reason: str, by: str | None) -> None:
    import distribution

    workspace = ctx.workspace()
    distribution.reopen_month(workspace.engine(), month, who_acts(by), reason)
    ctx.say("reopened", workspace, month=month)


@click.command("documents", help="Réécrit les documents d'un mois clos (après une correction de paiement).")
@click.argument("month", required=False)
@pass_context
def documents_command(ctx: Context, month: str | None) -> None:
    workspace = ctx.workspace()
    write_documents(ctx, workspace, months.load_month(workspace.engine(), workspace.config, month))


def write_documents(ctx: Context, workspace: ws.Workspace, data) -> list[Path]:
    import distribution
    from distribution.summaries import supplier_orders
    from forms.templating import euros, make_env

    engine = workspace.engine()
    accounts = distribution.month_accounts(engine, data)
    out = workspace.month_dir(data.month)
    written = distribution.write_all(engine, accounts, out, make_env(workspace.templates_dir))
    ctx.say("documents_done", workspace, month=data.month, suppliers=out / "fournisseurs", private=out / "private" / "distribution")
    for order in supplier_orders(accounts):
        ctx.say("supplier_total", workspace, supplier=order.supplier.name, total=euros(order.total))
    for code, total in accounts.allocation.below_minimum.items():
        ctx.say("below_minimum", workspace, supplier=code, total=euros(total))
    late = distribution.late_pages(engine, accounts.closing)
    if late:
        ctx.say("late_pages", workspace, count=len(late))
    return written


@click.command("payment", help="Enregistre ou corrige le paiement d'un bon (remplace ce qui a été lu au scan).")
@click.argument("form", type=int)
@click.option("--mois", "month", default=None)
@click.option("--mode", "method", required=True, type=click.Choice(PAYMENT_METHODS))
@click.option("--montant", "amount", required=True, help="En euros, par exemple 12,50.")
@click.option("--financeur", "scheme", default="", help="Chèque alimentaire : le dispositif ou le financeur.")
@click.option("--note", default="")
@click.option("--ajouter", "add", is_flag=True, help="Ajoute un paiement au lieu de remplacer (paiement en plusieurs fois).")
@click.option("--par", "by", default=None, help="Qui saisit (enregistré).")
@pass_context
def payment_command(ctx: Context, form: int, month: str | None, method: str, amount: str, scheme: str,
                    note: str, add: bool, by: str | None) -> None:
    import distribution
    from distribution.accounts import parse_amount
    from forms.templating import euros

    workspace = ctx.workspace()
    data = months.load_month(workspace.engine(), workspace.config, month)
    payment = distribution.Payment(method, parse_amount(amount), scheme, "saisie")
    distribution.record_payment(workspace.engine(), data, form, payment, who_acts(by), note, add)
    ctx.say("payment_done", workspace, form=form, amount=euros(payment.amount), method=method)


COMMANDS = (init_command, check_command, month_group, print_command, site_command, demo_command,
            scan_command, status_command, export_group, documents_command, payment_command,
            review_command)
