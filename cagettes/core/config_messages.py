"""Messages of ``cagettes.config``: problems found in cagettes.toml, and each option's doc.

Problems are read by coordinators who edit the file by hand: each says what to change, in
the words of the file (French keys, TOML syntax), not in Python's.
"""
from __future__ import annotations

MESSAGES = {
    # --- the error as a whole ---
    "error.summary": {
        "fr": "{file} contient {count} erreur(s) : corrigez-les puis relancez la commande.",
        "en": "{file} has {count} error(s): fix them, then run the command again.",
    },
    "error.missing": {
        "fr": "Fichier de configuration introuvable : {path}. Lancez « cagettes init » pour créer "
        "un espace de travail, ou placez-vous dans le dossier qui contient cagettes.toml.",
        "en": "Configuration file not found: {path}. Run “cagettes init” to create a workspace, "
        "or move to the folder that holds cagettes.toml.",
    },
    # --- one problem each ---
    "problem.encoding": {
        "fr": "le fichier n'est pas enregistré en UTF-8 : réenregistrez-le en UTF-8 depuis votre éditeur",
        "en": "the file is not saved as UTF-8: save it again as UTF-8 from your editor",
    },
    "problem.syntax": {
        "fr": "syntaxe TOML invalide (colonne {column} : {detail}) ; vérifiez les guillemets autour "
        "des textes, les crochets des sections et le signe = entre clé et valeur",
        "en": "invalid TOML syntax (column {column}: {detail}); check the quotes around texts, "
        "the brackets of sections and the = sign between key and value",
    },
    "problem.unknown": {
        "fr": "clé inconnue « {dotted} » : vérifiez l'orthographe{hint}",
        "en": "unknown key “{dotted}”: check the spelling{hint}",
    },
    "problem.unknown_hint": {
        "fr": " (vouliez-vous dire « {suggestion} » ?)",
        "en": " (did you mean “{suggestion}”?)",
    },
    "problem.not_table": {
        "fr": "« {dotted} » doit être une section [{dotted}], pas une valeur",
        "en": "“{dotted}” must be a section [{dotted}], not a value",
    },
    "problem.required": {
        "fr": "clé obligatoire manquante : ajoutez « {name} = ... » dans la section [{table}]",
        "en": "missing required key: add “{name} = ...” to the [{table}] section",
    },
    "problem.required_top": {
        "fr": "clé obligatoire manquante : ajoutez « {name} = ... » en haut du fichier",
        "en": "missing required key: add “{name} = ...” at the top of the file",
    },
    "problem.type": {
        "fr": "il faut {expected} ; la valeur trouvée, {value}, est {found}",
        "en": "{expected} is needed; the value found, {value}, is {found}",
    },
    "problem.range": {
        "fr": "doit être compris entre {low} et {high} (trouvé {value})",
        "en": "must be between {low} and {high} (found {value})",
    },
    "problem.choice": {
        "fr": "doit être l'une de ces valeurs : {choices} (trouvé « {value} »)",
        "en": "must be one of these values: {choices} (found “{value}”)",
    },
    "problem.blank": {
        "fr": "ne doit pas être vide",
        "en": "must not be empty",
    },
    "problem.email": {
        "fr": "adresse e-mail invalide « {value} » (forme attendue : nom@exemple.fr)",
        "en": "invalid e-mail address “{value}” (expected form: name@example.org)",
    },
    "problem.web_url": {
        "fr": "doit commencer par https:// ou http:// (trouvé « {value} »)",
        "en": "must start with https:// or http:// (found “{value}”)",
    },
    "problem.db_url": {
        "fr": "doit commencer par sqlite:/// ou postgresql:// (trouvé « {value} »)",
        "en": "must start with sqlite:/// or postgresql:// (found “{value}”)",
    },
    "problem.secret_placeholder": {
        "fr": "le secret n'a jamais été généré : remplacez « {placeholder} » par une longue suite de "
        "caractères aléatoires (cagettes init le fait tout seul)",
        "en": "the secret was never generated: replace “{placeholder}” with a long string of random "
        "characters (cagettes init does it for you)",
    },
    "problem.secret_short": {
        "fr": "secret trop court : {length} caractères, il en faut au moins {minimum}",
        "en": "secret too short: {length} characters, at least {minimum} are needed",
    },
    "problem.deadline_gap": {
        "fr": "la date limite (jour {deadline}) doit tomber au moins {gap} jours après l'envoi des "
        "bons (jour {forms}), pour laisser aux membres le temps de remplir leur bon",
        "en": "the deadline (day {deadline}) must fall at least {gap} days after the forms go out "
        "(day {forms}), to give members time to fill in their form",
    },
    # --- TOML value kinds: what an option needs, what was found instead, the option list ---
    "expected.str": {"fr": "un texte entre guillemets", "en": "a text in quotes"},
    "expected.int": {"fr": "un nombre entier, sans guillemets", "en": "a whole number, without quotes"},
    "expected.bool": {"fr": "true ou false, sans guillemets", "en": "true or false, without quotes"},
    "found.str": {"fr": "un texte", "en": "a text"},
    "found.int": {"fr": "un nombre entier", "en": "a whole number"},
    "found.float": {"fr": "un nombre à virgule", "en": "a decimal number"},
    "found.bool": {"fr": "un booléen (true/false)", "en": "a boolean (true/false)"},
    "found.dict": {"fr": "une section", "en": "a section"},
    "found.list": {"fr": "une liste", "en": "a list"},
    "found.date": {"fr": "une date ou une heure", "en": "a date or a time"},
    "found.other": {"fr": "une valeur d'un autre type", "en": "a value of another kind"},
    "kind.str": {"fr": "texte", "en": "text"},
    "kind.int": {"fr": "entier", "en": "integer"},
    "kind.bool": {"fr": "booléen", "en": "boolean"},
    # --- the option list (README) ---
    "describe.header": {
        "fr": "| Clé | Type | Défaut | Description |",
        "en": "| Key | Type | Default | Description |",
    },
    "describe.required": {"fr": "*obligatoire*", "en": "*required*"},
    "doc.association.nom": {
        "fr": "Nom de l'association, imprimé en tête des bons et des affiches.",
        "en": "Name of the association, printed at the top of forms and posters.",
    },
    "doc.association.contact": {
        "fr": "Qui joindre en cas de question : un numéro de téléphone ou une personne.",
        "en": "Whom to reach with a question: a phone number or a person.",
    },
    "doc.association.email": {
        "fr": "Adresse e-mail de l'association (facultative).",
        "en": "The association's e-mail address (optional).",
    },
    "doc.association.adresse": {
        "fr": "Adresse postale de l'association (facultative).",
        "en": "The association's postal address (optional).",
    },
    "doc.langue": {
        "fr": "Langue des messages et langue par défaut des bons : \"fr\" ou \"en\".",
        "en": "Language of messages and default language of forms: \"fr\" or \"en\".",
    },
    "doc.calendrier.jour_bons": {
        "fr": "Jour du mois (1 à 28) où les bons sont distribués, celui du versement des "
        "prestations sociales ; reporté au jour ouvré suivant si besoin.",
        "en": "Day of the month (1 to 28) forms go out, when social benefits are paid; "
        "moved to the next working day if needed.",
    },
    "doc.calendrier.jour_limite": {
        "fr": "Jour du mois (1 à 28) limite de remise des bons, au moins 7 jours après jour_bons ; "
        "avancé au jour ouvré précédent si besoin.",
        "en": "Day of the month (1 to 28) forms must be returned by, at least 7 days after "
        "jour_bons; moved to the previous working day if needed.",
    },
    "doc.calendrier.delai_commande_jours": {
        "fr": "Jours ouvrés (0 à 10) entre la date limite et la commande aux fournisseurs.",
        "en": "Working days (0 to 10) from the deadline to the order to suppliers.",
    },
    "doc.calendrier.delai_livraison_jours": {
        "fr": "Jours (1 à 21) au minimum entre la commande aux fournisseurs et la livraison ; "
        "chaque site est livré ensuite à son jour habituel.",
        "en": "Minimum days (1 to 21) from the supplier order to delivery; each site is then "
        "delivered on its usual weekday.",
    },
    "doc.site_public.url": {
        "fr": "Adresse du site public (https://...), vers laquelle pointent les QR codes des "
        "affiches ; vide tant que le site n'est pas publié.",
        "en": "Address of the public site (https://...), where the posters' QR codes point; "
        "empty until the site is published.",
    },
    "doc.formulaires.bons_libres_par_site": {
        "fr": "Nombre de bons vierges (sans nom, pour les nouveaux venus) imprimés par site, de 0 à 500.",
        "en": "Number of blank forms (no name, for newcomers) printed per site, 0 to 500.",
    },
    "doc.paiements.financeur_cheques_alimentaires": {
        "fr": "Dispositif ou financeur des chèques alimentaires cochés sur les bons (par exemple "
        "« CCAS de Lille ») ; vide si non précisé.",
        "en": "Scheme or funder of the food vouchers ticked on forms (for example “CCAS de Lille”); "
        "empty if not said.",
    },
    "doc.securite.secret": {
        "fr": "Clé secrète (32 caractères au moins) qui signe les numéros des bons ; générée par "
        "cagettes init, à ne jamais publier ni changer en cours de mois.",
        "en": "Secret key (at least 32 characters) that signs form numbers; generated by "
        "cagettes init, never to be published nor changed during a month.",
    },
    "doc.catalogue.chemin": {
        "fr": "Classeur du catalogue (.xlsx, .ods) ou dossier de fichiers CSV, relatif au dossier "
        "de cagettes.toml.",
        "en": "Catalog workbook (.xlsx, .ods) or folder of CSV files, relative to the folder of "
        "cagettes.toml.",
    },
    "doc.base.url": {
        "fr": "Base de données : sqlite:///fichier.db (relatif au dossier de cagettes.toml), ou "
        "postgresql://utilisateur:mot-de-passe@serveur/base, partagée par les postes de plusieurs ordinateurs.",
        "en": "Database: sqlite:///file.db (relative to the folder of cagettes.toml), or "
        "postgresql://user:password@host/database, shared by stations on several computers.",
    },
    "doc.sortie.dossier": {
        "fr": "Dossier où sont écrits les PDF et le site, relatif au dossier de cagettes.toml.",
        "en": "Folder where PDFs and the site are written, relative to the folder of cagettes.toml.",
    },
}
