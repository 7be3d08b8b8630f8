"""Words of the review page, French first, and what each box of a form means, in words."""
from __future__ import annotations

from decimal import Decimal

from cagettes.core.i18n import translate
from cagettes.forms.templating import euros
from cagettes.forms.texts import TEXTS

MESSAGES = {
    "title": {"fr": "Vérifier les bons scannés", "en": "Review the scanned forms"},
    "hello": {"fr": "Bonjour {name}", "en": "Hello {name}"},
    "change_name": {"fr": "Ce n'est pas moi", "en": "Not me"},
    "ask_name": {"fr": "Quel est votre prénom ?", "en": "What is your name?"},
    "why_name": {"fr": "Chaque décision garde le nom de la personne qui l'a prise.",
                 "en": "Each decision keeps the name of who made it."},
    "start": {"fr": "Commencer", "en": "Start"},
    "month_closed": {"fr": "Ce mois est clos depuis le {date} : vos décisions sont enregistrées, mais les listes "
                           "d'émargement et les commandes fournisseurs ne changent plus. Pour qu'elles comptent, "
                           "un·e responsable rouvre le mois (cagettes month reopen), puis le clôt de nouveau.",
                     "en": "This month was closed on {date}: your decisions are recorded, but the signing sheets "
                           "and supplier orders no longer change. For them to count, a coordinator reopens the "
                           "month (cagettes month reopen), then closes it again."},
    "summary": {"fr": "{boxes} case(s) à vérifier · {conflicts} page(s) scannée(s) deux fois · {finish} page(s) à finir",
                "en": "{boxes} box(es) to check · {conflicts} page(s) scanned twice · {finish} page(s) to finish"},
    "all_done": {"fr": "Tout est vérifié. Merci !", "en": "Everything is checked. Thank you!"},
    "keys_title": {"fr": "Raccourcis clavier", "en": "Keyboard shortcuts"},
    "keys": {"fr": "C = cochée · V = vide · R = remplie (annulée) · ↓ ou J = case suivante · ↑ ou K = case "
                   "précédente · E = voir la page entière · A = accepter la page · Z = défaire la dernière décision",
             "en": "C = marked · V = empty · R = filled (cancelled) · ↓ or J = next box · ↑ or K = previous box · "
                   "E = see the whole page · A = accept the page · Z = undo the last decision"},
    "boxes_title": {"fr": "Cases à vérifier", "en": "Boxes to check"},
    "boxes_help": {"fr": "Regardez la case entourée. Qu'a voulu faire la personne ?",
                   "en": "Look at the framed box. What did the person mean?"},
    "more_boxes": {"fr": "… et {count} autre(s) case(s) : elles viendront quand celles-ci seront décidées.",
                   "en": "… and {count} more box(es): they come up once these are decided."},
    "marked": {"fr": "Cochée", "en": "Marked"},
    "empty": {"fr": "Vide", "en": "Empty"},
    "cancelled": {"fr": "Remplie (annulée)", "en": "Filled (cancelled)"},
    "doubtful": {"fr": "douteuse", "en": "doubtful"},
    "read_as": {"fr": "Le scanner a lu : {state}", "en": "The scanner read: {state}"},
    "whole_page": {"fr": "Voir la page entière", "en": "See the whole page"},
    "conflicts_title": {"fr": "Pages scannées deux fois", "en": "Pages scanned twice"},
    "conflicts_help": {"fr": "La même page a été scannée deux fois. Gardez le meilleur scan : l'autre ne compte pas.",
                       "en": "The same page was scanned twice. Keep the better scan: the other does not count."},
    "keep": {"fr": "Garder ce scan", "en": "Keep this scan"},
    "scan_of": {"fr": "Scan n° {id} · {source} · lu le {when}", "en": "Scan {id} · {source} · read on {when}"},
    "finish_title": {"fr": "Pages à finir", "en": "Pages to finish"},
    "finish_help": {"fr": "Plus de case à décider, mais un doute reste : ouvrez la page pour l'accepter ou la refuser.",
                    "en": "No box left to decide but a doubt remains: open the page to accept or reject it."},
    "walkins_title": {"fr": "Bons libres revenus", "en": "Walk-in forms back"},
    "walkin_unknown": {"fr": "membre inconnu : à attribuer", "en": "member unknown: to assign"},
    "walkin_read": {"fr": "numéro lu : {number}", "en": "number read: {number}"},
    "walkin_assigned": {"fr": "attribué à {who}", "en": "given to {who}"},
    "history_title": {"fr": "Dernières décisions", "en": "Latest decisions"},
    "undo": {"fr": "Défaire", "en": "Undo"},
    "undone": {"fr": "défaite par {who} le {when}", "en": "undone by {who} on {when}"},
    "nothing_yet": {"fr": "Aucune décision pour l'instant.", "en": "No decision yet."},
    "back": {"fr": "← Retour à la liste", "en": "← Back to the list"},
    "form_label": {"fr": "Bon n° {form} · page {page} sur {pages}", "en": "Form {form} · page {page} of {pages}"},
    "walkin_form": {"fr": "bon libre", "en": "walk-in form"},
    "outcome_accepted": {"fr": "Page acceptée", "en": "Page accepted"},
    "outcome_needs_review": {"fr": "Page à vérifier", "en": "Page to review"},
    "outcome_rejected": {"fr": "Page refusée : {reason}", "en": "Page rejected: {reason}"},
    "accept": {"fr": "Accepter la page", "en": "Accept the page"},
    "accept_help": {"fr": "Ce qui reste douteux ira « douteux » dans la commande.",
                    "en": "What is still doubtful goes to the order as \"doubtful\"."},
    "reject": {"fr": "Refuser la page", "en": "Reject the page"},
    "reject_reason": {"fr": "Pourquoi ?", "en": "Why?"},
    "reasons": {"fr": "Illisible|Pas un bon de cette association|Bon en double|Page vide",
                "en": "Unreadable|Not a form of this association|Duplicate form|Blank page"},
    "other_reason": {"fr": "Autre raison :", "en": "Other reason:"},
    "assign": {"fr": "Attribuer ce bon libre à un membre", "en": "Give this walk-in form to a member"},
    "assign_help": {"fr": "Numéro du membre (ou tapez son nom pour le trouver)",
                    "en": "Member number (or type the name to find it)"},
    "assign_button": {"fr": "Attribuer", "en": "Assign"},
    "order_title": {"fr": "Ce bon dans la commande, maintenant", "en": "This form in the order, now"},
    "order_empty": {"fr": "Aucun produit commandé sur ce bon.", "en": "No product ordered on this form."},
    "col_product": {"fr": "Produit", "en": "Product"},
    "col_quantity": {"fr": "Quantité", "en": "Quantity"},
    "col_status": {"fr": "Statut", "en": "Status"},
    "col_member": {"fr": "Membre", "en": "Member"},
    "page_image": {"fr": "La page scannée (vert : cochée, violet : annulée, rouge : douteuse)",
                   "en": "The scanned page (green: marked, purple: cancelled, red: doubtful)"},
    "page_boxes": {"fr": "Cases de cette page à vérifier", "en": "Boxes of this page to check"},
    "page_decisions": {"fr": "Décisions sur cette page", "en": "Decisions on this page"},
    "denied": {"fr": "Cette page est privée. Ouvrez-la avec la commande « cagettes review » sur cet ordinateur.",
               "en": "This page is private. Open it with the command \"cagettes review\" on this computer."},
    "expired": {"fr": "La page a expiré : rechargez-la et recommencez.", "en": "The page expired: reload it and try again."},
    "saved": {"fr": "Enregistré.", "en": "Saved."},
    # why a box is in doubt
    "why_band": {"fr": "Trait très léger ou très petit", "en": "Very light or very small mark"},
    "why_filled_band": {"fr": "Presque remplie : cochée ou annulée ?", "en": "Nearly filled: marked or cancelled?"},
    "why_trace": {"fr": "Quelques points dans la case (trait effacé par le scanner ?)",
                  "en": "A few dots in the box (a mark the scanner nearly erased?)"},
    "why_beside": {"fr": "Un trait touche le bord de la case", "en": "A stroke touches the box's edge"},
    "why_several_marked": {"fr": "Plusieurs quantités cochées pour ce produit", "en": "Several quantities marked"},
    "why_filled_alone": {"fr": "Une case remplie seule : annulée ou choisie ?", "en": "A filled box alone: cancelled or chosen?"},
    "why_box_doubtful": {"fr": "une case douteuse", "en": "a doubtful box"},
    "why_digit_missing": {"fr": "il manque un chiffre", "en": "a digit is missing"},
    "why_conflict": {"fr": "page scannée deux fois", "en": "page scanned twice"},
    "why_other": {"fr": "Le scanner n'est pas sûr", "en": "The scanner is not sure"},
    "kind_payment": {"fr": "Paiement", "en": "Payment"},
    "kind_amount": {"fr": "Montant payé", "en": "Amount paid"},
    "kind_member_number": {"fr": "Numéro de membre", "en": "Member number"},
    # actions in the history
    "did_box": {"fr": "{box} : {state}", "en": "{box}: {state}"},
    "did_accept": {"fr": "page acceptée", "en": "page accepted"},
    "did_reject": {"fr": "page refusée : {value}", "en": "page rejected: {value}"},
    "did_assign": {"fr": "bon libre attribué au membre {value}", "en": "walk-in form given to member {value}"},
    "did_keep_scan": {"fr": "scan n° {value} gardé", "en": "scan {value} kept"},
    # what a box means
    "box_quantity": {"fr": "{product} ({unit}) : quantité {value} = {price}",
                     "en": "{product} ({unit}): quantity {value} = {price}"},
    "box_tolerance": {"fr": "{product} : +1 si le carton n'est pas complet",
                      "en": "{product}: +1 if the case is not full"},
    "box_payment": {"fr": "Paiement : {method}", "en": "Payment: {method}"},
    "box_amount_digit": {"fr": "Montant payé, colonne « {column} » : chiffre {value}",
                         "en": "Amount paid, column \"{column}\": digit {value}"},
    "box_member_digit": {"fr": "Numéro de membre, chiffre n° {column} : {value}",
                         "en": "Member number, digit {column}: {value}"},
    "box_feedback": {"fr": "{product} : {value}", "en": "{product}: {value}"},
    "like": {"fr": "j'ai aimé", "en": "I liked it"},
    "dislike": {"fr": "je n'ai pas aimé", "en": "I did not like it"},
    # the command
    "serving": {"fr": "Page de vérification : {url}\n(sur cet ordinateur seulement ; Ctrl+C pour arrêter)",
                "en": "Review page: {url}\n(on this computer only; Ctrl+C to stop)"},
    "not_local": {"fr": "Attention : l'adresse {host} n'est pas locale ; les bons contiennent des données "
                        "personnelles. Préférez 127.0.0.1.",
                  "en": "Warning: address {host} is not local; forms hold personal data. Prefer 127.0.0.1."},
    "port_taken": {"fr": "Le port {port} de {host} est déjà pris (une autre page de vérification est peut-être "
                         "ouverte) : fermez-la, ou relancez sans --port pour prendre un port libre.",
                   "en": "Port {port} of {host} is already taken (another review page may be open): close it, "
                         "or run again without --port to take a free port."},
    "cannot_listen": {"fr": "Impossible d'ouvrir la page de vérification sur « {host} », port {port} ({error}) : "
                            "relancez sans --host ni --port (127.0.0.1, un port libre).",
                      "en": "Cannot open the review page on \"{host}\", port {port} ({error}): run again without "
                            "--host or --port (127.0.0.1, a free port)."},
}


def t(key: str, lang: str = "fr", **params) -> str:
    return translate(MESSAGES, key, lang, **params)


def box_meaning(box: dict, products: dict[str, dict], lang: str = "fr") -> str:
    """What a mark in this box says, in words: "Œufs (la boîte de 6) : quantité 2 = 4,80 €"."""
    kind, value = box["kind"], box.get("value")
    product = products.get(box.get("product") or "", {})
    params = {"product": product.get("name", ""), "unit": product.get("unit", ""), "value": value}
    if kind == "quantity":
        params["price"] = euros(Decimal(product.get("price", "0")) * int(value), lang)
    elif kind == "payment":
        params["method"] = TEXTS[lang]["payment_methods"].get(value, value)
    elif kind == "amount_digit":
        params["column"] = TEXTS[lang]["amount_heads"][box["column"]]
    elif kind == "member_digit":
        params["column"] = box["column"] + 1
    elif kind == "feedback":
        params["value"] = t(value, lang)
    return t(f"box_{kind}", lang, **params)


def why(reason: str, lang: str = "fr") -> str:
    """A doubt in words: the box's own reason, or its group's."""
    key = f"why_{reason}"
    return t(key if key in MESSAGES else "why_other", lang)


def doubt_in_words(code: str, products: dict[str, dict], lang: str = "fr") -> str:
    """A page's review reason ("quantity:BEURRE:several_marked") as a volunteer reads it."""
    if code == "conflict":
        return t("why_conflict", lang)
    kind, ref, reason = (code.split(":") + ["", ""])[:3]
    what = products.get(ref, {}).get("name") or (t(f"kind_{kind}", lang) if f"kind_{kind}" in MESSAGES else kind)
    return f"{what}{' :' if lang == 'fr' else ':'} {why(reason, lang).lower()}"
