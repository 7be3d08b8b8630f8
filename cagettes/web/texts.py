"""Words of the review page, French first, and what each box of a form means, in words."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from cagettes.core.i18n import N_, Messages, translate
from cagettes.core.money import euros
from cagettes.core.records import ManifestBox, ManifestProduct
from cagettes.services.review import doubt_in_words, why
from cagettes.services.review import printed_words as texts

__all__ = ["MESSAGES", "NO_PRODUCT", "box_meaning", "doubt_in_words", "t", "why"]  # the doubts' words: scan/doubts.py

MESSAGES: Messages = {
    "title": N_("Vérifier les bons scannés"),
    "hello": N_("Bonjour {name}"),
    "change_name": N_("Ce n'est pas moi"),
    "ask_name": N_("Quel est votre prénom ?"),
    "why_name": N_("Chaque décision garde le nom de la personne qui l'a prise."),
    "start": N_("Commencer"),
    "month_closed": N_("Ce mois est clos depuis le {date} : vos décisions sont enregistrées, mais les listes d'émargement et les commandes fournisseurs ne changent plus. Pour qu'elles comptent, un·e responsable rouvre le mois (cagettes month reopen {month} --raison \"...\"), puis le clôt de nouveau."),
    "summary": N_("{boxes} case(s) à vérifier · {conflicts} page(s) scannée(s) deux fois · {finish} page(s) à finir"),
    "all_done": N_("Tout est vérifié. Merci !"),
    "keys_title": N_("Raccourcis clavier"),
    "keys": N_("C = cochée · V = vide · R = remplie (annulée) · ↓ ou J = case suivante · ↑ ou K = case précédente · E = voir la page entière · A = accepter la page · Z = défaire la dernière décision"),
    "boxes_title": N_("Cases à vérifier"),
    "boxes_help": N_("Regardez la case entourée. Qu'a voulu faire la personne ?"),
    "more_boxes": N_("… et {count} autre(s) case(s) : elles viendront quand celles-ci seront décidées."),
    "marked": N_("Cochée"),
    "empty": N_("Vide"),
    "cancelled": N_("Remplie (annulée)"),
    "doubtful": N_("douteuse"),
    "read_as": N_("Le scanner a lu : {state}"),
    "whole_page": N_("Voir la page entière"),
    "conflicts_title": N_("Pages scannées deux fois"),
    "conflicts_help": N_("La même page a été scannée deux fois. Gardez le meilleur scan : l'autre ne compte pas."),
    "keep": N_("Garder ce scan"),
    "scan_of": N_("Scan n° {id} · {source} · lu le {when}"),
    "finish_title": N_("Pages à finir"),
    "finish_help": N_("Plus de case à décider, mais un doute reste : ouvrez la page pour l'accepter ou la refuser."),
    "unnamed_title": N_("Pages sans code lisible"),
    "unnamed_title_one": N_("Page sans code lisible"),
    "unnamed_summary": N_("{count} page(s) sans code lisible"),
    "unnamed_list_help": N_("Le scanner n'a lu aucun code QR sur ces pages : ouvrez chacune et dites quel bon c'est."),
    "unnamed_help": N_("Le scanner n'a lu aucun code QR sur cette page. Recopiez l'identifiant imprimé en clair en bas de la page, ou choisissez le bon dans la liste : la page sera alors lue comme les autres. Si ce n'est pas un bon de ce mois, refusez-la."),
    "unnamed_image": N_("La page scannée, telle qu'elle est arrivée"),
    "identifier": N_("Identifiant imprimé en bas de la page"),
    "identifier_help": N_("Par exemple EC1-202612-ABCD-00042-1-ABCDEFGHIJ ; majuscules, espaces et tirets ne comptent pas."),
    "identify_choose": N_("Ou choisissez le bon et la page (pages pas encore revenues) :"),
    "identify_button": N_("C'est cette page"),
    "did_identify": N_("page identifiée : {value}"),
    "walkins_title": N_("Bons libres revenus"),
    "walkin_unknown": N_("membre inconnu : à attribuer"),
    "walkin_read": N_("numéro lu : {number}"),
    "walkin_assigned": N_("attribué à {who}"),
    "history_title": N_("Dernières décisions"),
    "undo": N_("Défaire"),
    "undone": N_("défaite par {who} le {when}"),
    "nothing_yet": N_("Aucune décision pour l'instant."),
    "back": N_("← Retour à la liste"),
    "form_label": N_("Bon n° {form} · page {page} sur {pages}"),
    "walkin_form": N_("bon libre"),
    "outcome_accepted": N_("Page acceptée"),
    "outcome_needs_review": N_("Page à vérifier"),
    "outcome_rejected": N_("Page refusée : {reason}"),
    "accept": N_("Accepter la page"),
    "accept_help": N_("Ce qui reste douteux ira « douteux » dans la commande."),
    "reject": N_("Refuser la page"),
    "reject_reason": N_("Pourquoi ?"),
    "reasons": N_("Illisible|Pas un bon de cette association|Bon en double|Page vide"),
    "other_reason": N_("Autre raison :"),
    "assign": N_("Attribuer ce bon libre à un membre"),
    "assign_help": N_("Numéro du membre (ou tapez son nom pour le trouver)"),
    "assign_button": N_("Attribuer"),
    "order_title": N_("Ce bon dans la commande, maintenant"),
    "order_empty": N_("Aucun produit commandé sur ce bon."),
    "col_product": N_("Produit"),
    "col_quantity": N_("Quantité"),
    "col_status": N_("Statut"),
    "col_member": N_("Membre"),
    "page_image": N_("La page scannée (vert : cochée, violet : annulée, rouge : douteuse)"),
    "page_boxes": N_("Cases de cette page à vérifier"),
    "page_decisions": N_("Décisions sur cette page"),
    "fault": N_("Erreur inattendue : ce n'est pas une erreur de votre part, et les décisions déjà enregistrées "
                "ne sont pas perdues. Le détail est écrit dans {path} (il peut contenir des données personnelles). "
                "Envoyez ce fichier à la personne qui s'occupe de cagettes, puis rechargez la page."),
    "denied": N_("Cette page est privée. Ouvrez-la avec la commande « cagettes review » sur cet ordinateur."),
    "expired": N_("La page a expiré : rechargez-la et recommencez."),
    "saved": N_("Enregistré."),
    "did_box": N_("{box} : {state}"),
    "did_accept": N_("page acceptée"),
    "did_reject": N_("page refusée : {value}"),
    "did_assign": N_("bon libre attribué au membre {value}"),
    "did_keep_scan": N_("scan n° {value} gardé"),
    "box_quantity": N_("{product} ({unit}) : quantité {value} = {price}"),
    "box_tolerance": N_("{product} : +1 si le carton n'est pas complet"),
    "box_payment": N_("Paiement : {method}"),
    "box_amount_digit": N_("Montant payé, colonne « {column} » : chiffre {value}"),
    "box_member_digit": N_("Numéro de membre, chiffre n° {column} : {value}"),
    "box_feedback": N_("{product} : {value}"),
    "like": N_("j'ai aimé"),
    "dislike": N_("je n'ai pas aimé"),
    "serving": N_("Page de vérification : {url}\n(sur cet ordinateur seulement ; Ctrl+C pour arrêter)"),
    "not_local": N_("Attention : l'adresse {host} n'est pas locale ; les bons contiennent des données personnelles. Préférez 127.0.0.1."),
    "port_taken": N_("Le port {port} de {host} est déjà pris (une autre page de vérification est peut-être ouverte) : fermez-la, ou relancez sans --port pour prendre un port libre."),
    "cannot_listen": N_("Impossible d'ouvrir la page de vérification sur « {host} », port {port} ({error}) : relancez sans --host ni --port (127.0.0.1, un port libre)."),
}


# What a box that names no product (payment, amount, member number) is worded with.
NO_PRODUCT: ManifestProduct = {"index": -1, "ref": "", "name": "", "unit": "", "price": "0", "max": 0, "case_size": None}


def t(key: str, lang: str = "fr", **params) -> str:
    return translate(MESSAGES, key, lang, **params)


def box_meaning(box: ManifestBox, products: Mapping[str, ManifestProduct], lang: str = "fr") -> str:
    """What a mark in this box says, in words: "Œufs (la boîte de 6) : quantité 2 = 4,80 €"."""
    kind = box["kind"]
    value: Any = box.get("value")  # a digit, a method code or a feedback code: see forms/layout.py
    product = products.get(box.get("product") or "", NO_PRODUCT)
    params = {"product": product["name"], "unit": product["unit"], "value": value}
    if kind == "quantity":
        params["price"] = euros(Decimal(product["price"]) * int(value), lang)
    elif kind == "payment":
        params["method"] = texts(lang)["payment_methods"].get(value, value)
    elif kind == "amount_digit":
        params["column"] = texts(lang)["amount_heads"][box["column"]]
    elif kind == "member_digit":
        params["column"] = box["column"] + 1
    elif kind == "feedback":
        params["value"] = t(value, lang)
    return t(f"box_{kind}", lang, **params)
