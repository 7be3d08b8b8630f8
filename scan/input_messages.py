"""Messages of ``scan.inputs``: a scanned file or page that cannot be read.

They are read by the volunteers who scanned the forms, beside the scanner: each names the file
(and the page) and says what to do with the paper or the file, never what went wrong inside a
library. Keys are ``<reason>.<file|page|variant>``; ``cause.*`` and ``content.*`` are words
put inside those sentences.
"""
from __future__ import annotations

from cagettes.core.i18n import N_, Messages

MESSAGES: Messages = {
    "unreadable.file": N_("impossible d'ouvrir le fichier « {file} » ({cause}) : vérifiez qu'il existe toujours et que vous avez le droit de le lire"),
    "unreadable.folder": N_("impossible de parcourir le dossier « {file} » ({cause}) : vérifiez qu'il existe toujours et que vous avez le droit de le lire"),
    "unreadable.page": N_("impossible de lire la page {page} du fichier « {file} » : rescannez cette page"),
    "broken_link.file": N_("le fichier « {file} » est un lien vers un fichier introuvable (« {target} ») : copiez le scan lui-même dans le dossier, ou retirez ce lien"),
    "not_a_file.file": N_("le fichier « {file} » n'est pas un fichier ordinaire (tube, prise ou périphérique) : retirez-le du dossier des scans"),
    "cause.missing": N_("introuvable"),
    "cause.permission": N_("accès refusé"),
    "cause.folder": N_("c'est un dossier"),
    "cause.other": N_("erreur du système"),
    "not_an_image.file": N_("le fichier « {file} » n'est pas une image (contenu : {content}) : rescannez la page ou retirez ce fichier"),
    "content.empty": N_("fichier vide"),
    "content.text": N_("texte"),
    "content.html": N_("page web"),
    "content.zip": N_("archive ZIP ou document bureautique"),
    "content.office": N_("document Word ou Excel"),
    "content.unknown": N_("inconnu"),
    "unsupported.file": N_("le fichier « {file} » est au format {format}, que cagettes ne lit pas : enregistrez-le en PDF, JPEG, PNG ou TIFF (le scanner ou le téléphone peut le faire directement)"),
    "unsupported.page": N_("la page {page} du fichier « {file} » est dans un format d'image que cagettes ne lit pas ({format}) : rescannez-la en noir et blanc, en gris ou en couleur"),
    "truncated.file": N_("le fichier « {file} » est incomplet ou abîmé (copie interrompue ?) : copiez-le à nouveau depuis le scanner, ou rescannez"),
    "truncated.page": N_("la page {page} du fichier « {file} » est incomplète ou abîmée : rescannez cette page"),
    "truncated.cut_short": N_("le fichier « {file} » est coupé avant sa fin (copie interrompue ?) : seules ses {count} première(s) page(s) ont pu être trouvées, les suivantes manquent peut-être ; copiez-le à nouveau depuis le scanner, ou rescannez le document"),
    "encrypted.file": N_("le fichier « {file} » est protégé par un mot de passe : enregistrez-le sans mot de passe, ou réglez le scanner pour qu'il ne protège pas ses PDF"),
    "empty_pdf.file": N_("le fichier « {file} » est un PDF sans aucune page : rescannez le document ou retirez ce fichier"),
    "crashed.file": N_("la lecture du fichier « {file} » a fait s'arrêter cagettes (fichier piégé ou trop lourd ?) : ouvrez-le et enregistrez-le à nouveau en PDF ou en JPEG, ou rescannez le document"),
    "crashed.page": N_("la lecture de la page {page} du fichier « {file} » a fait s'arrêter cagettes (page piégée ou trop lourde ?) : rescannez cette page"),
    "too_large.file": N_("l'image du fichier « {file} » est trop grande ({width} × {height} pixels, au plus {limit} millions) : rescannez à 300 ppp"),
    "too_large.page": N_("la page {page} du fichier « {file} » est trop grande ({width} × {height} pixels, au plus {limit} millions) : rescannez-la à 300 ppp"),
    "odd_size.file": N_("l'image du fichier « {file} » mesure {width} × {height} pixels : trop petite ou trop étroite pour être une page ; rescannez la feuille entière à 300 ppp"),
    "odd_size.page": N_("la page {page} du fichier « {file} » mesure {width} × {height} pixels : trop petite ou trop étroite pour être une page ; rescannez la feuille entière à 300 ppp"),
}
