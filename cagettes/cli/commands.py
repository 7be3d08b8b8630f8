"""The subcommands. Each one parses its options, calls one service (cagettes.services) and says
the result: no logic of its own."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cagettes.cli.review import review_command
from cagettes.core import dates
from cagettes.core.i18n import N_, Messages, translate
from cagettes.core.money import euros
from cagettes.core.records import ScannedPageRow
from cagettes.services import backup, closing, demo, months, printing, scanning, status
from cagettes.services import workspace as ws
from cagettes.services.workspace import init_workspace, load_catalog

MESSAGES: Messages = {
    "catalog_ok": N_("Catalogue valide : {sites} sites, {suppliers} fournisseurs, {products} produits, {members} membres."),
    "catalog_warning": N_("Attention, {where} : {message}"),
    "init_done": N_("Espace de travail créé dans {path}.\nÉtape suivante : cagettes -w {path} check"),
    "month_opened": N_("Mois {month} ouvert. Bons le {forms} ; date limite le {deadline} ; commande le {order}."),
    "delivery": N_("  Livraison à {site} : {slot}"),
    "stamping": N_("Bons"),
    "posters_done": N_("Affiches écrites dans {path}"),
    "site_done": N_("Site public écrit dans {path} ({count} fichiers, sans données personnelles)."),
    "demo_where": N_("\nÀ regarder :\n  paquets à imprimer (privé) : {bundles}\n  affiches : {posters}\n  pages scannées annotées (privé) : {overlays}\n  commandes fournisseurs : {suppliers}\n  émargement, reçus, tableau de bord (privé) : {distribution}\n  site public, avec « Le mois en chiffres » : {site}\n  manifeste des cases : {manifest}"),
    "demo_returns": N_("Retour des bons simulé : {count} pages scannées déposées dans {inbox}."),
    "demo_force": N_("{count} page(s) demanderaient une vérification (cagettes review). Pour la démo, le mois est clos quand même : leurs lignes douteuses ne sont pas commandées."),
    "demo_reuse": N_("Le mois {month} est déjà ouvert dans {path} : il est réimprimé tel quel."),
    "demo_closed": N_("Le mois {month} de la démo est déjà clos : ses bons ne sont pas rescannés, ses documents sont réécrits. Pour tout refaire, supprimez le dossier {path}."),
    "scan_done": N_("{pages} pages lues : {accepted} acceptées, {review} à vérifier, {rejected} refusées, {duplicate} déjà traitées (comptées une seule fois)."),
    "scan_vanished": N_("{count} fichier(s) disparu(s) avant d'être lu(s) ici : un autre poste les a lus puis archivés (ou quelqu'un les a déplacés)."),
    "reason_line": N_("  {reason} : {count}"),
    "nothing": N_("Aucun fichier à lire dans {paths}."),
    "status_site": N_("{site} : {returned}/{issued} bons nominatifs revenus, {walkins} bons libres"),
    "status_missing": N_("    pas encore revenu : {names}"),
    "status_review": N_("Pages à vérifier : {count}"),
    "status_rejected": N_("Pages refusées : {count}"),
    "status_page": N_("  {source} : {reasons}"),
    "status_page_form": N_("  bon n° {form}, page {page} — {source} : {reasons}"),
    "unidentified": N_("{count} page(s) sans code lisible : à identifier sur la page de vérification (cagettes review), en recopiant l'identifiant imprimé en bas de la page."),
    "status_incomplete": N_("  bon {form} ({who}) : page(s) manquante(s) {pages}"),
    "closed": N_("Mois {month} clos : {forms} bons pris en compte."),
    "cancelled": N_("Mois {month} annulé : {forms} bons effacés de la base de données. Pour le rouvrir : "
                    "cagettes month open {month}"),
    "cancelled_folder": N_("  dossier supprimé : {path} (paquets, manifeste, affiches, site)"),
    "cancelled_paper": N_("Détruisez les bons papier déjà imprimés pour ce mois (ils portent des noms) : à la "
                          "réouverture, les numéros de bons sont redonnés, et un ancien bon serait lu comme le "
                          "nouveau bon du même numéro."),
    "member_form": N_("Bon n° {form} de {name} (n° {number}, site {site}) ajouté au mois {month}, sans réimprimer "
                      "le mois : {path}. Le scanner le reconnaîtra."),
    "form_needs_member": N_("« print form » imprime le bon d'un seul membre : donnez son numéro, par exemple "
                            "cagettes print form --membre 0045"),
    "closed_forced": N_("Attention : clos de force, {count} page(s) non vérifiées ; leurs lignes douteuses ne sont pas commandées."),
    "reopened": N_("Mois {month} rouvert (enregistré). Refermez-le avec : cagettes month close {month}"),
    "documents_done": N_("Documents du mois {month} :\n  commandes fournisseurs : {suppliers}\n  émargement, reçus, membres sans bon, tableau de bord (privé) : {private}"),
    "supplier_total": N_("  {supplier} : {total}"),
    "below_minimum": N_("  {supplier} : minimum non atteint ({total}) : rien n'est commandé, les membres ont un avoir."),
    "incomplete": N_("Ce qui reste incomplet (aussi sur le tableau de bord) :"),
    "incomplete_pages": N_("  bon n° {form} ({who}) : page(s) {pages} jamais revenue(s) ; ce qui y était coché n'est pas commandé"),
    "incomplete_rejected": N_("  {count} page(s) refusée(s) et pas rescannée(s) depuis (détail : cagettes status)"),
    "incomplete_review": N_("  {count} page(s) jamais vérifiée(s) : leurs lignes douteuses ne sont pas commandées"),
    "incomplete_walkins": N_("  bons libres sans membre : n° {forms} ; leur avoir ne peut être reporté à personne"),
    "late_pages": N_("{count} page(s) lue(s) après la clôture : gardées, pas commandées (voir le tableau de bord)."),
    "payment_done": N_("Paiement enregistré : {amount} ({method}) pour le bon n° {form}, {who}."),
    "payment_no_member": N_("bon libre sans membre"),
    "payment_after_close": N_("Le mois {month} est clos : ses documents (émargement, reçus, tableau de bord, "
                              "avoirs) ne montrent ce paiement qu'une fois réécrits : cagettes documents {month}"),
    "payment_not_back": N_("Ce bon n'est pas encore revenu au scan : le paiement est gardé. S'il ne revient pas "
                           "avant la clôture, le membre garde ce montant en avoir."),
    "payment_not_back_walkin": N_("Ce bon libre n'est pas encore revenu au scan : le paiement est gardé, mais tant "
                                  "qu'aucun membre n'y est rattaché il ne peut pas devenir un avoir. Vérifiez le "
                                  "numéro du bon."),
    "status_open": N_("Mois ouvert. Pour le clore après la date limite : cagettes month close {month}"),
    "status_closed": N_("Mois clos le {date} par {by}."),
    "status_documents_missing": N_("Attention : ses documents ne sont pas tous écrits (la clôture s'est arrêtée en route, ou un fichier a été effacé). Écrivez-les avec : cagettes documents {month}"),
    "export_done": N_("{count} lignes de commande écrites dans {path}"),
    "backup_done": N_("Sauvegarde de la base écrite et vérifiée : {path} ({size} ko). Elle contient des données "
                      "personnelles (noms, numéros et commandes des membres) : ne la copiez que sur un support qui "
                      "reste privé."),
}


class Context:
    """What the top-level options give every subcommand."""

    def __init__(self, lang: str | None = None, workspace: Path | None = None):
        self.lang_option = lang
        self.workspace_path = workspace
        self.workspace_lang: str | None = None  # the opened workspace's, for an error said after the fact

    def workspace(self) -> ws.Workspace:
        opened = ws.open_workspace(self.workspace_path, self.lang_option)
        self.workspace_lang = opened.config.lang
        return opened

    def error_lang(self) -> str | None:
        """The language to say an error in: --lang, else the workspace's, once it was opened."""
        return self.lang_option or self.workspace_lang

    def lang(self, workspace: ws.Workspace | None = None) -> str:
        return self.lang_option or (workspace.config.lang if workspace else "fr")

    def say(self, key: str, workspace: ws.Workspace | None = None, **params) -> None:
        click.echo(self.word(key, workspace, **params))

    def word(self, key: str, workspace: ws.Workspace | None = None, **params) -> str:
        return translate(MESSAGES, key, self.lang(workspace), **params)

    def catalog(self, workspace: ws.Workspace):
        return load_catalog(workspace, self.lang(workspace))

    def month(self, workspace: ws.Workspace, month: str | None):
        return months.load_month(workspace, month)


pass_context = click.make_pass_decorator(Context)


@click.command("init", help=N_("Crée un espace de travail avec l'association d'exemple."))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--nom", default=None, help=N_("Nom de l'association."))
@pass_context
def init_command(ctx: Context, directory: Path, nom: str | None) -> None:
    workspace = init_workspace(directory, nom)
    ctx.say("init_done", workspace, path=workspace.root)


@click.command("check", help=N_("Vérifie le catalogue et liste tous les problèmes."))
@pass_context
def check_command(ctx: Context) -> None:
    workspace = ctx.workspace()
    report_catalog(ctx, workspace, ctx.catalog(workspace))


def report_catalog(ctx: Context, workspace: ws.Workspace, catalog) -> None:
    ctx.say("catalog_ok", workspace, sites=len(catalog.sites), suppliers=len(catalog.suppliers),
            products=len(catalog.products), members=len(catalog.members))
    for warning in catalog.warnings:
        ctx.say("catalog_warning", workspace, where=warning.where(ctx.lang(workspace)), message=warning.message)


@click.group("month", help=N_("Gestion des mois de commande."))
def month_group() -> None:
    pass


def today_option(command):
    """The date taken for today by the calendar's guard rails (tests; hidden from --help)."""
    return click.option("--aujourdhui", "today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        hidden=True)(command)


@month_group.command("open", help=N_("Ouvre un mois (AAAA-MM) : fige les prix et calcule les dates."))
@click.argument("month")
@click.option("--force", is_flag=True, help=N_("Ouvrir même un mois passé, ou à plus de deux mois d'ici."))
@today_option
@pass_context
def month_open_command(ctx: Context, month: str, force: bool, today) -> None:
    workspace = ctx.workspace()
    report_month(ctx, workspace, months.open_month(workspace, ctx.catalog(workspace), month, force,
                                                   today.date() if today else None))


@month_group.command("cancel", help=N_("Annule un mois ouvert par erreur, tant que rien n'est scanné : efface ses "
                                       "bons et son dossier d'impression."))
@click.argument("month")
@pass_context
def month_cancel_command(ctx: Context, month: str) -> None:
    workspace = ctx.workspace()
    cancelled = months.cancel_month(workspace, month)
    ctx.say("cancelled", workspace, month=cancelled.month, forms=cancelled.forms)
    if cancelled.folder:
        ctx.say("cancelled_folder", workspace, path=cancelled.folder)
        ctx.say("cancelled_paper", workspace)


def report_month(ctx: Context, workspace: ws.Workspace, data) -> None:
    lang = ctx.lang(workspace)
    ctx.say("month_opened", workspace, month=data.month, forms=dates.long_date(data.forms_date, lang),
            deadline=dates.long_date(data.deadline, lang), order=dates.long_date(data.supplier_order_date, lang))
    for site in data.sites:
        d = data.deliveries[site.code]
        ctx.say("delivery", workspace, site=site.name, slot=dates.long_slot(d.date, d.opens, d.closes, lang))


@click.command("print", help=N_("Imprime le mois : « bundles » (tout, par site), « forms » (bons seuls), « posters », "
                                "ou « form --membre NUMÉRO » (le bon d'un membre arrivé en cours de mois)."))
@click.argument("what", type=click.Choice(["bundles", "forms", "posters", "form"]), default="bundles")
@click.argument("month", required=False)
@click.option("--jobs", type=click.IntRange(1, 32), default=2, show_default=True, help=N_("Processus en parallèle."))
@click.option("--membre", "member", default=None, help=N_("Avec « form » : le numéro du membre."))
@pass_context
def print_command(ctx: Context, what: str, month: str | None, jobs: int, member: str | None) -> None:
    if (what == "form") != (member is not None):
        raise click.UsageError(translate(MESSAGES, "form_needs_member", ctx.lang()))
    workspace = ctx.workspace()
    data = ctx.month(workspace, month)
    for line in printing.catalog_changes(workspace, data, ctx.lang(workspace)):
        click.echo(line)
    if member is not None:
        print_member_form(ctx, workspace, data, member, jobs)
        return
    if what == "posters":
        ctx.say("posters_done", workspace, path=printing.print_posters(workspace, data, jobs))
        return
    report_print(print_forms(ctx, workspace, data, jobs, what))


def print_member_form(ctx: Context, workspace: ws.Workspace, data, member: str, jobs: int) -> None:
    printed = printing.print_member_form(workspace, data, member, jobs)
    ctx.say("member_form", workspace, form=printed.form.number, name=printed.member.display_name,
            number=printed.member.number, site=printed.form.site, month=data.month, path=printed.path)


def print_forms(ctx: Context, workspace: ws.Workspace, data, jobs: int, what: str = "bundles"):
    label = translate(MESSAGES, "stamping", ctx.lang(workspace))
    with click.progressbar(length=len(data.forms), label=label, file=sys.stderr) as bar:
        return printing.print_month(workspace, data, jobs, what, progress=lambda stage, n: bar.update(n))


def report_print(result) -> None:
    for line in printing.summary_lines(result):
        click.echo(line)


@click.command("site", help=N_("Écrit le site public du mois (sans aucune donnée personnelle)."))
@click.argument("month", required=False)
@pass_context
def site_command(ctx: Context, month: str | None) -> None:
    workspace = ctx.workspace()
    data = ctx.month(workspace, month)
    written = printing.build_site(workspace, data)
    ctx.say("site_done", workspace, path=workspace.paths(data.month).site, count=len(written))


class DemoSay:
    """The demo's steps, said on the terminal (cagettes.services.demo.DemoReport)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def catalog(self, workspace, catalog) -> None:
        report_catalog(self.ctx, workspace, catalog)

    def month(self, workspace, data, opened: bool) -> None:
        if opened:
            report_month(self.ctx, workspace, data)
        else:
            self.ctx.say("demo_reuse", workspace, month=data.month, path=workspace.root)

    def printed(self, workspace, result) -> None:
        report_print(result)

    def returns(self, workspace, count: int) -> None:
        self.ctx.say("demo_returns", workspace, count=count, inbox=workspace.inbox)

    def scanned(self, workspace, result) -> None:
        report_scan(self.ctx, workspace, result)

    def closed(self, workspace, data, closing, pending: int) -> None:
        if closing is None:
            self.ctx.say("demo_closed", workspace, month=data.month, path=workspace.root)
            return
        if pending:
            self.ctx.say("demo_force", workspace, count=pending)
        self.ctx.say("closed", workspace, month=data.month, forms=len(closing.forms))

    def documents(self, workspace, documents) -> None:
        report_documents(self.ctx, workspace, documents)

    def site(self, workspace, data, written, result) -> None:
        paths = workspace.paths(data.month)
        self.ctx.say("site_done", workspace, path=paths.site, count=len(written))
        self.ctx.say("demo_where", workspace, bundles=paths.bundles, posters=paths.public,
                     site=paths.site / "index.html", manifest=result.manifest_path, suppliers=paths.suppliers,
                     distribution=paths.distribution, overlays=paths.scans)


@click.command("demo", help=N_("Déroule le mois sur l'association d'exemple, dans DOSSIER (output/demo par défaut)."))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("output/demo"))
@click.option("--mois", "month", default=None, help=N_("Mois à ouvrir (par défaut : le mois prochain)."))
@click.option("--jobs", type=click.IntRange(1, 32), default=2, show_default=True)
@pass_context
def demo_command(ctx: Context, directory: Path, month: str | None, jobs: int) -> None:
    demo.run_demo(directory, DemoSay(ctx), month, jobs, ctx.lang_option)


@click.command("scan", help=N_("Lit des scans (PDF, TIFF, JPEG, PNG ; fichiers ou dossiers). Sans chemin : la boîte scans/."))
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--mois", "month", default=None, help=N_("Mois des bons (par défaut : le dernier ouvert)."))
@click.option("--jobs", type=click.IntRange(1, 32), default=2, show_default=True)
@pass_context
def scan_command(ctx: Context, paths: tuple[Path, ...], month: str | None, jobs: int) -> None:
    workspace = ctx.workspace()
    data = ctx.month(workspace, month)
    targets = list(paths) or [workspace.inbox]
    files = scanning.files_to_read(workspace, targets)
    if not files:
        ctx.say("nothing", workspace, paths=", ".join(map(str, targets)))
        return
    lang = ctx.lang(workspace)
    with click.progressbar(length=scanning.page_count(files), label="Scans", file=sys.stderr) as bar:
        if paths:
            result = scanning.scan_batch(workspace, data, files, jobs, bar.update, lang)
        else:
            result = scanning.scan_inbox(workspace, data, jobs, bar.update, lang)
    report_scan(ctx, workspace, result)
    report_notices(ctx, workspace, result.notices)
    for warning in result.warnings:  # after the whole summary: the pages are recorded, the tidying failed
        click.echo(warning)


def report_scan(ctx: Context, workspace: ws.Workspace, result) -> None:
    summary = result.summary
    c = summary.counts
    ctx.say("scan_done", workspace, pages=summary.pages, accepted=c["accepted"], review=c["needs_review"],
            rejected=c["rejected"], duplicate=c["duplicate"])
    if c["vanished"]:
        ctx.say("scan_vanished", workspace, count=c["vanished"])
    for reason, count in result.reasons:
        ctx.say("reason_line", workspace, reason=reason, count=count)
    if summary.unidentified:
        ctx.say("unidentified", workspace, count=summary.unidentified)


def report_notices(ctx: Context, workspace: ws.Workspace, notices: dict[str, list[str]]) -> None:
    """Each page of the batch that was not accepted, in a sentence saying what to do."""
    for outcome, key in (("rejected", "status_rejected"), ("needs_review", "status_review")):
        if notices[outcome]:
            ctx.say(key, workspace, count=len(notices[outcome]))
            for notice in notices[outcome]:
                click.echo(f"  - {notice}")


@click.command("status", help=N_("Où en est le mois : bons revenus, pages à vérifier, pages refusées."))
@click.option("--mois", "month", default=None)
@pass_context
def status_command(ctx: Context, month: str | None) -> None:
    workspace = ctx.workspace()
    data = ctx.month(workspace, month)
    state = status.month_status(workspace, data)
    report_status(ctx, workspace, state.scans, data)
    report_closing(ctx, workspace, data.month, state)


def report_status(ctx: Context, workspace: ws.Workspace, scans, data) -> None:
    """Forms back per site, forms with missing pages, pages to review and rejected pages."""
    for site in scans.sites:
        ctx.say("status_site", workspace, site=site.site, returned=site.returned, issued=site.issued,
                walkins=site.walkins_returned)
        if site.not_returned:
            ctx.say("status_missing", workspace, names=", ".join(site.not_returned))
    for form, who, missing in scans.incomplete:
        ctx.say("status_incomplete", workspace, form=form, who=who, pages=", ".join(map(str, missing)))
    ctx.say("status_review", workspace, count=len(scans.review))
    if scans.unidentified:
        ctx.say("unidentified", workspace, count=len(scans.unidentified))
    for page in scans.review:
        ctx.say("status_page_form" if page["form"] else "status_page", workspace, source=page_label(page),
                form=page["form"], page=page["page"],
                reasons=" ; ".join(scanning.in_words(data, code, ctx.lang(workspace))
                                   for code in page["review_reasons"] or [page["reason"]]))
    ctx.say("status_rejected", workspace, count=len(scans.rejected))
    for page in scans.rejected:
        click.echo(f"  - {status.page_notice(page, ctx.lang(workspace))}")


def report_closing(ctx: Context, workspace: ws.Workspace, month: str, state: status.Status) -> None:
    if state.closing is None:
        ctx.say("status_open", workspace, month=month)
        return
    ctx.say("status_closed", workspace, date=dates.local_time(state.closing.closed_at), by=state.closing.closed_by)
    if state.late_pages:
        ctx.say("late_pages", workspace, count=state.late_pages)
    if state.missing_documents:
        ctx.say("status_documents_missing", workspace, month=month)


def page_label(page: ScannedPageRow) -> str:
    where = Path(page["source"]).name + (f" p. {page['source_index'] + 1}" if page["source_index"] else "")
    return f"{where} ({page['page_id']})" if page["page_id"] else where


@click.group("export", help=N_("Exports du mois."))
def export_group() -> None:
    pass


@export_group.command("orders", help=N_("Écrit les lignes de commande (CSV) : membre, produit, quantité, statut."))
@click.option("--mois", "month", default=None)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@pass_context
def export_orders_command(ctx: Context, month: str | None, output: Path | None) -> None:
    workspace = ctx.workspace()
    count, path = closing.export_orders(workspace, ctx.month(workspace, month), output)
    ctx.say("export_done", workspace, count=count, path=path)


@month_group.command("close", help=N_("Clôt le mois : fige les commandes, arrondit aux cartons, écrit les documents."))
@click.argument("month", required=False)
@click.option("--force", is_flag=True, help=N_("Clore même avant la date limite, ou si des pages attendent une "
                                              "vérification."))
@click.option("--par", "by", default=None, help=N_("Qui clôt (enregistré)."))
@today_option
@pass_context
def month_close_command(ctx: Context, month: str | None, force: bool, by: str | None, today) -> None:
    workspace = ctx.workspace()
    data = ctx.month(workspace, month)
    closed = months.close_month(workspace, data, by, force, today.date() if today else None)
    ctx.say("closed", workspace, month=data.month, forms=len(closed.forms))
    if closed.forced:
        ctx.say("closed_forced", workspace, count=len(closed.pending))
    report_documents(ctx, workspace, closing.write_documents(workspace, data))


@month_group.command("reopen", help=N_("Rouvre un mois clos (enregistré, avec la raison)."))
@click.argument("month")
@click.option("--raison", "reason", required=True, help=N_("Pourquoi (enregistré)."))
@click.option("--par", "by", default=None, help=N_("Qui rouvre (enregistré)."))
@pass_context
def month_reopen_command(ctx: Context, month: str, reason: str, by: str | None) -> None:
    workspace = ctx.workspace()
    closing.reopen_month(workspace, month, reason, by)
    ctx.say("reopened", workspace, month=month)


@click.command("documents", help=N_("Réécrit les documents d'un mois clos (après une correction de paiement)."))
@click.argument("month", required=False)
@pass_context
def documents_command(ctx: Context, month: str | None) -> None:
    workspace = ctx.workspace()
    report_documents(ctx, workspace, closing.write_documents(workspace, ctx.month(workspace, month)))


def report_documents(ctx: Context, workspace: ws.Workspace, documents: closing.Documents) -> None:
    ctx.say("documents_done", workspace, month=documents.month, suppliers=documents.suppliers_dir,
            private=documents.private_dir)
    for order in documents.orders:
        ctx.say("supplier_total", workspace, supplier=order.supplier.name, total=euros(order.total))
    for code, total in documents.below_minimum.items():
        ctx.say("below_minimum", workspace, supplier=code, total=euros(total))
    if documents.late_pages:
        ctx.say("late_pages", workspace, count=documents.late_pages)
    report_incomplete(ctx, workspace, documents.incomplete)


def report_incomplete(ctx: Context, workspace: ws.Workspace, undone) -> None:
    """What the closed month leaves incomplete, before anyone finds out at the pickup."""
    if undone.nothing:
        return
    ctx.say("incomplete", workspace)
    for form, who, pages in undone.missing_pages:
        ctx.say("incomplete_pages", workspace, form=form, who=who, pages=", ".join(map(str, pages)))
    if undone.rejected:
        ctx.say("incomplete_rejected", workspace, count=len(undone.rejected))
    if undone.awaiting_review:
        ctx.say("incomplete_review", workspace, count=undone.awaiting_review)
    if undone.walkins_without_member:
        ctx.say("incomplete_walkins", workspace, forms=", ".join(map(str, undone.walkins_without_member)))


@click.command("payment", help=N_("Enregistre ou corrige le paiement d'un bon (remplace ce qui a été lu au scan)."))
@click.option("--bon", "form", type=int, default=None, help=N_("Le numéro « Bon n° » imprimé en haut du bon."))
@click.option("--membre", "member", default=None, help=N_("Ou le numéro du membre : son bon du mois."))
@click.option("--mois", "month", default=None)
@click.option("--mode", "method", required=True, help=N_("especes, cheque, cheque_alimentaire ou avoir (accents permis)."))
@click.option("--montant", "amount", required=True, help=N_("En euros, par exemple 12,50."))
@click.option("--financeur", "scheme", default="", help=N_("Chèque alimentaire : le dispositif ou le financeur."))
@click.option("--note", default="")
@click.option("--ajouter", "add", is_flag=True, help=N_("Ajoute un paiement au lieu de remplacer (paiement en plusieurs fois)."))
@click.option("--par", "by", default=None, help=N_("Qui saisit (enregistré)."))
@pass_context
def payment_command(ctx: Context, form: int | None, member: str | None, month: str | None, method: str, amount: str,
                    scheme: str, note: str, add: bool, by: str | None) -> None:
    workspace = ctx.workspace()
    data = ctx.month(workspace, month)
    done = closing.record_payment(workspace, data, form, method, amount, scheme, note, add, by, member)
    who = f"{done.member.display_name} ({done.member.number})" if done.member else ctx.word("payment_no_member", workspace)
    ctx.say("payment_done", workspace, form=done.form.number, who=who, amount=euros(done.payment.amount),
            method=done.payment.method)
    if done.closed:
        ctx.say("payment_after_close", workspace, month=data.month)
    elif not done.returned:
        ctx.say("payment_not_back" if done.member else "payment_not_back_walkin", workspace)


@click.command("backup", help=N_("Copie la base de données, vérifiée, dans le dossier sauvegardes/ de l'espace de travail."))
@pass_context
def backup_command(ctx: Context) -> None:
    workspace = ctx.workspace()
    copy = backup.backup_database(workspace)
    ctx.say("backup_done", workspace, path=copy.path, size=copy.kilobytes)


COMMANDS = (init_command, check_command, month_group, print_command, site_command, demo_command,
            scan_command, status_command, export_group, documents_command, payment_command,
            review_command, backup_command)
