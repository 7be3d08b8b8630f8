"""Opening a month freezes it; the CLI reports problems in French with their location."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from cagettes.catalog import load_catalog
from cagettes.cli import main
from cagettes.closing import carry
from cagettes.core.errors import MonthError
from cagettes.storage import months
from tests.backends import BOTH_BACKENDS


def set_cell(workbook_path, sheet, column_header, row, value):
    book = openpyxl.load_workbook(workbook_path)
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    ws.cell(row=row, column=headers.index(column_header) + 1, value=value)
    book.save(workbook_path)


@BOTH_BACKENDS
def test_prices_are_frozen_when_the_month_opens(workspace):
    catalog = load_catalog(workspace.config.catalog_path)
    opened = months.open_month(workspace.engine(), workspace.config, catalog, "2026-12")
    before = opened.products[0].price
    set_cell(workspace.config.catalog_path, "produits", "prix", 2, 99.5)
    assert load_catalog(workspace.config.catalog_path).products[0].price == Decimal("99.5")
    assert carry.load_month(workspace.engine(), workspace.config, "2026-12").products[0].price == before


@BOTH_BACKENDS
def test_a_month_opens_once_and_forms_are_numbered_per_site(workspace):
    catalog = load_catalog(workspace.config.catalog_path)
    data = months.open_month(workspace.engine(), workspace.config, catalog, "2026-12")
    with pytest.raises(MonthError, match="déjà ouvert"):
        months.open_month(workspace.engine(), workspace.config, catalog, "2026-12")
    assert [f.number for f in data.forms] == list(range(1, len(data.forms) + 1))
    assert sum(1 for f in data.forms if f.member) == len(catalog.members)
    assert sum(1 for f in data.forms if not f.member) == 3 * workspace.config.free_forms_per_site
    assert all(data.deliveries[s.code].date.weekday() == s.weekday for s in data.sites)
    assert data.deadline < min(d.date for d in data.deliveries.values())


def test_retired_products_are_not_on_the_forms(workspace):
    catalog = load_catalog(workspace.config.catalog_path)
    data = months.open_month(workspace.engine(), workspace.config, catalog, "2026-12")
    retired = {p.ref for p in catalog.products if p.lab_status == "retire"}
    assert retired and not retired & {p.ref for p in data.products}


def test_cli_init_check_and_month_open(tmp_path, capsys):
    root = tmp_path / "asso"
    assert main(["init", str(root)]) == 0
    assert main(["-w", str(root), "check"]) == 0
    assert "Catalogue valide" in capsys.readouterr().out
    assert main(["-w", str(root), "month", "open", "2027-01", "--force"]) == 0
    out = capsys.readouterr().out
    assert "vendredi 1er janvier" not in out  # a holiday is never a working date
    assert "Mois 2027-01 ouvert" in out and "Livraison" in out


def test_cli_check_lists_every_problem_with_its_place(workspace, capsys):
    set_cell(workspace.config.catalog_path, "produits", "prix", 3, "deux euros")
    set_cell(workspace.config.catalog_path, "membres", "site", 4, "LUNE")
    assert main(["-w", str(workspace.root), "check"]) == 1
    err = capsys.readouterr().err
    assert "feuille « produits », ligne 3, colonne « prix »" in err
    assert "feuille « membres », ligne 4, colonne « site »" in err
    assert "rien n'a été généré" in err


def test_cli_messages_in_english(workspace, capsys):
    set_cell(workspace.config.catalog_path, "produits", "prix", 3, "two euros")
    assert main(["--lang", "en", "-w", str(workspace.root), "check"]) == 1
    err = capsys.readouterr().err
    assert "sheet « produits », row 3, column « prix »" in err


def test_cli_bad_month_and_unopened_month(workspace, capsys):
    assert main(["-w", str(workspace.root), "month", "open", "2026-13"]) == 1
    assert "2026-12" in capsys.readouterr().err  # the message shows the expected form
    assert main(["-w", str(workspace.root), "print", "bundles", "2026-12"]) == 1
    assert "cagettes month open 2026-12" in capsys.readouterr().err


def test_no_workspace_is_a_clear_error(tmp_path, capsys):
    assert main(["-w", str(tmp_path), "check"]) == 1
    assert "cagettes init" in capsys.readouterr().err


def test_next_month_wraps_the_year():
    from cagettes.services.demo import next_month

    assert next_month(dt.date(2026, 12, 3)) == "2027-01"
    assert next_month(dt.date(2026, 11, 26)) == "2026-12"


def test_every_cli_message_has_french_and_english():
    from cagettes.cli.commands import MESSAGES
    from cagettes.core.i18n import check_complete

    assert check_complete(MESSAGES) == []
