"""The catalog stage: the sample loads, and every kind of mistake is located and explained."""
from __future__ import annotations

import csv
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import cagettes
from cagettes.catalog import check_catalog, load_catalog, parsers, write_workbook
from cagettes.catalog.messages import MESSAGES
from cagettes.core.errors import CatalogError, Problem
from cagettes.core.i18n import check_complete

SAMPLE = Path(cagettes.__file__).parent / "sample" / "catalogue"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of the sample CSV folder that a test may spoil."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "catalogue"))


def read_rows(file: Path) -> list[list[str]]:
    with file.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(file: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> None:
    with file.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)


def set_cell(folder: Path, sheet: str, row: int, column: str, value: str) -> None:
    """Change one cell, ``row`` numbered as LibreOffice shows it (header = 1)."""
    file = folder / f"{sheet}.csv"
    rows = read_rows(file)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(file, rows)


def located(problems: list[Problem], row: int | None, column: str) -> Problem:
    matches = [p for p in problems if p.row == row and p.column == column]
    assert len(matches) == 1, problems
    return matches[0]


# --- the sample -----------------------------------------------------------------------------


def test_sample_has_no_problem():
    assert check_catalog(SAMPLE) == []


def test_sample_loads_with_the_right_types():
    catalog = load_catalog(SAMPLE)
    assert (len(catalog.sites), len(catalog.suppliers)) == (3, 6)
    assert 24 <= len(catalog.products) <= 28 and 38 <= len(catalog.members) <= 42
    fives = catalog.site("FIVES")
    assert (fives.weekday, fives.opens, fives.closes) == (1, dt.time(16, 30), dt.time(18, 30))
    assert len({s.weekday for s in catalog.sites}) == 3
    lentils = next(p for p in catalog.products if p.ref == "LENTILLES")
    assert lentils.price == Decimal("2.10") and lentils.case_size == 10
    assert lentils.tags == ("proteine", "local", "bio") and lentils.picto == "1FAD8"
    assert catalog.supplier("MOULIN").minimum_order == Decimal("50")
    assert all(isinstance(p.max_per_member, int) for p in catalog.products)


def test_sample_mix_of_members_and_statuses():
    catalog = load_catalog(SAMPLE)
    numbers = [m.number for m in catalog.members]
    assert len(set(numbers)) == len(numbers) and all(len(n) == 4 for n in numbers)
    assert 4 <= sum(m.language == "en" for m in catalog.members) <= 5
    assert 3 <= sum(m.large_print for m in catalog.members) <= 4
    statuses = [p.lab_status for p in catalog.products]
    assert statuses.count("essai") == 3 and 1 <= statuses.count("retire") <= 2
    assert {m.site for m in catalog.members} == {s.code for s in catalog.sites}


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_workbook_loads_like_the_csv_folder(tmp_path: Path, suffix: str):
    workbook = write_workbook(SAMPLE, tmp_path / f"catalogue.{suffix}")
    assert load_catalog(workbook) == load_catalog(SAMPLE)


def test_xlsx_header_is_bold_frozen_and_columns_sized(tmp_path: Path):
    book = openpyxl.load_workbook(write_workbook(SAMPLE, tmp_path / "catalogue.xlsx"))
    assert book.sheetnames == ["sites", "fournisseurs", "produits", "membres"]
    products = book["produits"]
    assert products.freeze_panes == "A2" and products["A1"].font.b
    assert products["D2"].value == pytest.approx(2.4) and products["D2"].number_format == "0.00"
    assert book["membres"]["A2"].value == "0001"  # text, zeros kept
    assert 10 < products.column_dimensions["B"].width <= 50


# --- one kind of mistake at a time ------------------------------------------------------------

BAD_CELLS = [
    # sheet, row, column, value typed, what the message must say
    ("produits", 5, "prix", "deux euros", "n'est pas un nombre"),
    ("produits", 3, "prix", "-1,20", "négatif"),
    ("produits", 3, "prix", "2,345", "centime"),
    ("produits", 4, "max_par_membre", "12", "entre 1 et 9"),
    ("produits", 4, "max_par_membre", "2,5", "n'est pas un nombre entier"),
    ("produits", 6, "carton", "1", "au moins 2"),
    ("produits", 2, "nom", "", "obligatoire"),
    ("produits", 3, "statut", "peut-être", "statut « peut-être » n'est pas connu"),
    ("produits", 2, "picto", "oeuf", "n'est pas un code OpenMoji"),
    ("produits", 2, "picto", "1FFFF", "aucun pictogramme OpenMoji ne porte le code 1FFFF"),
    ("produits", 3, "ref", "OEUF6", "déjà utilisée ligne 2"),
    ("produits", 2, "fournisseur", "FERME", "« FERME » n'existe pas dans la feuille fournisseurs"),
    ("sites", 2, "jour", "mardo", "n'est pas un jour de la semaine"),
    ("sites", 3, "ouverture", "14h75", "n'est pas comprise"),
    ("sites", 2, "fermeture", "15h", "doit être après l'ouverture (16:30)"),
    ("sites", 4, "adresse", "", "obligatoire"),
    ("fournisseurs", 2, "minimum_commande", "cent", "n'est pas un nombre"),
    ("fournisseurs", 2, "email", "pas une adresse", "adresse e-mail"),
    ("membres", 2, "site", "LILLE", "« LILLE » n'existe pas dans la feuille sites"),
    ("membres", 3, "numero", "0001", "déjà utilisé ligne 2"),
    ("membres", 2, "numero", "A12", "de 1 à 6 chiffres"),
    ("membres", 2, "numero", "1234567", "de 1 à 6 chiffres"),
    ("membres", 4, "langue", "allemand", "langue « allemand »"),
    ("membres", 4, "gros_caracteres", "peut-être", "oui ou non"),
    ("membres", 5, "prenom", "", "obligatoire"),
]


@pytest.mark.parametrize(("sheet", "row", "column", "value", "says"), BAD_CELLS)
def test_bad_cell_is_located_and_explained(folder, sheet, row, column, value, says):
    set_cell(folder, sheet, row, column, value)
    problems = check_catalog(folder)
    assert problems == [located(problems, row, column)]
    problem = problems[0]
    assert (problem.file, problem.sheet) == (f"{sheet}.csv", "")
    assert says in problem.message


@pytest.mark.parametrize("sheet", ["sites", "fournisseurs"])
def test_duplicate_code_is_reported_on_its_second_row(folder, sheet):
    first_code = read_rows(folder / f"{sheet}.csv")[1][0]
    set_cell(folder, sheet, 3, "code", first_code.lower())  # codes compare case-insensitively
    # The code replaced is now unknown to products or members: those problems come too.
    problem = located(check_catalog(folder), 3, "code")
    assert problem.file == f"{sheet}.csv" and "déjà utilisé ligne 2" in problem.message


def test_bad_cell_in_a_workbook_names_the_workbook_and_sheet(folder, tmp_path):
    set_cell(folder, "produits", 5, "prix", "deux euros")
    problems = check_catalog(write_workbook(folder, tmp_path / "catalogue.ods"))
    assert problems == [Problem(
        file="catalogue.ods", sheet="produits", row=5, column="prix",
        message="le prix « deux euros » n'est pas un nombre : écrivez par exemple 2,50")]


def test_missing_required_column_is_one_problem_and_other_checks_still_run(folder):
    rows = read_rows(folder / "produits.csv")
    price = rows[0].index("prix")
    write_rows(folder / "produits.csv", [r[:price] + r[price + 1:] for r in rows])
    set_cell(folder, "produits", 4, "max_par_membre", "0")
    problems = check_catalog(folder)
    assert "la colonne obligatoire « prix » manque" in located(problems, None, "prix").message
    assert located(problems, 4, "max_par_membre")
    assert len(problems) == 2


def test_missing_csv_file(folder):
    (folder / "membres.csv").unlink()
    [problem] = check_catalog(folder)
    assert problem.file == "membres.csv" and "manque" in problem.message


def test_missing_sheet_in_a_workbook(tmp_path):
    path = write_workbook(SAMPLE, tmp_path / "catalogue.xlsx")
    book = openpyxl.load_workbook(path)
    del book["membres"]
    book.save(path)
    [problem] = check_catalog(path)
    assert (problem.file, problem.sheet, problem.row) == ("catalogue.xlsx", "membres", None)
    assert "la feuille « membres » manque" in problem.message


def test_empty_sheet(folder):
    (folder / "sites.csv").write_text("\n\n", encoding="utf-8")
    problems = check_catalog(folder)
    assert any(p.file == "sites.csv" and "vide" in p.message for p in problems)


def test_unquoted_separator_shifts_cells_and_is_explained_once(folder):
    with (folder / "produits.csv").open("a", encoding="utf-8") as handle:
        handle.write("BLETTES,Blettes,la botte de 1,5 kg,2,MARAICHER,3,,local,Labo Fives,,1F96C,"
                     "Chard,bunch\n")
    [problem] = check_catalog(folder)
    assert (problem.row, problem.column) == (28, "")
    assert "guillemets" in problem.message


def test_nonexistent_path_and_unsupported_format(tmp_path):
    [missing] = check_catalog(tmp_path / "nulle-part")
    assert "rien n'existe" in missing.message
    (tmp_path / "catalogue.txt").write_text("x", encoding="utf-8")
    [wrong] = check_catalog(tmp_path / "catalogue.txt")
    assert ".txt" in wrong.message


# --- many mistakes at once --------------------------------------------------------------------


def test_all_problems_are_reported_in_one_call(folder):
    set_cell(folder, "produits", 5, "prix", "deux euros")
    set_cell(folder, "produits", 7, "max_par_membre", "10")
    set_cell(folder, "produits", 9, "statut", "bof")
    set_cell(folder, "sites", 3, "jour", "dimanch")
    set_cell(folder, "membres", 10, "site", "LILLE")
    set_cell(folder, "membres", 12, "numero", "0002")
    with pytest.raises(CatalogError) as raised:
        load_catalog(folder)
    where = {(p.file, p.row, p.column) for p in raised.value.problems}
    assert where == {
        ("produits.csv", 5, "prix"), ("produits.csv", 7, "max_par_membre"),
        ("produits.csv", 9, "statut"), ("sites.csv", 3, "jour"),
        ("membres.csv", 10, "site"), ("membres.csv", 12, "numero"),
    }
    assert raised.value.message == "Le catalogue contient 6 problèmes ; rien n'a été généré."
    in_products = [p.row for p in raised.value.problems if p.file == "produits.csv"]
    assert in_products == [5, 7, 9]  # in row order, as the coordinator fixes them


def test_single_problem_summary_is_singular(folder):
    set_cell(folder, "membres", 2, "langue", "klingon")
    with pytest.raises(CatalogError, match="contient 1 problème ;"):
        load_catalog(folder)


# --- what coordinators' spreadsheet programs actually write -----------------------------------


def test_semicolon_csv_with_bom_and_euro_sign(folder):
    rows = read_rows(folder / "produits.csv")
    rows[1][rows[0].index("prix")] = "2,50 €"
    write_rows(folder / "produits.csv", rows, delimiter=";", bom=True)
    assert (folder / "produits.csv").read_bytes().startswith(b"\xef\xbb\xbfref;nom;")
    products = load_catalog(folder).products
    assert products[0].price == Decimal("2.50")
    assert products[2].unit == "la pièce (environ 1,8 kg)"


def test_windows_1252_csv_from_french_excel_is_read(folder):
    text = (folder / "sites.csv").read_text(encoding="utf-8").replace("–", "-")
    (folder / "sites.csv").write_bytes(text.encode("cp1252"))
    assert load_catalog(folder).site("CAMPUS").name.startswith("Épicerie")


def test_headers_match_whatever_case_accents_and_spaces(folder):
    rows = read_rows(folder / "produits.csv")
    rows[0] = ["Réf", "Nom ", "Unité", "PRIX", "Fournisseur", "Max par membre", "Carton",
               "Catégories", "Labo", "Statut", "Picto", "Nom EN", "Unité-EN"]
    write_rows(folder / "produits.csv", rows)
    set_cell(folder, "produits", 3, "PRIX", "beaucoup")
    problem = located(check_catalog(folder), 3, "PRIX")  # the header as the coordinator wrote it
    assert "n'est pas un nombre" in problem.message


def test_blank_rows_are_ignored_and_do_not_shift_row_numbers(folder):
    rows = read_rows(folder / "membres.csv")
    rows[3:3] = [[], [""] * len(rows[0])]
    write_rows(folder / "membres.csv", rows)
    set_cell(folder, "membres", 7, "langue", "breton")
    [problem] = check_catalog(folder)
    assert (problem.row, problem.column) == (7, "langue")


def test_lenient_values_are_normalised(folder):
    set_cell(folder, "produits", 2, "picto", "🥚")
    set_cell(folder, "produits", 3, "picto", "u+1f9c0")
    set_cell(folder, "produits", 4, "statut", "Régulier")
    set_cell(folder, "produits", 5, "categories", "Protéine; LOCAL")
    set_cell(folder, "sites", 2, "ouverture", "9 h 30")
    set_cell(folder, "membres", 2, "langue", "English")
    set_cell(folder, "membres", 2, "gros_caracteres", "X")
    catalog = load_catalog(folder)
    assert [p.picto for p in catalog.products[:2]] == ["1F95A", "1F9C0"]
    assert catalog.products[2].lab_status == "regulier"
    assert catalog.products[3].tags == ("proteine", "local")
    assert catalog.sites[0].opens == dt.time(9, 30)
    assert (catalog.members[0].language, catalog.members[0].large_print) == ("en", True)


def test_typed_cells_of_a_hand_made_xlsx(tmp_path):
    path = write_workbook(SAMPLE, tmp_path / "catalogue.xlsx")
    book = openpyxl.load_workbook(path)
    book["sites"]["F2"] = dt.time(16, 30)  # a real time cell, as Excel makes of "16:30"
    book["produits"]["D2"] = 2.4
    book["produits"]["F2"] = 4
    book.save(path)
    catalog = load_catalog(path)
    assert catalog.sites[0].opens == dt.time(16, 30) and catalog.products[0].price == Decimal("2.4")


def test_notes_in_an_untitled_workbook_column_are_ignored(tmp_path):
    path = write_workbook(SAMPLE, tmp_path / "catalogue.xlsx")
    book = openpyxl.load_workbook(path)
    book["membres"]["K3"] = "a déménagé ?"
    book.save(path)
    assert check_catalog(path) == []


@pytest.mark.parametrize(("typed", "expected"), [
    ("14:00", dt.time(14)), ("14h", dt.time(14)), ("14 h 30", dt.time(14, 30)),
    ("9h30", dt.time(9, 30)), ("14H30", dt.time(14, 30)), ("14:30:00", dt.time(14, 30)),
    ("1899-12-30 08:15:00", dt.time(8, 15)),
])
def test_times_as_people_write_them(typed, expected):
    assert parsers.time_of_day(typed) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("2,50", "2.50"), ("2.5", "2.50"), ("2,50 €", "2.50"), ("€2.50", "2.50"), ("3 EUR", "3.00"),
    ("1 200,00", "1200.00"), ("1.234,5", "1234.50"), ("2.2999999999999998", "2.30"), ("0", "0.00"),
])
def test_prices_as_people_write_them(typed, expected):
    assert parsers.euros("price")(typed) == Decimal(expected)


@pytest.mark.parametrize(("typed", "expected"), [
    ("1F95A", "1F95A"), ("1f9c0", "1F9C0"), ("U+1F34E", "1F34E"), ("🥚", "1F95A"), ("❤️", "2764"),
    ("1F468-200D-1F373", "1F468-200D-1F373"), ("👨‍🍳", "1F468-200D-1F373"),
])
def test_pictos_are_normalised_to_openmoji_file_names(typed, expected):
    assert parsers.picto(typed) == expected


# --- languages ------------------------------------------------------------------------------


def test_messages_in_english(folder):
    set_cell(folder, "produits", 5, "prix", "two euros")
    with pytest.raises(CatalogError) as raised:
        load_catalog(folder, lang="en")
    assert raised.value.message == "The catalog has 1 problem; nothing was generated."
    [problem] = raised.value.problems
    assert problem.message == "the price « two euros » is not a number: write for example 2.50"


def test_every_message_has_french_and_english():
    assert check_complete(MESSAGES) == []
