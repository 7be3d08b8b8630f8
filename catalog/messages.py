"""What the catalog stage tells coordinators: what is wrong, then what to do about it.

Coordinators fix their spreadsheets themselves, so every text names the value as they typed it
and gives an example of what would be accepted.
"""
from __future__ import annotations

from cagettes.core.i18n import N_, Messages

MESSAGES: Messages = {
    "path_missing": N_("rien n'existe à cet endroit : indiquez un classeur .xlsx ou .ods, ou un dossier contenant sites.csv, fournisseurs.csv, produits.csv et membres.csv"),
    "bad_suffix": N_("le format « {suffix} » n'est pas pris en charge : utilisez un classeur .xlsx ou .ods, ou un dossier de fichiers CSV"),
    "unreadable": N_("le fichier n'a pas pu être lu ({error}) : vérifiez qu'il n'est pas ouvert ailleurs ni abîmé, puis réenregistrez-le depuis le tableur"),
    "file_missing": N_("le fichier « {name} » manque dans le dossier : ajoutez-le (le dossier créé par « cagettes init » en contient un modèle)"),
    "sheet_missing": N_("la feuille « {sheet} » manque dans le classeur : ajoutez-la (feuilles attendues : {expected})"),
    "sheet_empty": N_("la feuille est vide : sa première ligne doit donner les noms des colonnes ({columns})"),
    "column_missing": N_("la colonne obligatoire « {header} » manque : ajoutez-la dans la ligne des titres"),
    "column_duplicate": N_("la colonne « {header} » apparaît deux fois : gardez-en une seule"),
    "headless_cells": N_("cette ligne a plus de cases que la ligne des titres : un texte qui contient le séparateur doit être entre guillemets, par exemple \"le sac de 2,5 kg\" (ou bien donnez un titre à la colonne en trop)"),
    "required_empty": N_("cette case obligatoire est vide : remplissez-la"),
    "price_not_number": N_("le prix « {value} » n'est pas un nombre : écrivez par exemple 2,50"),
    "price_negative": N_("le prix « {value} » est négatif : écrivez un prix positif, par exemple 2,50"),
    "price_cents": N_("le prix « {value} » a plus de deux chiffres après la virgule : arrondissez au centime, par exemple 2,35"),
    "amount_not_number": N_("le montant « {value} » n'est pas un nombre : écrivez par exemple 50 ou 75,50 (laissez vide s'il n'y a pas de minimum)"),
    "amount_negative": N_("le montant « {value} » est négatif : écrivez 0 ou un montant positif"),
    "amount_cents": N_("le montant « {value} » a plus de deux chiffres après la virgule : arrondissez au centime"),
    "int_not_integer": N_("« {value} » n'est pas un nombre entier : écrivez un nombre sans virgule, par exemple {low}"),
    "int_out_of_range": N_("« {value} » est hors limites : écrivez un nombre entier entre {low} et {high}"),
    "int_too_small": N_("« {value} » est trop petit : écrivez un nombre entier d'au moins {low}"),
    "weekday_bad": N_("« {value} » n'est pas un jour de la semaine : écrivez lundi, mardi, mercredi, jeudi, vendredi, samedi ou dimanche"),
    "time_bad": N_("l'heure « {value} » n'est pas comprise : écrivez par exemple 14:00, 14h ou 9h30"),
    "closes_before_opens": N_("la fermeture ({closes}) doit être après l'ouverture ({opens}) : corrigez l'une des deux heures"),
    "language_bad": N_("la langue « {value} » n'est pas connue : écrivez fr (français) ou en (anglais), ou laissez vide pour le français"),
    "yes_no_bad": N_("« {value} » n'est pas compris : écrivez oui ou non (vide veut dire non)"),
    "status_bad": N_("le statut « {value} » n'est pas connu : écrivez essai, régulier ou retiré (vide veut dire régulier)"),
    "picto_malformed": N_("le pictogramme « {value} » n'est pas un code OpenMoji : écrivez un code comme 1F95A (œuf), collez l'émoji lui-même, ou laissez vide"),
    "picto_unknown": N_("aucun pictogramme OpenMoji ne porte le code {code} : cherchez le bon code sur openmoji.org ou laissez vide"),
    "member_number_bad": N_("le numéro « {value} » doit contenir de 1 à 6 chiffres, sans lettres ni espaces, par exemple 0042"),
    "email_bad": N_("l'adresse « {value} » ne ressemble pas à une adresse e-mail : écrivez par exemple contact@ferme.fr, ou laissez vide"),
    "duplicate_site": N_("le code « {value} » est déjà utilisé ligne {first} : chaque site doit avoir un code différent"),
    "duplicate_supplier": N_("le code « {value} » est déjà utilisé ligne {first} : chaque fournisseur doit avoir un code différent"),
    "duplicate_product": N_("la référence « {value} » est déjà utilisée ligne {first} : chaque produit doit avoir une référence différente"),
    "duplicate_member": N_("le numéro « {value} » est déjà utilisé ligne {first} : chaque membre doit avoir un numéro différent"),
    "unknown_supplier": N_("le fournisseur « {value} » n'existe pas dans la feuille fournisseurs : utilisez l'un de ces codes : {known}"),
    "unknown_site": N_("le site « {value} » n'existe pas dans la feuille sites : utilisez l'un de ces codes : {known}"),
    "none_known": N_("(aucun pour l'instant)"),
    "summary_one": N_("Le catalogue contient 1 problème ; rien n'a été généré."),
    "summary_many": N_("Le catalogue contient {count} problèmes ; rien n'a été généré."),
}
