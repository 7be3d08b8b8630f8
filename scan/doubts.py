"""Why a page or a box waits for a volunteer, or was refused, in a few words: on the review page,
after a scan and in ``cagettes status``. A page's review reason is a code such as
``quantity:BEURRE:several_marked`` (see ``recognise.doubt_reasons``); nobody should have to read it."""
from __future__ import annotations

from collections.abc import Mapping

from cagettes.core.i18n import N_, Messages, translate

WORDS: Messages = {
    "why_band": N_("Trait très léger ou très petit"),
    "why_filled_band": N_("Presque remplie : cochée ou annulée ?"),
    "why_trace": N_("Quelques points dans la case (trait effacé par le scanner ?)"),
    "why_beside": N_("Un trait touche le bord de la case"),
    "why_unseen": N_("Case absente de l'image (bord ou coin perdu au scan) : regardez le papier"),
    "why_too_dark": N_("Case dans une ombre trop sombre : regardez le papier"),
    "why_several_marked": N_("Plusieurs quantités cochées pour ce produit"),
    "why_filled_alone": N_("Une case remplie seule : annulée ou choisie ?"),
    "why_box_doubtful": N_("une case douteuse"),
    "why_digit_missing": N_("il manque un chiffre"),
    "why_unknown_member": N_("Le numéro coché n'est celui d'aucun membre : vérifiez les chiffres sur le papier, ou attribuez ce bon libre au membre qui l'a rempli"),
    "why_conflict": N_("page scannée deux fois"),
    "why_other": N_("Le scanner n'est pas sûr"),
    "kind_payment": N_("Paiement"),
    "kind_amount": N_("Montant payé"),
    "kind_member_number": N_("Numéro de membre"),
    # a whole page's reason, in the counts after a scan (each page's full sentence: notices.py)
    "page_blank_page": N_("page blanche"),
    "page_unreadable_code": N_("code QR illisible"),
    "page_conflicting_codes": N_("deux codes différents sur la même page"),
    "page_not_ours": N_("code QR qui n'est pas celui d'un bon"),
    "page_sample_form": N_("modèle du site internet, qui ne compte pas"),
    "page_layout_version": N_("bon d'une autre version de cagettes"),
    "page_other_workspace": N_("bon d'une autre association"),
    "page_other_month": N_("bon d'un autre mois"),
    "page_bad_signature": N_("identifiant falsifié ou mal recopié"),
    "page_not_in_manifest": N_("identifiant jamais imprimé ce mois-ci"),
    "page_registration_failed": N_("page impossible à caler sur le bon imprimé"),
    "page_photo_blurred": N_("photo floue"),
    "page_photo_too_small": N_("photo où la feuille est trop petite"),
    "page_photo_no_sheet": N_("photo sans feuille reconnue"),
    "page_internal_error": N_("erreur de lecture, gardée pour les développeurs"),
    "page_needs_identity": N_("code illisible : page à identifier sur la page de vérification"),
    "page_unreadable": N_("fichier impossible à ouvrir"),
    "page_broken_link": N_("lien vers un fichier disparu"),
    "page_not_a_file": N_("pas un fichier ordinaire"),
    "page_not_an_image": N_("pas une image"),
    "page_unsupported": N_("format d'image non pris en charge"),
    "page_truncated": N_("fichier coupé"),
    "page_encrypted": N_("PDF protégé par un mot de passe"),
    "page_empty_pdf": N_("PDF sans page"),
    "page_too_large": N_("image trop grande"),
    "page_odd_size": N_("image trop petite ou trop étroite pour une page"),
    "page_crashed": N_("fichier qui fait planter le lecteur"),
}


def why(reason: str, lang: str = "fr") -> str:
    """A doubt in words: the box's own reason, or its group's."""
    key = f"why_{reason}"
    return translate(WORDS, key if key in WORDS else "why_other", lang)


def doubt_in_words(code: str, names: Mapping[str, str], lang: str = "fr") -> str:
    """A review or rejection reason as a volunteer reads it: "Beurre doux : plusieurs quantités
    cochées pour ce produit" for ``quantity:BEURRE:several_marked``; ``names``: product ref -> name."""
    if code == "conflict":
        return translate(WORDS, "why_conflict", lang)
    if ":" not in code:
        return translate(WORDS, f"page_{code}", lang) if f"page_{code}" in WORDS else code
    kind, ref, reason = (code.split(":") + ["", ""])[:3]
    what = names.get(ref) or (translate(WORDS, f"kind_{kind}", lang) if f"kind_{kind}" in WORDS else kind)
    return f"{what}{' :' if lang == 'fr' else ':'} {why(reason, lang).lower()}"
