"""Where a month's files go: the one place that spells the output folder's layout.

    output/<month>/
        public/                  posters and the blank sample form: may be put on the web
        site/                    the public static site
        fournisseurs/            supplier orders (no member's name)
        private/                 names and orders: the owner's alone (0700)
            manifest.json        every printed box, where the scanner looks
            bundles/ forms/      the print-ready PDFs of each site
            scans/               annotated scanned pages, registered pictures, notes
            distribution/        signing sheets, receipts, private dashboard
            resume-impression.txt, commandes.csv, documents.json

Every file name made from the catalog (a site's, a supplier's code) or from a month goes through
``inside``: one plain name, short enough for the file system, that stays in its folder.
"""
from __future__ import annotations

import errno
import itertools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cagettes.core.errors import CatalogError, WorkspaceError
from cagettes.core.i18n import N_

BLANK_FORM = "bon-vierge.pdf"
POSTER_SIZES = ("A4", "A3")
SITES_DIR = "sites"  # the public site's page of each pickup site
NAME_MAX_BYTES = 255  # longest file name (UTF-8 bytes) of ext4, NTFS, APFS; some file systems say less
FORBIDDEN_IN_NAMES = ("/", "\\", "\0")  # a separator, on any system, or the end of a C string


def file_name(name: str, code: str | None = None, folder: Path | None = None) -> str:
    """``name`` if it is one plain file name that ``folder``'s file system takes; ``code`` is what
    the name was made from, for the message (the code to fix in the catalog)."""
    limit = name_max(folder) if folder is not None else NAME_MAX_BYTES
    plain = name not in ("", ".", "..") and not any(c in name for c in FORBIDDEN_IN_NAMES)
    if plain and len(name.encode("utf-8", "surrogateescape")) <= limit:
        return name
    raise CatalogError(N_("Le code « {code} » ne peut pas servir de nom de fichier ({name}) : un code ne doit "
                          "contenir que des lettres, des chiffres, « - » et « _ » (ni « / », ni « .. »), et le nom "
                          "du fichier tenir en {limit} octets. Corrigez ce code dans le catalogue, puis lancez "
                          "« cagettes check »."),
                       params={"code": code if code is not None else name, "name": name, "limit": limit})


def name_max(folder: Path) -> int:
    """The file system's own limit (an encrypted home folder takes 143 bytes), else the common one."""
    existing = next((p for p in (folder, *folder.parents) if os.path.isdir(p)), None)
    try:
        return min(NAME_MAX_BYTES, os.pathconf(existing, "PC_NAME_MAX")) if existing else NAME_MAX_BYTES
    except (OSError, ValueError):
        return NAME_MAX_BYTES


def inside(folder: Path, name: str, code: str | None = None) -> Path:
    """``folder / name``, refused unless ``name`` is a plain file name and the path, links
    followed, stays in ``folder``: a catalog code is never a path."""
    path = Path(folder) / file_name(name, code, Path(folder))
    if Path(folder).resolve() not in path.resolve().parents:
        raise WorkspaceError(N_("{path} est un lien vers {target}, hors du dossier {folder} : cagettes n'écrit pas "
                                "à travers ce lien. Supprimez-le, puis relancez la commande."),
                             params={"path": path, "target": path.resolve(), "folder": folder})
    return path


def make_dir(path: Path, mode: int = 0o777) -> bool:
    """Create the folder ``path`` alone (its parent exists); True if made now, False if it was there.
    What stops it (a file in the way, no right to write) is said, with the folder's name."""
    try:
        path.mkdir(mode=mode)
        return True
    except FileExistsError:
        if path.is_dir():
            return False
        error: OSError = NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
    except (OSError, ValueError) as refused:  # ValueError: a NUL in the name
        error = refused if isinstance(refused, OSError) else OSError(errno.EINVAL, str(refused))
    raise WorkspaceError(N_("Le dossier {path} ne peut pas être créé ({reason}). Vérifiez qu'aucun fichier ne porte "
                            "ce nom et que vous avez le droit d'écrire dans le dossier qui le contient ; pour le "
                            "dossier de sortie, corrigez la clé sortie.dossier de cagettes.toml."),
                         params={"path": path, "reason": error.strerror or error})


def make_dirs(path: Path, mode: int = 0o777) -> list[Path]:
    """``path`` and the folders missing to reach it, outermost first; returns those made now."""
    path = Path(path)
    missing = list(itertools.takewhile(lambda p: not os.path.isdir(p), (path, *path.parents)))
    return [folder for folder in reversed(missing) if make_dir(folder, mode)]


def write_bytes(path: Path, data: bytes) -> Path:
    """``data`` into the file ``path``, its missing folders made; what stops it is said, with the
    file's name (a disk full, an output folder the system will not write in, such as /proc)."""
    make_dirs(path.parent)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise WorkspaceError(N_("Le fichier {path} ne peut pas être écrit ({reason}). Vérifiez qu'il reste de la "
                                "place sur le disque et que vous avez le droit d'écrire dans ce dossier ; pour le "
                                "dossier de sortie, corrigez la clé sortie.dossier de cagettes.toml."),
                             params={"path": path, "reason": error.strerror or error}) from None
    return path


def slug(code: str) -> str:
    """A site code made safe for a file name and a URL: "FIVES" stays, "Épi Campus" → "Epi-Campus".

    Case is kept so that a plain code is its own slug: a URL built from the code elsewhere still
    finds the page. Catalog codes are unique ignoring case, so no two slugs clash on disk.
    """
    ascii_text = unicodedata.normalize("NFKD", code).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-") or "site"


def site_page_path(site_code: str) -> str:
    """Where a site's page is, relative to the site's root: what a poster's QR code points to."""
    return f"{SITES_DIR}/{file_name(f'{slug(site_code)}.html', site_code)}"


def poster_filename(site_code: str, size: str) -> str:
    return file_name(f"affiche-{slug(site_code)}-{size}.pdf", site_code)


@dataclass(frozen=True)
class MonthPaths:
    root: Path  # output/<month>

    @property
    def public(self) -> Path:
        return self.root / "public"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def suppliers(self) -> Path:
        return self.root / "fournisseurs"

    @property
    def private(self) -> Path:
        return self.root / "private"

    @property
    def manifest(self) -> Path:
        return self.private / "manifest.json"

    def print_dir(self, what: str) -> Path:
        """private/bundles/ for whole bundles, private/forms/ for forms alone."""
        return self.private / ("bundles" if what == "bundles" else "forms")

    def bundle(self, site: str, what: str) -> Path:
        """A site's print-ready PDF, named by its code as it is (the coordinators know it so)."""
        return inside(self.print_dir(what), f"{site}.pdf", site)

    @property
    def bundles(self) -> Path:
        return self.print_dir("bundles")

    @property
    def scans(self) -> Path:
        return self.private / "scans"

    @property
    def distribution(self) -> Path:
        return self.private / "distribution"

    @property
    def print_summary(self) -> Path:
        return self.private / "resume-impression.txt"

    @property
    def orders_csv(self) -> Path:
        return self.private / "commandes.csv"

    @property
    def documents_record(self) -> Path:
        """Which closing the documents were last written for, and their files: written last."""
        return self.private / "documents.json"

    @property
    def blank_form(self) -> Path:
        return self.public / BLANK_FORM

    def poster(self, site: str, size: str) -> Path:
        return inside(self.public, poster_filename(site, size), site)


# The Atkinson Hyperlegible files that the public site and the review page serve as they are.
FONT_FILES = ("AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Bold.ttf")
