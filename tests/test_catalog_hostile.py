"""Hostile catalogs (issue 15): what a careless or malicious spreadsheet holds must give a
located French sentence from ``check``, never a traceback nor a file written elsewhere."""
from __future__ import annotations

import codecs
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cagettes.catalog import check_catalog, load_catalog, write_workbook
from cagettes.forms import pictos
from tests.test_catalog import SAMPLE, located, read_rows, set_cell, write_rows


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "catalogue"))


def replace_bytes(file: Path, old: bytes, new: bytes) -> None:
    data = file.read_bytes()
    assert old in data
    file.write_bytes(data.replace(old, new))


def only_problem(folder: Path, row: int | None, column: str, file: str = "produits.csv"):
    problems = check_catalog(folder)
    problem = located(problems, row, column)
    assert problems == [problem] and problem.file == file
    return problem


# --- codes become file names: letters, digits, - and _, and not too long ---------------------

BAD_CODES = [
    ("../../public/FUITE", "lettres"), ("FI/VES", "lettres"), ("FIVES NORD", "lettres"),
    ("ÉPI", "lettres"), ("FIVES\\X", "lettres"), ("A" * 240, "32 caractères au plus"),
]


@pytest.mark.parametrize(("code", "says"), BAD_CODES)
def test_site_code_that_is_not_a_safe_name_is_refused(folder, code, says):
    # The members' site column follows, so that only the code itself is wrong.
    for sheet in ("sites", "membres"):
        replace_bytes(folder / f"{sheet}.csv", b"FIVES", code.encode())
    problem = only_problem(folder, 2, "code", file="sites.csv")
    assert says in problem.message and "FIVES_2" in problem.message  # an example that works


@pytest.mark.parametrize(("sheet", "column", "row"), [("fournisseurs", "code", 2), ("produits", "ref", 2)])
def test_supplier_and_product_codes_are_checked_too(folder, sheet, column, row):
    set_cell(folder, sheet, row, column, "../x")
    problems = check_catalog(folder)
    assert "lettres" in located(problems, row, column).message


def test_codes_with_dashes_underscores_and_any_case_are_accepted(folder):
    for sheet in ("sites", "membres"):
        replace_bytes(folder / f"{sheet}.csv", b"FIVES", b"Fives-Nord_2")
    assert load_catalog(folder).site("Fives-Nord_2").code == "Fives-Nord_2"


# --- CSV files as spreadsheet programs and accidents make them --------------------------------


def test_csv_with_mac_cr_line_endings_is_read(folder):
    file = folder / "produits.csv"
    file.write_bytes(file.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    assert load_catalog(folder).products == load_catalog(SAMPLE).products


def test_stray_carriage_return_inside_a_cell_is_read_as_a_space(folder):
    replace_bytes(folder / "produits.csv", b"Free-range eggs,box of 6", b"Free-range\reggs,box of 6")
    assert load_catalog(folder).products[0].name_en == "Free-range eggs"


def test_crlf_csv_with_a_line_break_inside_a_quoted_address_is_read(folder):
    set_cell(folder, "sites", 2, "adresse", "12 rue des Lauriers\n59800 Lille")
    file = folder / "sites.csv"
    file.write_bytes(file.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    assert load_catalog(folder).site("FIVES").address == "12 rue des Lauriers\n59800 Lille"


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_csv_is_read(folder, bom):
    file = folder / "produits.csv"
    encoding = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    file.write_bytes(bom + file.read_text(encoding="utf-8").encode(encoding))
    assert load_catalog(folder).products == load_catalog(SAMPLE).products


def test_excel_unicode_text_tab_separated_utf16_is_read(folder):
    file = folder / "membres.csv"
    text = "\r\n".join("\t".join(row) for row in read_rows(file)) + "\r\n"
    file.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert load_catalog(folder).members == load_catalog(SAMPLE).members


def test_binary_file_named_csv_is_not_a_text_csv(folder, tmp_path):
    with zipfile.ZipFile(folder / "produits.csv", "w") as archive:  # an .xlsx renamed, say
        archive.writestr("xl/workbook.xml", "<workbook/>")
    [problem] = check_catalog(folder)
    assert problem.file == "produits.csv"
    assert "n'est pas un fichier CSV" in problem.message and "CSV UTF-8" in problem.message


def test_field_over_128_kib_names_its_row_and_the_quotes(folder):
    rows = read_rows(folder / "produits.csv")
    rows[3][rows[0].index("nom")] = "x" * 200_000
    write_rows(folder / "produits.csv", rows)
    [problem] = check_catalog(folder)
    assert (problem.file, problem.row) == ("produits.csv", 4)
    assert "128 Kio" in problem.message and "guillemet" in problem.message


def test_unclosed_quote_swallowing_a_long_file_names_its_row(folder):
    file = folder / "produits.csv"
    rows = len(read_rows(file))
    with file.open("a", encoding="utf-8") as handle:
        handle.write('BLETTES,"Blettes,la botte,2,MARAICHER,3\n' + "BETTES,Bettes\n" * 20_000)
    [problem] = check_catalog(folder)
    assert problem.row == rows + 1 and "guillemet" in problem.message


# --- numbers and pictograms too big to be true --------------------------------------------


@pytest.mark.parametrize(("sheet", "column", "value"), [
    ("produits", "prix", "1" * 28), ("produits", "prix", "10000,01"),
    ("fournisseurs", "minimum_commande", "9" * 40),
])
def test_price_or_minimum_beyond_the_bound_is_refused(folder, sheet, column, value):
    set_cell(folder, sheet, 2, column, value)
    problem = only_problem(folder, 2, column, file=f"{sheet}.csv")
    assert "10000 €" in problem.message


def test_price_at_the_bound_is_accepted(folder):
    set_cell(folder, "produits", 2, "prix", "10 000,00")
    assert str(load_catalog(folder).products[0].price) == "10000.00"


def test_huge_numbers_in_real_number_cells_of_an_xlsx(tmp_path):
    path = write_workbook(SAMPLE, tmp_path / "catalogue.xlsx")
    book = openpyxl.load_workbook(path)
    book["produits"]["D2"] = 1e308
    book["fournisseurs"]["G3"] = 1e30
    book.save(path)
    problems = check_catalog(path)
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("produits", 2, "prix"), ("fournisseurs", 3, "minimum_commande")}


def test_picto_of_many_codes_is_a_check_message_not_a_crash(folder):
    set_cell(folder, "produits", 2, "picto", "-".join(["1F95A"] * 50))
    problem = only_problem(folder, 2, "picto")
    assert "en compte au plus 12" in problem.message


def test_picto_of_many_pasted_emojis_is_a_check_message(folder):
    set_cell(folder, "produits", 2, "picto", "🥚" * 60)
    assert "en compte au plus 12" in only_problem(folder, 2, "picto").message


@pytest.mark.parametrize("code", ["1F95A-" * 60 + "1F95A", "../../../etc/passwd", "1F95A/../1F95A", ""])
def test_picto_path_of_an_odd_code_is_none(code):
    assert pictos.picto_path(code) is None and pictos.picto_url(code) == ""


def test_picto_path_of_a_real_code():
    assert pictos.picto_path("1f95a").name == "1F95A.svg"


# --- what check used to accept ------------------------------------------------------------


def test_products_sheet_with_headers_only_is_refused(folder):
    file = folder / "produits.csv"
    file.write_bytes(file.read_bytes().splitlines(keepends=True)[0])
    [problem] = check_catalog(folder)
    assert (problem.file, problem.row) == ("produits.csv", None)
    assert "ajoutez au moins une ligne" in problem.message


def test_members_sheet_may_be_empty_for_walk_in_forms_only(folder):
    file = folder / "membres.csv"
    file.write_bytes(file.read_bytes().splitlines(keepends=True)[0])
    assert load_catalog(folder).members == ()


@pytest.mark.parametrize(("sheet", "row", "column", "value", "code"), [
    ("membres", 2, "nom", "Van\x00damme", "U+0000"),
    ("membres", 3, "prenom", "No\x07ël", "U+0007"),
    ("produits", 2, "nom", "Œufs\x1b[31m", "U+001B"),
    ("sites", 2, "adresse", "12 rue\x7f des Lauriers", "U+007F"),
    ("produits", 2, "prix", "2,4\x00", "U+0000"),
])
def test_control_characters_are_refused(folder, sheet, row, column, value, code):
    set_cell(folder, sheet, row, column, value)
    problem = only_problem(folder, row, column, file=f"{sheet}.csv")
    assert code in problem.message and "retapez" in problem.message


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                  "\u2068", "\u2069"])
def test_writing_direction_overrides_are_refused(folder, char):
    set_cell(folder, "membres", 2, "nom", f"Van{char}damme")
    problem = only_problem(folder, 2, "nom", file="membres.csv")
    assert f"U+{ord(char):04X}" in problem.message and "sens d'écriture" in problem.message


def test_tabs_and_arabic_names_are_accepted(folder):
    set_cell(folder, "membres", 2, "nom", "بن علي")
    set_cell(folder, "membres", 3, "nom", "Le\tMaire")
    members = load_catalog(folder).members
    assert members[0].last_name == "بن علي" and members[1].last_name == "Le\tMaire"


@pytest.mark.parametrize("number", ["٠٠٤٢", "۰۰۴۲", "００４２", "००४२"])
def test_member_numbers_must_use_ascii_digits(folder, number):
    set_cell(folder, "membres", 2, "numero", number)
    problem = only_problem(folder, 2, "numero", file="membres.csv")
    assert "0 à 9" in problem.message and number in problem.message


def test_formula_without_saved_value_says_so(tmp_path):
    path = write_workbook(SAMPLE, tmp_path / "catalogue.xlsx")
    book = openpyxl.load_workbook(path)
    book["produits"]["D3"] = "=2*1.2"  # openpyxl, like some tools, saves no calculated value
    book["membres"]["G4"] = '=CONCAT("06 ";"00")'  # optional column: must not pass as empty
    book.save(path)
    problems = check_catalog(path)
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("produits", 3, "prix"), ("membres", 4, "telephone")}
    price = located(problems, 3, "prix")
    assert "=2*1.2" in price.message and "LibreOffice" in price.message
    assert "obligatoire" not in price.message
