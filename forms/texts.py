"""Words printed on the order form, in French, marked for the gettext catalogs.

Kept apart from the templates so that an association overriding a template keeps the same
words, and the same translations.
"""
from __future__ import annotations

import re
from typing import Any

from cagettes.core.i18n import N_, localize

NO_BREAK = "\u00a0"
# Where a line must not break: between a number and the word after it ("250 g", "1,8 kg"), and
# before French double punctuation ("Combien ?"), so that neither is left alone on a line.
_KEPT_TOGETHER = re.compile(r"(?<=\d)[ \t]+(?=\S)|[ \t]+(?=[?!:;»])|(?<=«)[ \t]+")

TEXTS: dict[str, Any] = {
    "form_title": N_("Bon de commande"),
    "page": N_("Page"),
    "deadline_before": N_("Dernier jour pour rendre votre bon :"),
    "how_tick": N_("Cochez ou faites une croix dans la case de la quantité que vous voulez."),
    "how_cancel": N_("Pour annuler une case, remplissez-la entièrement, puis cochez la bonne case."),
    "col_product": N_("Produit"),
    "col_price": N_("Prix"),
    "col_quantity": N_("Combien ? (une case par produit)"),
    "col_tolerance": N_("+1 ?"),
    "col_feedback": N_("Aimé le mois dernier ?"),
    "how_tolerance": N_("J'accepte 1 de plus si le carton n'est pas complet (pour finir le carton)."),
    "volunteers_only": N_("Réservé aux bénévoles"),
    "amount_paid": N_("Montant payé (€)"),
    "amount_heads": [
        N_("×10"),
        N_("×1"),
        N_("0,1"),
        N_("0,01"),
    ],
    "payment_methods": {
        "especes": N_("Espèces"),
        "cheque": N_("Chèque"),
        "cheque_alimentaire": N_("Chèque alimentaire"),
        "avoir": N_("Avoir"),
    },
    "comment_title": N_("Un mot pour le labo d'usage ?"),
    "comment_help": N_("(facultatif)"),
    "walkin_name": N_("Votre nom et prénom :"),
    "walkin_number_help": N_("Pas encore de numéro ? Un bénévole vous en donne un."),
    # Under the walk-in grid, {example} being 42 padded to the grid's width (0042): the zeros are ticked too.
    "member_number_example": N_("Une case par chiffre, avec les zéros du début : le numéro 42 se coche {example}."),
    "member_number": N_("Votre numéro d'adhérent"),
    "keep_code": N_("Ne pas plier ni agrafer ici."),
    "member_no": N_("N°"),
    "pickup": N_("Retrait"),
    "walkin_identity": N_("Bon libre"),
    # The public site's sample form, where a member's name goes: it must not be handed in.
    "sample_title": N_("MODÈLE — ne pas rendre"),
    "sample_line": N_("Le bon à rendre, à votre nom, se prend au point de retrait."),
    # Before the site's name on every page of a named form: the number `cagettes payment --bon` takes.
    "form_no": N_("Bon n°"),
    "credit": N_("Avoir du mois dernier"),
    "like": N_("oui"),
    "dislike": N_("non"),
}


def texts(lang: str) -> dict[str, Any]:
    """The form's words in ``lang``, with the spaces that must not break made unbreakable."""
    return kept_together(localize(TEXTS, lang))


def keep_together(text: str) -> str:
    """``text`` with no-break spaces where a line break would split a number from its unit."""
    return _KEPT_TOGETHER.sub(NO_BREAK, text)


def kept_together(value: Any) -> Any:
    if isinstance(value, str):
        return keep_together(value)
    if isinstance(value, dict):
        return {key: kept_together(item) for key, item in value.items()}
    return [kept_together(item) for item in value] if isinstance(value, list) else value
