"""Words of the member's receipt, in the member's language (FALC: short, concrete sentences)."""
from __future__ import annotations

RECEIPT_TEXTS = {
    "fr": {
        "title": "Votre commande",
        "number": "Bon n°",
        "pickup": "Retrait :",
        "product": "Produit",
        "ordered": "Commandé",
        "delivered": "Vous recevez",
        "cut": "{n} de moins : le carton n'était pas complet.",
        "cut_minimum": "{n} de moins : pas assez de commandes chez ce fournisseur ce mois-ci.",
        "extra": "1 de plus : vous aviez coché « +1 ».",
        "value": "Valeur de ce que vous recevez",
        "previous_credit": "Avoir du mois dernier",
        "paid": "Vous avez payé",
        "still_due": "Reste à payer au retrait",
        "credit_next": "Votre avoir pour le mois prochain",
        "nothing_due": "Vous ne devez rien.",
        "thanks": "Merci ! Une question ? Demandez à un bénévole.",
    },
    "en": {
        "title": "Your order",
        "number": "Form no.",
        "pickup": "Pickup:",
        "product": "Product",
        "ordered": "Ordered",
        "delivered": "You get",
        "cut": "{n} fewer: the case was not full.",
        "cut_minimum": "{n} fewer: not enough orders for this supplier this month.",
        "extra": "1 more: you ticked “+1”.",
        "value": "Value of what you get",
        "previous_credit": "Credit from last month",
        "paid": "You paid",
        "still_due": "Still to pay at pickup",
        "credit_next": "Your credit for next month",
        "nothing_due": "You owe nothing.",
        "thanks": "Thank you! A question? Ask a volunteer.",
    },
}


def receipt_texts(lang: str) -> dict[str, str]:
    return RECEIPT_TEXTS.get(lang, RECEIPT_TEXTS["fr"])
