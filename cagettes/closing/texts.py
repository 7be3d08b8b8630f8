"""Words of the member's receipt, in the member's language (FALC: short, concrete sentences)."""
from __future__ import annotations

from cagettes.core.i18n import N_, localize

RECEIPT_TEXTS = {
    "title": N_("Votre commande"),
    "number": N_("Bon n°"),
    "member_no": N_("N°"),
    "pickup": N_("Retrait :"),
    "product": N_("Produit"),
    "ordered": N_("Commandé"),
    "delivered": N_("Vous recevez"),
    "cut": N_("{n} de moins : le carton n'était pas complet."),
    "cut_minimum": N_("{n} de moins : pas assez de commandes chez ce fournisseur ce mois-ci."),
    "extra": N_("1 de plus : vous aviez coché « +1 »."),
    "value": N_("Valeur de ce que vous recevez"),
    "previous_credit": N_("Avoir du mois dernier"),
    "paid": N_("Vous avez payé"),
    "still_due": N_("Reste à payer au retrait"),
    "credit_next": N_("Votre avoir pour le mois prochain"),
    "nothing_due": N_("Vous ne devez rien."),
    "thanks": N_("Merci ! Une question ? Demandez à un bénévole."),
}


def receipt_texts(lang: str) -> dict[str, str]:
    """The receipt's words in the member's language."""
    return localize(RECEIPT_TEXTS, lang)
