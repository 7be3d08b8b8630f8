"""XLSX cells: formula-looking text is neutralised, money and dates keep French formats."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl

from cagettes.closing.spreadsheets import DATE, EUROS, save, sheet_title, write_table


def test_formula_text_is_written_as_text_and_numbers_keep_their_formats(tmp_path):
    book = openpyxl.Workbook()
    write_table(book.active, ("Nom", "Montant", "Date"),
                [("=HYPERLINK(\"http://x\")", Decimal("12.50"), dt.date(2026, 12, 16)), ("@SUM(A1)", Decimal(0), None),
                 ("-2+3", Decimal("1.05"), None), ("Zoé", Decimal("3"), None)], money=(1,), dates=(2,))
    save(book, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [sheet.cell(r, 1).value for r in range(2, 6)] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'-2+3", "Zoé"]
    assert sheet.cell(2, 1).data_type == "s"  # text, never a formula
    assert sheet.cell(2, 2).value == 12.5 and sheet.cell(2, 2).number_format == EUROS
    assert sheet.cell(2, 3).value == dt.datetime(2026, 12, 16) and sheet.cell(2, 3).number_format == DATE


def test_sheet_titles_are_legal_for_excel():
    assert sheet_title("A/B:C*D?[E]") == "ABCDE"
    assert len(sheet_title("x" * 60)) == 31
