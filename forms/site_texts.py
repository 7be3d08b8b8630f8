"""Words of the posters and of the public site, in French, marked for the gettext catalogs.

A table apart from ``forms.texts`` (the order form's words), in the same shape; the English
words are in the gettext catalog. Posters and the site are printed and published in French for
now; English is kept complete so that a site in English is a matter of passing the language.

French texts put a no-break space (\\u00a0) before ":" and "?", so that neither ever starts a
line on a poster or a narrow phone screen.
"""
from __future__ import annotations

from typing import Any

from cagettes.core.i18n import N_, localize

SITE_TEXTS: dict[str, Any] = {
    "orders_of": N_("Commandes de"),
    "orders_of_elided": N_("Commandes d'"),
    "poster_deadline": N_("Dernier jour pour rendre votre bon\u00a0:"),
    "poster_pickup": N_("Venez chercher vos produits\u00a0:"),
    "poster_products": N_("Les produits du mois"),
    "poster_scan": N_("Sur internet\u00a0:"),
    "poster_question": N_("Une question\u00a0?"),
    "skip_link": N_("Aller au contenu"),
    "nav_label": N_("Menu principal"),
    "nav_home": N_("Accueil"),
    "nav_catalog": N_("Tous les produits"),
    "footer_contact": N_("Contact"),
    "index_intro": N_("Vous pouvez commander des produits avec un bon de commande en papier."),
    "index_steps_title": N_("Comment faire\u00a0?"),
    "index_steps": [
        N_("Prenez un bon de commande à votre lieu de retrait."),
        N_("Cochez les produits que vous voulez."),
        N_("Rendez votre bon avant la date limite."),
        N_("Venez chercher vos produits le jour du retrait."),
    ],
    "deadline": N_("Dernier jour pour rendre votre bon"),
    "sites_title": N_("Les lieux de retrait"),
    "sites_caption": N_("Lieux de retrait, adresses et jours de retrait"),
    "col_site": N_("Lieu"),
    "col_address": N_("Adresse"),
    "col_pickup": N_("Jour et heures de retrait"),
    "see_site": N_("Voir la page du lieu"),
    "no_pickup": N_("Pas de retrait ce mois-ci."),
    "catalog_link": N_("Voir tous les produits du mois, avec leurs fournisseurs"),
    "pickup_title": N_("Retrait des produits"),
    "pickup_day": N_("Jour"),
    "pickup_hours": N_("Heures"),
    "address": N_("Adresse"),
    "products_title": N_("Les produits du mois"),
    "products_caption": N_("Produits, unités et prix"),
    "col_product": N_("Produit"),
    "col_unit": N_("Quantité"),
    "col_price": N_("Prix"),
    "downloads_title": N_("À télécharger et imprimer"),
    "download_poster": N_("Affiche {size} de ce lieu"),
    "download_blank_form": N_("Modèle du bon de commande, pour le découvrir (le bon à rendre se prend au point de retrait : il porte votre nom et un code)"),
    "download_kind": N_("PDF, {size}"),
    "back_home": N_("Retour à l'accueil"),
    "catalog_title": N_("Tous les produits du mois"),
    "catalog_intro": N_("Les produits sont choisis par les labos d'usage : des groupes de membres qui goûtent et donnent leur avis."),
    "catalog_caption": N_("Produits du mois : prix, fournisseur, catégories, labo d'usage et statut"),
    "col_supplier": N_("Fournisseur"),
    "col_tags": N_("Catégories"),
    "col_lab": N_("Labo d'usage"),
    "col_status": N_("Statut"),
    "tags": {
        "proteine": N_("protéines"),
        "local": N_("local"),
        "frais": N_("frais"),
        "bio": N_("bio"),
    },
    "statuses": {
        "essai": N_("à l'essai"),
        "regulier": N_("régulier"),
        "retire": N_("retiré"),
    },
    "units": {
        "kB": N_("ko"),
        "MB": N_("Mo"),
    },
    "nav_dashboard": N_("Le mois en chiffres"),
    "dashboard_title": N_("Le mois en chiffres"),
    "dashboard_intro": N_("Ce que le groupement a commandé ce mois-ci, tous membres ensemble. Aucune commande individuelle n'est publiée."),
    "dashboard_forms": N_("{returned} bons nominatifs revenus sur {issued} distribués, et {walkins} bons libres."),
    "dashboard_data": N_("Les chiffres du graphique"),
    "col_ordered": N_("Commandé"),
    "col_delivered": N_("Livré"),
    "col_cases": N_("Cartons"),
    "col_fill": N_("Remplissage"),
    "col_issued": N_("Bons distribués"),
    "col_returned": N_("Bons nominatifs revenus"),
    "col_walkins": N_("Bons libres revenus"),
    "col_units": N_("Unités livrées"),
}


def site_texts(lang: str) -> dict[str, Any]:
    """The posters' and the site's words in ``lang``."""
    return localize(SITE_TEXTS, lang)
