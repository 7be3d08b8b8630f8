"""Issue 12, points 4 and 8: a member number is one number whatever its zeros (41 = 0041) in the
catalog, on the review page and from the walk-in grid; a ticked number that is nobody's goes to
review; ``check`` refuses badly decoded text and warns about what prints badly; names sort in
French."""
from __future__ import annotations

import contextlib
import dataclasses
import io
import shutil
from pathlib import Path
from types import SimpleNamespace

import cv2
import openpyxl
import pytest
import sqlalchemy as sa

from cagettes.catalog import parsers
from cagettes.cli import main
from cagettes.closing import carry
from cagettes.closing.documents import sort_key as documents_sort_key
from cagettes.core.members import MEMBER_DIGITS, member_number
from cagettes.core.model import Member
from cagettes.core.month import FormSlot
from cagettes.forms.bundles import ordered_forms
from cagettes.forms.texts import texts
from cagettes.review import decisions as rv
from cagettes.scan import pipeline
from cagettes.scan.doubts import doubt_in_words
from cagettes.scan.orders import order_rows, snapshot_members
from cagettes.services import review as review_service
from cagettes.services.scanning import scan_job
from cagettes.services.workspace import copy_sample_csv, init_workspace, load_catalog
from cagettes.simulate import corpus
from cagettes.storage import db, months
from cagettes.storage import workspace as ws
from tests.backends import BOTH_BACKENDS, use_database
from tests.conftest import MONTH
from tests.review_scans import DPI, tick

WHO = "Samia"


def run_cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


def set_member_number(book_path: Path, old: str, new: object) -> None:
    """The member ``old``'s number cell of the workbook, typed again as ``new`` (41: a number cell)."""
    book = openpyxl.load_workbook(book_path)
    sheet = book["membres"]
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if str(row[0].value) == old)
    cell.value = new
    cell.number_format = "General"  # as LibreOffice leaves a cell typed in a new row
    book.save(book_path)


def csv_workspace(tmp_path: Path) -> Path:
    """A workspace whose catalog is the sample's folder of CSV files."""
    root = tmp_path / "ws"
    init_workspace(root)
    copy_sample_csv(root / "catalogue")
    config = root / "cagettes.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('chemin = "catalogue.xlsx"', 'chemin = "catalogue"'),
                      encoding="utf-8")
    return root


def edit_csv(path: Path, old: str, new: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_bytes(text.replace(old, new, 1).encode(encoding))


# ---------------------------------------------------------------- the catalog

def test_a_number_cell_41_of_a_new_row_is_member_0041(tmp_path):
    root = tmp_path / "ws"
    workspace = init_workspace(root)
    book = openpyxl.load_workbook(workspace.config.catalog_path)
    book["membres"].append([41, "Inès", "Zerrouki", "FIVES", "fr", "non", ""])
    book.save(workspace.config.catalog_path)
    code, said = run_cli("-w", str(root), "check")
    assert code == 0 and "Catalogue valide" in said and "41 membres" in said, said
    members = {m.last_name: m.number for m in load_catalog(workspace).members}
    assert members["Zerrouki"] == "0041"


def test_41_and_0041_in_one_sheet_are_one_member_twice(tmp_path):
    root = csv_workspace(tmp_path)
    edit_csv(root / "catalogue" / "membres.csv", "0002,Noël", "1,Noël")  # 0001 is row 2
    code, said = run_cli("-w", str(root), "check")
    assert code == 1, said
    assert "membres.csv, ligne 3, colonne « numero » : le numéro « 1 » est le même que « 0001 » (ligne 2)" in said


def test_numbers_of_mixed_lengths_are_a_warning(tmp_path):
    root = tmp_path / "ws"
    workspace = init_workspace(root)
    set_member_number(workspace.config.catalog_path, "0007", 7)
    code, said = run_cli("-w", str(root), "check")
    assert code == 0 and "Catalogue valide" in said, said
    assert "Attention, catalogue.xlsx, feuille « membres », ligne 8, colonne « numero » : le numéro « 7 »" in said
    assert "0007" in said.split("le numéro « 7 »")[1]
    assert said.count("Attention") == 1, said


@pytest.mark.parametrize("seen, cell", [
    ("?????", "Aïcha"),  # Excel's plain CSV (Windows-1252) writes a letter it lacks as "?"
    ("Fran?oise", "Françoise"),
    ("FranÃ§oise", "Françoise"),  # UTF-8 read as Windows-1252, then saved again
    ("H\ufffdl\ufffdne", "Hélène"),  # bytes no encoding could read
])
def test_badly_decoded_text_is_an_error(tmp_path, seen, cell):
    root = csv_workspace(tmp_path)
    edit_csv(root / "catalogue" / "membres.csv", cell, seen)
    code, said = run_cli("-w", str(root), "check")
    assert code == 1, said
    assert "membres.csv, ligne" in said and f"« {seen} »" in said and "CSV UTF-8" in said, said
    if "Ã" in seen:
        assert "« Françoise »" in said  # what it should have read


def test_a_windows_1252_file_with_question_marks_fails_check(tmp_path):
    root = csv_workspace(tmp_path)
    path = root / "catalogue" / "membres.csv"
    text = path.read_text(encoding="utf-8").replace("بنعلي", "?????")
    path.write_bytes(text.encode("cp1252", errors="replace"))
    code, said = run_cli("-w", str(root), "check")
    assert code == 1 and "« ????? »" in said, said


def test_a_product_without_pictogram_is_a_warning(tmp_path):
    root = csv_workspace(tmp_path)
    edit_csv(root / "catalogue" / "produits.csv", "Labo Fives,regulier,1F95A,Free-range eggs,box of 6",
             "Labo Fives,regulier,,Free-range eggs,box of 6")
    code, said = run_cli("-w", str(root), "check")
    assert code == 0 and "Catalogue valide" in said, said
    assert "Attention, produits.csv, ligne 2, colonne « picto » : " in said and "pictogramme" in said, said


def test_the_sample_has_no_warning(tmp_path):
    code, said = run_cli("-w", str(init_workspace(tmp_path / "ws").root), "check")
    assert code == 0 and "Attention" not in said, said


# ---------------------------------------------------------------- one canonical form

def test_member_numbers_have_one_written_form():
    assert {member_number(n) for n in ("41", "0041", "00041", " 41 ")} == {"0041"}
    assert (member_number("123456"), member_number("0"), member_number("abc")) == ("123456", "0000", "abc")
    assert parsers.member_number("41.0") == "0041"  # an .ods number cell, as pandas reads it


def test_the_walkin_grid_gives_an_example_with_its_zeros():
    example = texts("fr")["member_number_example"].format(example="42".zfill(MEMBER_DIGITS))
    assert "0042" in example and "zéros" in example


# ---------------------------------------------------------------- scans and review

@pytest.fixture
def month7(printed, tmp_path, backend, request):
    """The printed month opened again from a catalog where member 0007 was typed as the number 7."""
    root = tmp_path / "station"
    shutil.copytree(printed[0].root, root, ignore=shutil.ignore_patterns("cagettes.db*", "scans", "site"))
    (root / "scans").mkdir()
    if backend != "sqlite":
        use_database(root, request.getfixturevalue("database_url"))
    station = ws.open_workspace(root)
    set_member_number(station.config.catalog_path, "0007", 7)
    engine = station.engine()
    months.open_month(engine, station.config, load_catalog(station), MONTH)
    data = carry.load_month(engine, station.config, MONTH)
    return station, data, scan_job(station, data)


def scan_walkin(month7, tmp_path: Path, number: str) -> int:
    """A walk-in form's first page, its grid ticked ``number`` and one product, read by the
    scanner; the scanned page's id."""
    station, data, job = month7
    manifest = rv.Review.open(station.engine(), job.manifest_path).manifest
    page = next(p for p in manifest["pages"] if p["walkin"] and p["page"] == 1)
    boxes = {b["id"]: b for b in manifest["layouts"][page["layout"]]["boxes"]}
    image = corpus.render_page(station.month_dir(MONTH) / page["pdf"], page["pdf_page"], DPI)
    for column, digit in enumerate(number):
        tick(image, boxes[f"n-{column}-{digit}"])
    tick(image, boxes["q-0-1"])
    path = tmp_path / f"walkin-{number}.png"
    cv2.imwrite(str(path), image)
    pipeline.scan(station.engine(), job, [path], jobs=1)
    with station.engine().connect() as conn:
        return conn.execute(sa.select(sa.func.max(db.scanned_pages.c.id))).scalar()


def scanned(engine, page: int) -> tuple[dict, dict]:
    with engine.connect() as conn:
        row = dict(conn.execute(sa.select(db.scanned_pages).where(db.scanned_pages.c.id == page)).mappings().one())
        line = dict(conn.execute(sa.select(db.page_lines).where(
            db.page_lines.c.scanned_page == page, db.page_lines.c.kind == "member_number")).mappings().one())
    return row, line


@BOTH_BACKENDS
def test_a_walkin_grid_ticked_0007_is_the_member_typed_7(month7, tmp_path):
    station, data, _ = month7
    engine = station.engine()
    with engine.connect() as conn:
        member = snapshot_members(conn, MONTH)["0007"]
    assert member.number == "0007" and member.last_name == "Benali"
    page = scan_walkin(month7, tmp_path, "0007")
    row, line = scanned(engine, page)
    assert (row["outcome"], line["value"], line["status"]) == ("accepted", "0007", "confirmed")
    [order] = order_rows(engine, data)
    assert order["membre"] == "0007"


@BOTH_BACKENDS
def test_a_walkin_number_that_is_nobodys_goes_to_review_and_is_never_counted(month7, tmp_path):
    station, data, job = month7
    engine = station.engine()
    page = scan_walkin(month7, tmp_path, "8909")
    row, line = scanned(engine, page)
    assert row["outcome"] == "needs_review" and "member_number::unknown_member" in row["review_reasons"], row
    assert (line["value"], line["status"], line["reason"]) == ("8909", "doubtful", "unknown_member")
    [order] = order_rows(engine, data)
    assert order["membre"] == ""  # not 8909: no credit is carried to a member who does not exist
    assert "aucun membre" in doubt_in_words("member_number::unknown_member", {})
    review = rv.Review.open(engine, job.manifest_path)
    rv.assign(review, page, "7", WHO)  # typed without its zeros on the review page
    row, _ = scanned(engine, page)
    [order] = order_rows(engine, data)
    assert row["outcome"] == "accepted" and (order["membre"], order["nom"]) == ("0007", "Aïcha Benali")


def test_the_review_page_takes_20_for_member_0020(month7):
    station, _, job = month7
    review = rv.Review.open(station.engine(), job.manifest_path)
    assert review_service.member(review, "20") is not None
    assert review_service.member(review, "20").number == "0020"


# ---------------------------------------------------------------- French order of names

def test_names_sort_in_french_everywhere(printed):
    data = printed[1]
    site = data.sites[0].code
    names = ["Zoé", "L'Hôte", "Lefebvre", "Le Goff", "lévêque", "Levy", "Éluard", "Ernst", "de la Tour", "Dupont"]
    expected = ["de la Tour", "Dupont", "Éluard", "Ernst", "Lefebvre", "Le Goff", "lévêque", "Levy", "L'Hôte", "Zoé"]
    forms = tuple(FormSlot(n, site, Member(f"{n:04d}", "Ana", name, site)) for n, name in enumerate(names, 1))
    month = dataclasses.replace(data, forms=forms)
    assert [f.member.last_name for f in ordered_forms(month, site)] == expected
    slots = sorted(forms, key=lambda f: documents_sort_key(SimpleNamespace(slot=f, member=f.member)))
    assert [f.member.last_name for f in slots] == expected


@BOTH_BACKENDS
def test_a_walkin_form_carries_its_member_everywhere(month7, tmp_path, capsys):
    """Issue 12, point 3: member 0007 (Aïcha Benali) handed in a walk-in form instead of her own.
    Her name is on the signing sheet, her receipt and the distribution workbook, she leaves the
    no-form list, and her credit is carried to next month under her number."""
    import pypdfium2 as pdfium

    from cagettes import closing
    from cagettes.core.paths import MonthPaths

    station, data, _ = month7
    page = scan_walkin(month7, tmp_path, "0007")
    form = scanned(station.engine(), page)[0]["form"]
    assert main(["-w", str(station.root), "month", "close", MONTH, "--force"]) == 0
    folder = MonthPaths(station.month_dir(MONTH)).distribution

    def text(pattern: str) -> str:
        pages = []
        for path in folder.glob(pattern):
            document = pdfium.PdfDocument(str(path))
            pages += [document[i].get_textpage().get_text_range() for i in range(len(document))]
        return " ".join(" ".join(pages).split())

    walkin = f"Aïcha Benali (Bon libre n° {form})"
    assert walkin in text("emargement-*-M.pdf") and walkin in text("recus-*.pdf")
    assert "Benali" not in text("sans-bon-*.pdf")
    book = openpyxl.load_workbook(folder / f"distribution-{MONTH}.xlsx")
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value}
    assert walkin in cells
    accounts = closing.month_accounts(station.engine(), data)
    [account] = [a for a in accounts.accounts if a.slot.number == form]
    assert account.member_number == "0007" and account.member.last_name == "Benali"
    assert accounts.credits().get("0007", 0) == account.credit_next
