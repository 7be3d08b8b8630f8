"""Messages of ``scan.inputs``: a scanned file or page that cannot be read.

They are read by the volunteers who scanned the forms, beside the scanner: each names the file
(and the page) and says what to do with the paper or the file, never what went wrong inside a
library. Keys are ``<reason>.<file|page|variant>``; ``cause.*`` and ``content.*`` are words
put inside those sentences.
"""
from __future__ import annotations

MESSAGES = {
    # --- the file or folder could not even be opened ---
    "unreadable.file": {
        "fr": "impossible d'ouvrir le fichier « {file} » ({cause}) : vérifiez qu'il existe toujours "
        "et que vous avez le droit de le lire",
        "en": "cannot open file “{file}” ({cause}): check that it still exists and that you may read it",
    },
    "unreadable.folder": {
        "fr": "impossible de parcourir le dossier « {file} » ({cause}) : vérifiez qu'il existe "
        "toujours et que vous avez le droit de le lire",
        "en": "cannot list folder “{file}” ({cause}): check that it still exists and that you may read it",
    },
    "unreadable.page": {
        "fr": "impossible de lire la page {page} du fichier « {file} » : rescannez cette page",
        "en": "cannot read page {page} of file “{file}”: scan this page again",
    },
    "cause.missing": {"fr": "introuvable", "en": "not found"},
    "cause.permission": {"fr": "accès refusé", "en": "permission denied"},
    "cause.folder": {"fr": "c'est un dossier", "en": "it is a folder"},
    "cause.other": {"fr": "erreur du système", "en": "system error"},
    # --- the content is not a scan at all ---
    "not_an_image.file": {
        "fr": "le fichier « {file} » n'est pas une image (contenu : {content}) : rescannez la page "
        "ou retirez ce fichier",
        "en": "file “{file}” is not an image (content: {content}): scan the page again or remove this file",
    },
    "content.empty": {"fr": "fichier vide", "en": "empty file"},
    "content.text": {"fr": "texte", "en": "text"},
    "content.html": {"fr": "page web", "en": "web page"},
    "content.zip": {"fr": "archive ZIP ou document bureautique", "en": "ZIP archive or office document"},
    "content.office": {"fr": "document Word ou Excel", "en": "Word or Excel document"},
    "content.unknown": {"fr": "inconnu", "en": "unknown"},
    "unsupported.file": {
        "fr": "le fichier « {file} » est au format {format}, que cagettes ne lit pas : enregistrez-le "
        "en PDF, JPEG, PNG ou TIFF (le scanner ou le téléphone peut le faire directement)",
        "en": "file “{file}” is in {format} format, which cagettes does not read: save it as PDF, "
        "JPEG, PNG or TIFF (the scanner or the phone can do it directly)",
    },
    "unsupported.page": {
        "fr": "la page {page} du fichier « {file} » est dans un format d'image que cagettes ne lit "
        "pas ({format}) : rescannez-la en noir et blanc, en gris ou en couleur",
        "en": "page {page} of file “{file}” uses an image format cagettes does not read ({format}): "
        "scan it again in black and white, grey or colour",
    },
    # --- damaged files ---
    "truncated.file": {
        "fr": "le fichier « {file} » est incomplet ou abîmé (copie interrompue ?) : copiez-le à "
        "nouveau depuis le scanner, ou rescannez",
        "en": "file “{file}” is incomplete or damaged (interrupted copy?): copy it again from the "
        "scanner, or scan again",
    },
    "truncated.page": {
        "fr": "la page {page} du fichier « {file} » est incomplète ou abîmée : rescannez cette page",
        "en": "page {page} of file “{file}” is incomplete or damaged: scan this page again",
    },
    "truncated.cut_short": {
        "fr": "le fichier « {file} » est coupé avant sa fin (copie interrompue ?) : seules ses "
        "{count} première(s) page(s) ont pu être trouvées, les suivantes manquent peut-être ; "
        "copiez-le à nouveau depuis le scanner, ou rescannez le document",
        "en": "file “{file}” is cut short (interrupted copy?): only its first {count} page(s) "
        "could be found, the next ones may be missing; copy it again from the scanner, or scan "
        "the document again",
    },
    # --- PDF specifics ---
    "encrypted.file": {
        "fr": "le fichier « {file} » est protégé par un mot de passe : enregistrez-le sans mot de "
        "passe, ou réglez le scanner pour qu'il ne protège pas ses PDF",
        "en": "file “{file}” is password-protected: save it without a password, or set the "
        "scanner not to protect its PDFs",
    },
    "empty_pdf.file": {
        "fr": "le fichier « {file} » est un PDF sans aucune page : rescannez le document ou "
        "retirez ce fichier",
        "en": "file “{file}” is a PDF without any page: scan the document again or remove this file",
    },
    # --- a file that made the reading process die (a decoder crash, the memory exhausted) ---
    "crashed.file": {
        "fr": "la lecture du fichier « {file} » a fait s'arrêter cagettes (fichier piégé ou trop lourd ?) : "
        "ouvrez-le et enregistrez-le à nouveau en PDF ou en JPEG, ou rescannez le document",
        "en": "reading file “{file}” made cagettes stop (a booby-trapped or too heavy file?): open it and "
        "save it again as PDF or JPEG, or scan the document again",
    },
    "crashed.page": {
        "fr": "la lecture de la page {page} du fichier « {file} » a fait s'arrêter cagettes (page piégée ou "
        "trop lourde ?) : rescannez cette page",
        "en": "reading page {page} of file “{file}” made cagettes stop (a booby-trapped or too heavy page?): "
        "scan this page again",
    },
    # --- decompression bombs and absurd resolutions ---
    "too_large.file": {
        "fr": "l'image du fichier « {file} » est trop grande ({width} × {height} pixels, au plus "
        "{limit} millions) : rescannez à 300 ppp",
        "en": "the image in file “{file}” is too large ({width} × {height} pixels, at most "
        "{limit} million): scan again at 300 dpi",
    },
    "too_large.page": {
        "fr": "la page {page} du fichier « {file} » est trop grande ({width} × {height} pixels, au "
        "plus {limit} millions) : rescannez-la à 300 ppp",
        "en": "page {page} of file “{file}” is too large ({width} × {height} pixels, at most "
        "{limit} million): scan it again at 300 dpi",
    },
}
