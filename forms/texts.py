"""Words printed on the order form, in French, marked for the gettext catalogs.

Kept apart from the templates so that an association overriding a template keeps the same
words, and the same translations.
"""
from __future__ import annotations

from typing import Any

from cagettes.core.i18n import N_, localize

TEXTS: dict[str, Any] = {
    "form_title": N_("Bon de commande"),
    "page": N_("Page"),
    "deadline_before": N_("Dernier jour pour rendre votre bon :"),
    "how_tick": N_("Cochez ou faites une croix dans la case de la quantité que vous voulez."),
    "how_cancel": N_("Pour annuler une case, remplissez-la entièrement, puis cochez la bonne case."),
    "col_product": N_("Produit"),
    "col_quantity": N_("Combien ? (une case par produit)"),
    "col_tolerance": N_("+1 ?"),
    "col_feedback": N_("Aimé ?"),
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
    "member_number": N_("Votre numéro d'adhérent"),
    "keep_code": N_("Ne pas plier ni agrafer ici."),
    "member_no": N_("N°"),
    "pickup": N_("Retrait"),
    "walkin_identity": N_("Bon libre"),
    "credit": N_("Avoir du mois dernier"),
    "like": N_("oui"),
    "dislike": N_("non"),
}


def texts(lang: str) -> dict[str, Any]:
    """The form's words in ``lang``."""
    return localize(TEXTS, lang)
