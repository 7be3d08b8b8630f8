"""Words printed on forms, posters and the public site, in French and English.

Kept apart from the templates so that a translation is one table, and so that an association
overriding a template keeps the same words.
"""
from __future__ import annotations

TEXTS: dict[str, dict[str, object]] = {
    "fr": {
        "form_title": "Bon de commande",
        "page": "Page",
        "deadline_before": "Dernier jour pour rendre votre bon :",
        "how_tick": "Cochez ou faites une croix dans la case de la quantité que vous voulez.",
        "how_cancel": "Pour annuler une case, remplissez-la entièrement, puis cochez la bonne case.",
        "col_product": "Produit",
        "col_quantity": "Combien ? (une case par produit)",
        "col_tolerance": "+1 ?",
        "col_feedback": "Aimé ?",
        "how_tolerance": "J'accepte 1 de plus si le carton n'est pas complet (pour finir le carton).",
        "volunteers_only": "Réservé aux bénévoles",
        "amount_paid": "Montant payé (€)",
        "amount_heads": ["×10", "×1", "0,1", "0,01"],
        "payment_methods": {"especes": "Espèces", "cheque": "Chèque",
                            "cheque_alimentaire": "Chèque alimentaire", "avoir": "Avoir"},
        "comment_title": "Un mot pour le labo d'usage ?",
        "comment_help": "(facultatif)",
        "walkin_name": "Votre nom et prénom :",
        "walkin_number_help": "Pas encore de numéro ? Un bénévole vous en donne un.",
        "member_number": "Votre numéro d'adhérent",
        "keep_code": "Ne pas plier ni agrafer ici.",
        "member_no": "N°",
        "pickup": "Retrait",
        "walkin_identity": "Bon libre",
        "credit": "Avoir du mois dernier",
        "like": "oui",
        "dislike": "non",
    },
    "en": {
        "form_title": "Order form",
        "page": "Page",
        "deadline_before": "Last day to hand in your form:",
        "how_tick": "Tick or cross the box of the quantity you want.",
        "how_cancel": "To cancel a box, fill it in completely, then tick the right box.",
        "col_product": "Product",
        "col_quantity": "How many? (one box per product)",
        "col_tolerance": "+1?",
        "col_feedback": "Liked?",
        "how_tolerance": "I accept 1 more if the case is not full (to complete the case).",
        "volunteers_only": "Volunteers only",
        "amount_paid": "Amount paid (€)",
        "amount_heads": ["×10", "×1", "0.1", "0.01"],
        "payment_methods": {"especes": "Cash", "cheque": "Cheque",
                            "cheque_alimentaire": "Food voucher", "avoir": "Credit"},
        "comment_title": "A word for the living lab?",
        "comment_help": "(optional)",
        "walkin_name": "Your full name:",
        "walkin_number_help": "No number yet? A volunteer will give you one.",
        "member_number": "Your member number",
        "keep_code": "Do not fold or staple here.",
        "member_no": "No.",
        "pickup": "Pickup",
        "walkin_identity": "Walk-in form",
        "credit": "Credit from last month",
        "like": "yes",
        "dislike": "no",
    },
}


def texts(lang: str) -> dict[str, object]:
    return TEXTS.get(lang, TEXTS["fr"])
