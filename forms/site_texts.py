"""Words of the posters and of the public site, in French and English.

A table apart from ``forms.texts`` (the order form's words), in the same shape: one dictionary
per language, so a translation is one table and an overridden template keeps the same words.
Posters and the site are printed and published in French for now; English is kept complete
so that a site in English is a matter of passing the language.

French texts put a no-break space (\\u00a0) before ":" and "?", so that neither ever starts a
line on a poster or a narrow phone screen.
"""
from __future__ import annotations

SITE_TEXTS: dict[str, dict[str, object]] = {
    "fr": {
        # Posters
        "orders_of": "Commandes de",
        "orders_of_elided": "Commandes d'",
        "poster_deadline": "Dernier jour pour rendre votre bon\u00a0:",
        "poster_pickup": "Venez chercher vos produits\u00a0:",
        "poster_products": "Les produits du mois",
        "poster_scan": "Sur internet\u00a0:",
        "poster_question": "Une question\u00a0?",
        # Site: furniture
        "skip_link": "Aller au contenu",
        "nav_label": "Menu principal",
        "nav_home": "Accueil",
        "nav_catalog": "Tous les produits",
        "footer_contact": "Contact",
        # Site: home page
        "index_intro": "Vous pouvez commander des produits avec un bon de commande en papier.",
        "index_steps_title": "Comment faire\u00a0?",
        "index_steps": [
            "Prenez un bon de commande à votre lieu de retrait.",
            "Cochez les produits que vous voulez.",
            "Rendez votre bon avant la date limite.",
            "Venez chercher vos produits le jour du retrait.",
        ],
        "deadline": "Dernier jour pour rendre votre bon",
        "sites_title": "Les lieux de retrait",
        "sites_caption": "Lieux de retrait, adresses et jours de retrait",
        "col_site": "Lieu",
        "col_address": "Adresse",
        "col_pickup": "Jour et heures de retrait",
        "see_site": "Voir la page du lieu",
        "no_pickup": "Pas de retrait ce mois-ci.",
        "catalog_link": "Voir tous les produits du mois, avec leurs fournisseurs",
        # Site: a site's page
        "pickup_title": "Retrait des produits",
        "pickup_day": "Jour",
        "pickup_hours": "Heures",
        "address": "Adresse",
        "products_title": "Les produits du mois",
        "products_caption": "Produits, unités et prix",
        "col_product": "Produit",
        "col_unit": "Quantité",
        "col_price": "Prix",
        "downloads_title": "À télécharger et imprimer",
        "download_poster": "Affiche {size} de ce lieu",
        "download_blank_form": "Modèle du bon de commande, pour le découvrir (le bon à rendre se prend au point de retrait : il porte votre nom et un code)",
        "download_kind": "PDF, {size}",
        "back_home": "Retour à l'accueil",
        # Site: catalog page
        "catalog_title": "Tous les produits du mois",
        "catalog_intro": "Les produits sont choisis par les labos d'usage : des groupes de membres qui goûtent et donnent leur avis.",
        "catalog_caption": "Produits du mois : prix, fournisseur, catégories, labo d'usage et statut",
        "col_supplier": "Fournisseur",
        "col_tags": "Catégories",
        "col_lab": "Labo d'usage",
        "col_status": "Statut",
        "tags": {"proteine": "protéines", "local": "local", "frais": "frais", "bio": "bio"},
        "statuses": {"essai": "à l'essai", "regulier": "régulier", "retire": "retiré"},
        "units": {"kB": "ko", "MB": "Mo"},
    },
    "en": {
        "orders_of": "Orders for",
        "orders_of_elided": "Orders for",
        "poster_deadline": "Last day to hand in your form:",
        "poster_pickup": "Come and collect your products:",
        "poster_products": "This month's products",
        "poster_scan": "On the web:",
        "poster_question": "Any question?",
        "skip_link": "Skip to content",
        "nav_label": "Main menu",
        "nav_home": "Home",
        "nav_catalog": "All products",
        "footer_contact": "Contact",
        "index_intro": "You can order products with a paper order form.",
        "index_steps_title": "How does it work?",
        "index_steps": [
            "Take an order form at your pickup place.",
            "Tick the products you want.",
            "Hand in your form before the deadline.",
            "Come and collect your products on pickup day.",
        ],
        "deadline": "Last day to hand in your form",
        "sites_title": "Pickup places",
        "sites_caption": "Pickup places, addresses and pickup days",
        "col_site": "Place",
        "col_address": "Address",
        "col_pickup": "Pickup day and hours",
        "see_site": "See the place's page",
        "no_pickup": "No pickup this month.",
        "catalog_link": "See all of this month's products, with their suppliers",
        "pickup_title": "Collecting your products",
        "pickup_day": "Day",
        "pickup_hours": "Hours",
        "address": "Address",
        "products_title": "This month's products",
        "products_caption": "Products, units and prices",
        "col_product": "Product",
        "col_unit": "Quantity",
        "col_price": "Price",
        "downloads_title": "To download and print",
        "download_poster": "Poster for this place, {size}",
        "download_blank_form": "Sample order form, to look at (the form to hand in is given at the pickup site: it carries your name and a code)",
        "download_kind": "PDF, {size}",
        "back_home": "Back to the home page",
        "catalog_title": "All of this month's products",
        "catalog_intro": "Products are chosen by the living labs: groups of members who taste them and give their opinion.",
        "catalog_caption": "This month's products: price, supplier, categories, living lab and status",
        "col_supplier": "Supplier",
        "col_tags": "Categories",
        "col_lab": "Living lab",
        "col_status": "Status",
        "tags": {"proteine": "protein", "local": "local", "frais": "fresh", "bio": "organic"},
        "statuses": {"essai": "on trial", "regulier": "regular", "retire": "withdrawn"},
        "units": {"kB": "kB", "MB": "MB"},
    },
}


def site_texts(lang: str) -> dict[str, object]:
    return SITE_TEXTS.get(lang, SITE_TEXTS["fr"])
