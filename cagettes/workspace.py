"""A workspace folder: what one association keeps on its computer.

    cagettes.toml      settings (association, calendar, public site, secret)
    catalogue.xlsx     the catalog, edited in LibreOffice or Excel (or a folder of CSV files)
    cagettes.db        the SQLite database: months, forms, scans, orders (or a PostgreSQL server: [base] url)
    templates/         optional: the association's own templates, searched before the defaults
    scans/             the scan inbox
    output/            generated files; output/<month>/private/ holds everything with names
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import sqlalchemy as sa

from cagettes import db
from cagettes.config import CONFIG_FILE, Config, load_config, render_sample_config
from cagettes.errors import WorkspaceError
from cagettes.private import private_dir, private_file

SAMPLE_NAME = "Emplettes et Cagettes — Lille-Fives"
SAMPLE_CONTACT = "03 20 00 00 00 (Samia, coordinatrice)"
SAMPLE_SITE_URL = "https://emplettes-cagettes.example.org"
TEMPLATES_README = """Modèles personnalisés de l'association.

Un fichier déposé ici remplace le modèle du même nom fourni avec cagettes
(form.html, form.css, poster.html, cover.html, site/...). Les « id » des cases
doivent être conservés : docs/manifest.md les décrit.
"""


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Config

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def inbox(self) -> Path:
        return self.root / "scans"

    def month_dir(self, month: str) -> Path:
        return self.config.output_dir / month

    def engine(self) -> sa.Engine:
        """One engine per workspace: one pool of connections, the schema checked once."""
        return self._engine

    @cached_property
    def _engine(self) -> sa.Engine:
        return db.connect(self.config.database_url)


def sample_dir() -> Path:
    return Path(str(resources.files("cagettes").joinpath("sample")))


def find_root(start: Path | None = None) -> Path:
    """The folder holding cagettes.toml: ``start`` itself or one of its parents."""
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise WorkspaceError(f"Aucun espace de travail trouvé dans {here} (pas de fichier {CONFIG_FILE}). "
                         "Créez-en un avec « cagettes init DOSSIER » ou indiquez-le avec -w DOSSIER.")


def open_workspace(start: Path | None = None, lang: str | None = None) -> Workspace:
    root = find_root(start)
    return Workspace(root, load_config(root / CONFIG_FILE, lang))


def init_workspace(dest: Path, name: str | None = None) -> Workspace:
    """A new workspace holding the bundled sample association, ready for ``cagettes check``."""
    from catalog import write_workbook  # the catalog stage is only needed here

    if (dest / CONFIG_FILE).exists():
        raise WorkspaceError(f"{dest} contient déjà un espace de travail ({CONFIG_FILE}) : rien n'a été modifié.")
    dest.mkdir(parents=True, exist_ok=True)
    text = render_sample_config(name or SAMPLE_NAME, contact=SAMPLE_CONTACT, site_url=SAMPLE_SITE_URL)
    (dest / CONFIG_FILE).write_text(text, encoding="utf-8")
    private_file(dest / CONFIG_FILE)  # holds the secret that signs the forms
    write_workbook(sample_dir() / "catalogue", dest / "catalogue.xlsx")
    private_file(dest / "catalogue.xlsx")  # its "membres" sheet
    (dest / "templates").mkdir(exist_ok=True)
    (dest / "templates" / "LISEZMOI.txt").write_text(TEMPLATES_README, encoding="utf-8")
    private_dir(dest / "scans")  # returned forms show names and orders
    return open_workspace(dest)


def copy_sample_csv(dest: Path) -> Path:
    """The sample catalog as CSV files, for tests and for associations that prefer CSV."""
    shutil.copytree(sample_dir() / "catalogue", dest, dirs_exist_ok=True)
    return dest
