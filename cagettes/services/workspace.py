"""Making a workspace, and reading its catalog."""
from __future__ import annotations

import shutil
from pathlib import Path

from cagettes.catalog import load_catalog as read_catalog
from cagettes.catalog import write_workbook
from cagettes.core.config import CONFIG_FILE, render_sample_config
from cagettes.core.errors import WorkspaceError
from cagettes.core.i18n import N_
from cagettes.core.model import Catalog
from cagettes.core.private import private_dir, private_file
from cagettes.storage.workspace import Workspace, open_workspace, sample_dir

SAMPLE_NAME = "Emplettes et Cagettes — Lille-Fives"
SAMPLE_CONTACT = "03 20 00 00 00 (Samia, coordinatrice)"
SAMPLE_SITE_URL = "https://emplettes-cagettes.example.org"
TEMPLATES_README = """Modèles personnalisés de l'association.

Un fichier déposé ici remplace le modèle du même nom fourni avec cagettes
(form.html, form.css, poster.html, cover.html, site/...). Les « id » des cases
doivent être conservés : docs/manifest.md les décrit.
"""


def init_workspace(dest: Path, name: str | None = None) -> Workspace:
    """A new workspace holding the bundled sample association, ready for ``cagettes check``."""
    if (dest / CONFIG_FILE).exists():
        raise WorkspaceError(N_("{path} contient déjà un espace de travail ({file}) : rien n'a été modifié."),
                             params={"path": dest, "file": CONFIG_FILE})
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


def open_or_init(dest: Path, lang: str | None = None) -> Workspace:
    """The workspace in ``dest``, made from the sample association if there is none yet."""
    return open_workspace(dest, lang) if (dest / CONFIG_FILE).exists() else init_workspace(dest)


def copy_sample_csv(dest: Path) -> Path:
    """The sample catalog as CSV files, for tests and for associations that prefer CSV."""
    shutil.copytree(sample_dir() / "catalogue", dest, dirs_exist_ok=True)
    return dest


def load_catalog(workspace: Workspace, lang: str | None = None) -> Catalog:
    return read_catalog(workspace.config.catalog_path, lang or workspace.config.lang)
