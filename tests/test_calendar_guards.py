"""The calendar's guard rails (issue 12, point 5), through the command line on real workspaces:
closing before the deadline, opening a past or far month, cancelling an open month, a catalog
changed since opening, and the personal form of a member who joined during the month."""
from __future__ import annotations

import json
from decimal import Decimal

import cv2
import openpyxl
import sqlalchemy as sa

from cagettes.cli import main
from cagettes.core.money import euros
from cagettes.storage import db
from tests.backends import BOTH_BACKENDS
from tests.conftest import MONTH, pdf_page_image

SCAN_DPI = 200  # enough for the scanner, and quick to render


def run(capsys, root, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["-w", str(root), *args])
    said = capsys.readouterr()
    return code, said.out + said.err


def rows(path, sheet: str) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def edit_sheet(path, sheet: str, change) -> None:
    """``change(worksheet, headers)`` on one sheet of the catalog workbook, saved."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    change(ws, [c.value for c in ws[1]])
    book.save(path)


def add_member(path, number: str, first: str, last: str, site: str) -> None:
    def change(ws, headers):
        values = {"numero": number, "prenom": first, "nom": last, "site": site, "langue": "fr",
                  "gros_caracteres": "non", "telephone": ""}
        ws.append([values.get(h, "") for h in headers])
    edit_sheet(path, "membres", change)


# --- month close before the deadline --------------------------------------------------------------

@BOTH_BACKENDS
def test_closing_before_the_deadline_is_refused_without_force_and_states_it(workspace, capsys):
    root = workspace.root
    assert run(capsys, root, "month", "open", "2027-01", "--aujourdhui", "2026-12-02")[0] == 0
    code, said = run(capsys, root, "month", "close", "2027-01", "--aujourdhui", "2026-12-02")
    assert code == 1, said
    assert "vendredi 15 janvier 2027" in said and "cagettes month close 2027-01 --force" in said, said
    assert "Traceback" not in said
    with workspace.engine().connect() as conn:  # nothing was closed
        assert conn.execute(sa.select(sa.func.count()).select_from(db.closings)).scalar() == 0
    code, said = run(capsys, root, "month", "close", "2027-01", "--force", "--aujourdhui", "2026-12-02")
    assert code == 0 and "Mois 2027-01 clos" in said, said


def test_closing_after_the_deadline_needs_no_force(workspace, capsys):
    root = workspace.root
    assert run(capsys, root, "month", "open", "2027-01", "--aujourdhui", "2026-12-02")[0] == 0
    code, said = run(capsys, root, "month", "close", "2027-01", "--aujourdhui", "2027-01-16")
    assert code == 0 and "Mois 2027-01 clos" in said, said


# --- month open of a past month, or of one too far ahead -------------------------------------------

@BOTH_BACKENDS
def test_opening_a_past_month_needs_force_and_says_why(workspace, capsys):
    root = workspace.root
    code, said = run(capsys, root, "month", "open", "2026-11", "--aujourdhui", "2026-12-04")
    assert code == 1 and "2026-11" in said and "--force" in said, said
    assert "vendredi 13 novembre 2026" in said, said  # its deadline (the 15th is a Sunday), written out
    assert "vendredi 4 décembre 2026" in said, said  # today
    assert run(capsys, root, "status", "--mois", "2026-11")[0] == 1  # not opened
    code, said = run(capsys, root, "month", "open", "2026-11", "--force", "--aujourdhui", "2026-12-04")
    assert code == 0 and "Mois 2026-11 ouvert" in said, said


def test_a_month_whose_deadline_has_passed_is_past(workspace, capsys):
    code, said = run(capsys, workspace.root, "month", "open", MONTH, "--aujourdhui", "2026-12-16")
    assert code == 1 and "mardi 15 décembre 2026" in said and "--force" in said, said


def test_opening_more_than_two_months_ahead_needs_force(workspace, capsys):
    root = workspace.root
    code, said = run(capsys, root, "month", "open", "2027-03", "--aujourdhui", "2026-12-04")
    assert code == 1 and "2027-03" in said and "à plus de 2 mois" in said and "--force" in said, said
    assert "vendredi 4 décembre 2026" in said, said
    assert run(capsys, root, "month", "open", "2027-02", "--aujourdhui", "2026-12-04")[0] == 0  # two ahead: fine
    code, said = run(capsys, root, "month", "open", "2027-03", "--force", "--aujourdhui", "2026-12-04")
    assert code == 0 and "Mois 2027-03 ouvert" in said, said


def test_an_open_month_is_said_open_before_any_date_guard(workspace, capsys):
    root = workspace.root
    assert run(capsys, root, "month", "open", "2026-11", "--force", "--aujourdhui", "2026-12-04")[0] == 0
    code, said = run(capsys, root, "month", "open", "2026-11", "--aujourdhui", "2026-12-04")
    assert code == 1 and "déjà ouvert" in said, said


# --- month cancel ---------------------------------------------------------------------------------

@BOTH_BACKENDS
def test_cancelling_an_open_month_without_scans_removes_it_and_its_printed_files(station, capsys):
    root, month_dir = station.root, station.month_dir(MONTH)
    assert (month_dir / "private" / "manifest.json").is_file()
    code, said = run(capsys, root, "month", "cancel", MONTH)
    assert code == 0, said
    assert "Mois 2026-12 annulé" in said and str(month_dir) in said and "bons papier" in said, said
    assert f"cagettes month open {MONTH}" in said, said
    assert not month_dir.exists()
    with station.engine().connect() as conn:
        for table in (db.months, db.forms, db.prints):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0, table.name
    code, said = run(capsys, root, "status", "--mois", MONTH)
    assert code == 1 and "n'est pas ouvert" in said, said
    code, said = run(capsys, root, "month", "open", MONTH, "--force")
    assert code == 0, said


def test_cancelling_a_month_never_opened_or_closed_is_refused(workspace, capsys):
    root = workspace.root
    code, said = run(capsys, root, "month", "cancel", "2027-01")
    assert code == 1 and "n'est pas ouvert" in said, said
    assert run(capsys, root, "month", "open", "2027-01", "--aujourdhui", "2026-12-04")[0] == 0
    assert run(capsys, root, "month", "close", "2027-01", "--force")[0] == 0
    code, said = run(capsys, root, "month", "cancel", "2027-01")
    assert code == 1 and "clos" in said, said
    assert workspace.month_dir("2027-01").is_dir()  # its documents are kept


# --- print says the catalog changed since the month opened ---------------------------------------

@BOTH_BACKENDS
def test_print_says_what_changed_in_the_catalog_since_opening(station, capsys):
    path = station.config.catalog_path
    products = rows(path, "produits")
    first, second, third = products[1], products[2], products[3]
    members = rows(path, "membres")

    def change_products(ws, headers):
        ws.cell(row=2, column=headers.index("prix") + 1, value=9.99)
        ws.cell(row=3, column=headers.index("nom") + 1, value="Œufs extra-frais")
        ws.cell(row=4, column=headers.index("unite") + 1, value="le pot de 1 kg")
        ws.append(["NOUVEAU", "Confiture de rhubarbe", "le pot", 3.1] + list(first[4:]))
    edit_sheet(path, "produits", change_products)

    def change_members(ws, headers):
        ws.delete_rows(2)  # the first member leaves
    edit_sheet(path, "membres", change_members)
    add_member(path, "0777", "Aïcha", "Nouvelle", members[1][3])

    code, said = run(capsys, station.root, "print", "posters", MONTH)
    assert code == 0, said
    assert "Le catalogue a changé depuis l'ouverture du mois 2026-12" in said, said
    assert f"prix de « {first[1]} » ({first[0]})" in said and euros(Decimal("9.99")) in said, said
    assert f"« {second[1]} » → « Œufs extra-frais »" in said, said
    assert f"« {third[2]} » → « le pot de 1 kg »" in said, said
    assert "produit ajouté : « Confiture de rhubarbe » (NOUVEAU)" in said, said
    assert f"membre retiré : {members[1][1]} {members[1][2]} (n° {members[1][0]})" in said, said
    assert "membre ajouté : Aïcha Nouvelle (n° 0777)" in said, said
    assert f"cagettes print form {MONTH} --membre 0777" in said, said
    assert f"cagettes month cancel {MONTH}" in said, said


def test_print_says_nothing_when_the_catalog_is_as_opened(station, capsys):
    code, said = run(capsys, station.root, "print", "posters", MONTH)
    assert code == 0 and "Le catalogue a changé" not in said, said


# --- a member who joins during the month ----------------------------------------------------------

@BOTH_BACKENDS
def test_a_member_who_joins_gets_a_form_stamped_into_the_open_month(station, capsys, tmp_path):
    root = station.root
    manifest_path = station.month_dir(MONTH) / "private" / "manifest.json"
    before = json.loads(manifest_path.read_text(encoding="utf-8"))
    last_form = max(p["form"] for p in before["pages"])
    site = before["pages"][0]["site"]
    add_member(station.config.catalog_path, "0045", "Samir", "Haddad", site)

    code, said = run(capsys, root, "print", "form", MONTH, "--membre", "0045")
    assert code == 0, said
    pdf = station.month_dir(MONTH) / "private" / "forms" / "membre-0045.pdf"
    assert str(pdf) in said and f"Bon n° {last_form + 1}" in said and "Samir Haddad" in said, said
    assert pdf.is_file() and (pdf.stat().st_mode & 0o077) == 0
    after = json.loads(manifest_path.read_text(encoding="utf-8"))
    new = [p for p in after["pages"] if p["member"] == "0045"]
    assert new and all(p["form"] == last_form + 1 and p["pdf"] == "private/forms/membre-0045.pdf" for p in new)
    assert len(after["pages"]) == len(before["pages"]) + len(new)  # the others kept as they were

    image = pdf_page_image(pdf, 0, dpi=SCAN_DPI)
    scan = tmp_path / "nouveau.png"
    cv2.imwrite(str(scan), image)
    code, said = run(capsys, root, "scan", str(scan), "--mois", MONTH)
    assert code == 0 and "1 acceptées" in said, said
    with station.engine().connect() as conn:
        page = conn.execute(sa.select(db.scanned_pages)).mappings().one()
    assert page["outcome"] == "accepted" and page["form"] == last_form + 1 and page["page_id"] == new[0]["id"]

    code, said = run(capsys, root, "print", "form", MONTH, "--membre", "0045")
    assert code == 1 and f"bon n° {last_form + 1}" in said and "déjà" in said, said
    code, said = run(capsys, root, "month", "cancel", MONTH)  # now it has a scan: kept
    assert code == 1 and "1 page" in said and "scann" in said, said
    assert manifest_path.is_file()


def test_print_form_for_a_member_already_served_or_unknown_says_so(station, capsys):
    root = station.root
    members = rows(station.config.catalog_path, "membres")
    code, said = run(capsys, root, "print", "form", MONTH, "--membre", str(int(members[1][0])))  # 1 = 0001
    assert code == 1 and "a déjà le bon n°" in said and members[1][2] in said, said
    code, said = run(capsys, root, "print", "form", MONTH, "--membre", "9999")
    assert code == 1 and "9999" in said and "membres" in said, said
    code, said = run(capsys, root, "print", "form", MONTH)
    assert code == 2 and "--membre" in said, said
