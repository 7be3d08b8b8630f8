"""What the catalog stage tells coordinators: what is wrong, then what to do about it.

Coordinators fix their spreadsheets themselves, so every text names the value as they typed it
and gives an example of what would be accepted.
"""
from __future__ import annotations

MESSAGES = {
    # --- files and sheets --------------------------------------------------------------------
    "path_missing": {
        "fr": "rien n'existe à cet endroit : indiquez un classeur .xlsx ou .ods, "
        "ou un dossier contenant sites.csv, fournisseurs.csv, produits.csv et membres.csv",
        "en": "nothing exists at this location: give an .xlsx or .ods workbook, "
        "or a folder holding sites.csv, fournisseurs.csv, produits.csv and membres.csv",
    },
    "bad_suffix": {
        "fr": "le format « {suffix} » n'est pas pris en charge : utilisez un classeur "
        ".xlsx ou .ods, ou un dossier de fichiers CSV",
        "en": "the « {suffix} » format is not supported: use an .xlsx or .ods workbook, "
        "or a folder of CSV files",
    },
    "unreadable": {
        "fr": "le fichier n'a pas pu être lu ({error}) : vérifiez qu'il n'est pas ouvert ailleurs "
        "ni abîmé, puis réenregistrez-le depuis le tableur",
        "en": "the file could not be read ({error}): check that it is not open elsewhere "
        "nor damaged, then save it again from the spreadsheet program",
    },
    "file_missing": {
        "fr": "le fichier « {name} » manque dans le dossier : ajoutez-le "
        "(le dossier créé par « cagettes init » en contient un modèle)",
        "en": "the file « {name} » is missing from the folder: add it "
        "(the folder created by « cagettes init » holds a template)",
    },
    "sheet_missing": {
        "fr": "la feuille « {sheet} » manque dans le classeur : ajoutez-la "
        "(feuilles attendues : {expected})",
        "en": "the sheet « {sheet} » is missing from the workbook: add it "
        "(expected sheets: {expected})",
    },
    "sheet_empty": {
        "fr": "la feuille est vide : sa première ligne doit donner les noms des colonnes "
        "({columns})",
        "en": "the sheet is empty: its first row must give the column names ({columns})",
    },
    "column_missing": {
        "fr": "la colonne obligatoire « {header} » manque : ajoutez-la dans la ligne des titres",
        "en": "the required column « {header} » is missing: add it to the header row",
    },
    "column_duplicate": {
        "fr": "la colonne « {header} » apparaît deux fois : gardez-en une seule",
        "en": "the column « {header} » appears twice: keep only one",
    },
    "headless_cells": {
        "fr": "cette ligne a plus de cases que la ligne des titres : un texte qui contient le "
        "séparateur doit être entre guillemets, par exemple \"le sac de 2,5 kg\" "
        "(ou bien donnez un titre à la colonne en trop)",
        "en": "this row has more cells than the header row: a text containing the separator "
        "must be in quotes, for example \"2,5 kg bag\" (or give the extra column a header)",
    },
    # --- cells -------------------------------------------------------------------------------
    "required_empty": {
        "fr": "cette case obligatoire est vide : remplissez-la",
        "en": "this required cell is empty: fill it in",
    },
    "price_not_number": {
        "fr": "le prix « {value} » n'est pas un nombre : écrivez par exemple 2,50",
        "en": "the price « {value} » is not a number: write for example 2.50",
    },
    "price_negative": {
        "fr": "le prix « {value} » est négatif : écrivez un prix positif, par exemple 2,50",
        "en": "the price « {value} » is negative: write a positive price, for example 2.50",
    },
    "price_cents": {
        "fr": "le prix « {value} » a plus de deux chiffres après la virgule : "
        "arrondissez au centime, par exemple 2,35",
        "en": "the price « {value} » has more than two decimals: round it to the cent, "
        "for example 2.35",
    },
    "amount_not_number": {
        "fr": "le montant « {value} » n'est pas un nombre : écrivez par exemple 50 ou 75,50 "
        "(laissez vide s'il n'y a pas de minimum)",
        "en": "the amount « {value} » is not a number: write for example 50 or 75.50 "
        "(leave empty when there is no minimum)",
    },
    "amount_negative": {
        "fr": "le montant « {value} » est négatif : écrivez 0 ou un montant positif",
        "en": "the amount « {value} » is negative: write 0 or a positive amount",
    },
    "amount_cents": {
        "fr": "le montant « {value} » a plus de deux chiffres après la virgule : "
        "arrondissez au centime",
        "en": "the amount « {value} » has more than two decimals: round it to the cent",
    },
    "int_not_integer": {
        "fr": "« {value} » n'est pas un nombre entier : écrivez un nombre sans virgule, "
        "par exemple {low}",
        "en": "« {value} » is not a whole number: write a number without decimals, "
        "for example {low}",
    },
    "int_out_of_range": {
        "fr": "« {value} » est hors limites : écrivez un nombre entier entre {low} et {high}",
        "en": "« {value} » is out of range: write a whole number between {low} and {high}",
    },
    "int_too_small": {
        "fr": "« {value} » est trop petit : écrivez un nombre entier d'au moins {low}",
        "en": "« {value} » is too small: write a whole number of at least {low}",
    },
    "weekday_bad": {
        "fr": "« {value} » n'est pas un jour de la semaine : écrivez lundi, mardi, "
        "mercredi, jeudi, vendredi, samedi ou dimanche",
        "en": "« {value} » is not a day of the week: write lundi, mardi, mercredi, jeudi, "
        "vendredi, samedi or dimanche (Monday to Sunday, in French)",
    },
    "time_bad": {
        "fr": "l'heure « {value} » n'est pas comprise : écrivez par exemple 14:00, 14h ou 9h30",
        "en": "the time « {value} » is not understood: write for example 14:00, 14h or 9h30",
    },
    "closes_before_opens": {
        "fr": "la fermeture ({closes}) doit être après l'ouverture ({opens}) : "
        "corrigez l'une des deux heures",
        "en": "closing time ({closes}) must be after opening time ({opens}): fix one of the two",
    },
    "language_bad": {
        "fr": "la langue « {value} » n'est pas connue : écrivez fr (français) ou en (anglais), "
        "ou laissez vide pour le français",
        "en": "the language « {value} » is not known: write fr (French) or en (English), "
        "or leave empty for French",
    },
    "yes_no_bad": {
        "fr": "« {value} » n'est pas compris : écrivez oui ou non (vide veut dire non)",
        "en": "« {value} » is not understood: write oui (yes) or non (no); empty means no",
    },
    "status_bad": {
        "fr": "le statut « {value} » n'est pas connu : écrivez essai, régulier ou retiré "
        "(vide veut dire régulier)",
        "en": "the status « {value} » is not known: write essai (trial), régulier (regular) or "
        "retiré (withdrawn); empty means régulier",
    },
    "picto_malformed": {
        "fr": "le pictogramme « {value} » n'est pas un code OpenMoji : écrivez un code comme "
        "1F95A (œuf), collez l'émoji lui-même, ou laissez vide",
        "en": "the pictogram « {value} » is not an OpenMoji code: write a code such as "
        "1F95A (egg), paste the emoji itself, or leave empty",
    },
    "picto_unknown": {
        "fr": "aucun pictogramme OpenMoji ne porte le code {code} : cherchez le bon code sur "
        "openmoji.org ou laissez vide",
        "en": "no OpenMoji pictogram has the code {code}: look the right code up on "
        "openmoji.org or leave empty",
    },
    "member_number_bad": {
        "fr": "le numéro « {value} » doit contenir de 1 à 6 chiffres, sans lettres ni espaces, "
        "par exemple 0042",
        "en": "the number « {value} » must have 1 to 6 digits, no letters or spaces, "
        "for example 0042",
    },
    "email_bad": {
        "fr": "l'adresse « {value} » ne ressemble pas à une adresse e-mail : écrivez par exemple "
        "contact@ferme.fr, ou laissez vide",
        "en": "« {value} » does not look like an e-mail address: write for example "
        "contact@ferme.fr, or leave empty",
    },
    # --- across rows and sheets ----------------------------------------------------------------
    "duplicate_site": {
        "fr": "le code « {value} » est déjà utilisé ligne {first} : chaque site doit avoir "
        "un code différent",
        "en": "the code « {value} » is already used on row {first}: each site needs its own code",
    },
    "duplicate_supplier": {
        "fr": "le code « {value} » est déjà utilisé ligne {first} : "
        "chaque fournisseur doit avoir un code différent",
        "en": "the code « {value} » is already used on row {first}: "
        "each supplier needs its own code",
    },
    "duplicate_product": {
        "fr": "la référence « {value} » est déjà utilisée ligne {first} : "
        "chaque produit doit avoir une référence différente",
        "en": "the reference « {value} » is already used on row {first}: each product needs its "
        "own reference",
    },
    "duplicate_member": {
        "fr": "le numéro « {value} » est déjà utilisé ligne {first} : chaque membre doit avoir "
        "un numéro différent",
        "en": "the number « {value} » is already used on row {first}: each member needs their "
        "own number",
    },
    "unknown_supplier": {
        "fr": "le fournisseur « {value} » n'existe pas dans la feuille fournisseurs : "
        "utilisez l'un de ces codes : {known}",
        "en": "the supplier « {value} » does not exist in the fournisseurs sheet: "
        "use one of these codes: {known}",
    },
    "unknown_site": {
        "fr": "le site « {value} » n'existe pas dans la feuille sites : "
        "utilisez l'un de ces codes : {known}",
        "en": "the site « {value} » does not exist in the sites sheet: use one of these codes: "
        "{known}",
    },
    "none_known": {
        "fr": "(aucun pour l'instant)",
        "en": "(none yet)",
    },
    # --- summary -------------------------------------------------------------------------------
    "summary_one": {
        "fr": "Le catalogue contient 1 problème ; rien n'a été généré.",
        "en": "The catalog has 1 problem; nothing was generated.",
    },
    "summary_many": {
        "fr": "Le catalogue contient {count} problèmes ; rien n'a été généré.",
        "en": "The catalog has {count} problems; nothing was generated.",
    },
}
