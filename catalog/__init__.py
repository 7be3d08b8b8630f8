"""The catalog stage: the association's spreadsheets → a validated ``Catalog``.

Coordinators keep the catalog either in one workbook (``.xlsx`` or ``.ods``) with the sheets
``sites``, ``fournisseurs``, ``produits`` and ``membres``, or in a folder holding one CSV file
per sheet (``sites.csv``...; UTF-8, separated by ``,`` or ``;``). Column names are French and
matched whatever their case, accents or spaces; ``catalog.schema`` lists them.

Every problem is reported at once, located by file, sheet, row (as the spreadsheet program
numbers it) and column, in French or English::

    catalog = load_catalog(Path("catalogue.ods"))          # raises CatalogError
    problems = check_catalog(Path("catalogue"), lang="en")  # [] when valid
    write_workbook(Path("catalogue"), Path("catalogue.xlsx"))
"""
from __future__ import annotations

from pathlib import Path

from cagettes.catalog.messages import MESSAGES
from cagettes.catalog.reader import read_tables
from cagettes.catalog.schema import SHEET_NAMES
from cagettes.catalog.validate import validate
from cagettes.catalog.workbook import write_ods, write_xlsx
from cagettes.core.errors import CatalogError, Problem
from cagettes.core.i18n import translate
from cagettes.core.model import Catalog

__all__ = ["Catalog", "check_catalog", "load_catalog", "write_workbook"]


def load_catalog(path: Path, lang: str = "fr") -> Catalog:
    """Read and validate the catalog at ``path`` (a workbook file or a folder of CSV files).

    Raises ``CatalogError`` whose ``problems`` lists everything wrong, so nothing is generated
    from a half-valid catalog.
    """
    tables, problems = read_tables(Path(path), SHEET_NAMES, lang)
    catalog, found = validate(tables, lang)
    problems += found
    if problems or catalog is None:
        raise CatalogError(_summary(problems, lang), problems=problems, lang=lang)
    return catalog


def check_catalog(path: Path, lang: str = "fr") -> list[Problem]:
    """Every problem of the catalog at ``path``; an empty list means it is valid."""
    try:
        load_catalog(path, lang)
    except CatalogError as error:
        return error.problems
    return []


def write_workbook(catalog_dir_csv: Path, dest: Path) -> Path:
    """Gather the four CSV files of ``catalog_dir_csv`` into one workbook at ``dest``.

    The format follows the suffix: ``.ods`` for LibreOffice, otherwise ``.xlsx``. The header row
    is bold and frozen. Cells are copied, not validated: run ``check_catalog`` for that.
    Raises ``CatalogError`` when a CSV file is missing or unreadable.
    """
    tables, problems = read_tables(Path(catalog_dir_csv), SHEET_NAMES)
    if problems:
        raise CatalogError(_summary(problems, "fr"), problems=problems)
    dest = Path(dest)
    (write_ods if dest.suffix.lower() == ".ods" else write_xlsx)(tables, dest)
    return dest


def _summary(problems: list[Problem], lang: str) -> str:
    if len(problems) == 1:
        return translate(MESSAGES, "summary_one", lang)
    return translate(MESSAGES, "summary_many", lang, count=len(problems))
