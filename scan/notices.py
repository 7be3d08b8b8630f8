"""What a volunteer is told about each scanned page that was not simply accepted.

Read beside the scanner: each notice names the file and the page, says what was found, and
what to do with the sheet. Input problems (a file that gave no image) already carry their
sentence from ``scan.input_messages`` in ``detail``; the reasons found by reading a page are
worded here. The same sentence goes to the screen after a batch and into the note kept beside
a rejected page.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from cagettes.core.errors import CagettesError
from cagettes.core.i18n import DEFAULT_LANG, N_, Messages, translate
from cagettes.core.reasons import BY_CODE
from cagettes.forms.ids import written_month
from cagettes.scan import input_messages, inputs
from cagettes.storage import db

MESSAGES: Messages = {
    "where.file": N_("le fichier « {file} »"),
    "where.page": N_("la page {page} du fichier « {file} »"),
    "blank_page": N_("{where} est blanche : rien à faire si c'est un verso ; sinon retournez la feuille et rescannez-la"),
    "unreadable_code": N_("{where} : aucun code QR lisible ; si c'est un bon de commande, rescannez-le à 300 ppp, bien à plat, sinon retirez-le du lot"),
    "conflicting_codes": N_("{where} porte deux codes QR différents (deux bons superposés ?) : rescannez chaque feuille seule"),
    "by_volunteer": N_("{where} ({page_id}) a été {detail} sur la page de vérification : « {reason} »"),
    "sample_form": N_("{where} est le modèle du site internet (« MODÈLE — ne pas rendre ») : il ne compte pas. Donnez au membre un bon à son nom ou un bon libre, et recopiez-y ses choix"),
    "not_ours": N_("{where} porte un code QR qui n'est pas celui d'un bon de commande : retirez cette feuille du lot"),
    "layout_version": N_("{where} a été imprimé par une autre version de cagettes : saisissez cette commande à la main"),
    "other_workspace": N_("{where} est un bon d'une autre association (ou d'un autre espace de travail) : rendez-le à l'association qui l'a imprimé"),
    "other_month": N_("{where} est un bon du mois {found}, pas du mois {month} : scannez-le avec « cagettes scan --mois {found} » s'il est encore ouvert, sinon saisissez la commande à la main"),
    "bad_signature": N_("{where} porte un identifiant falsifié ou recopié (signature fausse) : ce bon ne compte pas ; montrez-le à un·e responsable"),
    "not_in_manifest": N_("{where} porte un identifiant qui n'a pas été imprimé ce mois-ci ({page_id}) : montrez-le à un·e responsable"),
    "registration_failed": N_("{where} : les carrés noirs des coins ne sont pas tous visibles ou la page est déformée ; rescannez la feuille entière, à plat, à 300 ppp"),
    "photo_blurred": N_("{where} est une photo floue : reprenez-la de plus près, bien à plat, sans ombre, en tenant le téléphone immobile"),
    "photo_too_small": N_("{where} est une photo où la feuille est trop petite : reprenez-la de plus près, la feuille remplissant presque toute la photo, bien à plat, sans ombre"),
    "photo_no_sheet": N_("{where} : feuille introuvable sur la photo ; reprenez-la d'au-dessus, la feuille entière bien à plat sur une table plus sombre qu'elle, ses quatre coins visibles, sans ombre"),
    "internal_error": N_("{where} n'a pas pu être lue à cause d'une erreur de cagettes ({detail}) : gardez la feuille et signalez l'erreur"),
    "conflict": N_("{where} est un nouveau scan du bon {form}, page {page}, déjà lu : il est mis de côté pour vérification et ne compte pas dans la commande"),
    "needs_identity": N_("{where} : aucun code QR lisible ; la page est gardée : sur la page de vérification (cagettes review), recopiez l'identifiant imprimé en clair en bas de la page, ou choisissez le bon dans la liste"),
    "review": N_("{where} (bon {form}, page {page}) : {count} ligne(s) à vérifier à la main ; l'image colorée est {overlay}"),
    "unknown": N_("{where} : refusée ({reason})"),
}
# Said after a batch's summary: its pages are recorded, only the tidying up failed.
ARCHIVE_MESSAGES: Messages = {
    "not_archived": N_("Attention : le fichier « {file} » n'a pas pu être rangé dans « {folder} » ({cause}) ; ses pages sont bien enregistrées. Il reste dans la boîte des scans : au prochain passage il sera relu sans être compté deux fois. Vérifiez que ce dossier peut être écrit (droits, disque plein, clé en lecture seule)."),
    "cause.no_folder": N_("le dossier ne peut pas être créé"),
}


def page_notice(row: dict, lang: str = DEFAULT_LANG) -> str:
    """One sentence for a ``scanned_pages`` row (or a dict with the same keys)."""
    index = row.get("source_index")
    where = translate(MESSAGES, "where.file" if index is None else "where.page", lang,
                      file=inputs.shown_name(inputs.stored_path(row["source"])), page=None if index is None else index + 1)
    reason = row.get("reason") or ""
    if row.get("outcome") == "rejected" and reason not in MESSAGES and row.get("detail"):
        if reason in BY_CODE:
            return _capital(row["detail"])  # an input problem: its sentence was made when the file was read
        reason = "by_volunteer"  # a volunteer's own words, typed on the review page; detail: by whom
    if row.get("outcome") == "needs_review" and reason not in ("conflict", "needs_identity"):
        reason = "review"
    params = {"where": where, "form": row.get("form"), "page": row.get("page"), "month": row.get("month"),
              "found": written_month(row.get("page_id") or "") or "?", "page_id": row.get("page_id") or "",
              "detail": row.get("detail") or "", "reason": row.get("reason") or "", "overlay": row.get("overlay") or "-",
              "count": len(row.get("review_reasons") or [])}
    return _capital(translate(MESSAGES, reason if reason in MESSAGES else "unknown", lang, **params))


def not_archived(path: Path, folder: Path, error: OSError | CagettesError, lang: str = DEFAULT_LANG) -> str:
    """The warning for an inbox file the archive could not take: the folder could not be made
    (``CagettesError``), or the file could not be moved."""
    if isinstance(error, OSError):
        cause = translate(input_messages.MESSAGES, f"cause.{inputs.cause_code(error)}", lang)
    else:
        cause = translate(ARCHIVE_MESSAGES, "cause.no_folder", lang)
    return translate(ARCHIVE_MESSAGES, "not_archived", lang, file=inputs.shown_name(path),
                     folder=inputs.shown_name(folder), cause=cause)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def last_page_row(engine: sa.Engine) -> int:
    """The highest row number so far: pages recorded later belong to the next batch."""
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(db.scanned_pages.c.id))).scalar() or 0


def batch_notices(engine: sa.Engine, month: str, after: int, lang: str = DEFAULT_LANG) -> dict[str, list[str]]:
    """Notices for the pages recorded after row ``after``: {"rejected": [...], "needs_review": [...]}."""
    t = db.scanned_pages.c
    query = sa.select(db.scanned_pages).where(t.id > after, t.month == month, t.outcome != "accepted").order_by(t.id)
    notices: dict[str, list[str]] = {"rejected": [], "needs_review": []}
    with engine.connect() as conn:
        for row in conn.execute(query).mappings():
            notices[row["outcome"]].append(page_notice(dict(row), lang))
    return notices
