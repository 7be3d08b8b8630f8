"""A workspace folder: what one association keeps on its computer.

    cagettes.toml      settings (association, calendar, public site, secret)
    catalogue.xlsx     the catalog, edited in LibreOffice or Excel (or a folder of CSV files)
    cagettes.db        the SQLite database: months, forms, scans, orders (or a PostgreSQL server: [base] url)
    templates/         optional: the association's own templates, searched before the defaults
    scans/             the scan inbox
    output/            generated files; output/<month>/private/ holds everything with names
    sauvegardes/       copies of the database made by ``cagettes backup`` (names and orders: private)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import sqlalchemy as sa

from cagettes import storage
from cagettes.core.config import CONFIG_FILE, Config, load_config
from cagettes.core.errors import WorkspaceError
from cagettes.core.i18n import N_
from cagettes.core.paths import MonthPaths
from cagettes.storage import db


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

    @property
    def backups_dir(self) -> Path:
        """``cagettes backup``'s copies of the database, owner-only (cagettes.services.backup)."""
        return self.root / db.BACKUPS_DIR

    def month_dir(self, month: str) -> Path:
        return self.config.output_dir / month

    def paths(self, month: str) -> MonthPaths:
        """Every file of ``month`` (cagettes.core.paths spells the layout)."""
        return MonthPaths(self.month_dir(month))

    def engine(self) -> sa.Engine:
        """One engine per workspace: one pool of connections, the schema checked once."""
        return self._engine

    @cached_property
    def _engine(self) -> sa.Engine:
        return storage.connect(self.config.database_url, self.backups_dir)


def sample_dir() -> Path:
    return Path(str(resources.files("cagettes").joinpath("sample")))


def find_root(start: Path | None = None) -> Path:
    """The folder holding cagettes.toml: ``start`` itself or one of its parents."""
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise WorkspaceError(N_("Aucun espace de travail trouvé dans {path} (pas de fichier {file}). Créez-en un avec "
                            "« cagettes init DOSSIER » ou indiquez-le avec -w DOSSIER."),
                         params={"path": here, "file": CONFIG_FILE})


def open_workspace(start: Path | None = None, lang: str | None = None) -> Workspace:
    root = find_root(start)
    return Workspace(root, load_config(root / CONFIG_FILE, lang))
