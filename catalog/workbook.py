"""Tables read from a CSV folder → one workbook that coordinators open in LibreOffice or Excel.

Numeric columns are written as numbers (prices shown with cents) and every other column as
text, so that a member number typed later as 0042 keeps its zeros.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cagettes.catalog.parsers import CellError
from cagettes.catalog.reader import Table
from cagettes.catalog.schema import TEXT, Column, Sheet, sheet

_MAX_WIDTH = 50  # characters: a long address may be cut on screen rather than widen everything


def write_xlsx(tables: dict[str, Table], dest: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, table in tables.items():
        worksheet = book.create_sheet(name)
        worksheet.append(table.headers)
        for cells in _typed_rows(sheet(name), table):
            worksheet.append(cells)
        _format_xlsx(worksheet, sheet(name), table)
    book.save(dest)


def _format_xlsx(worksheet: Worksheet, spec: Sheet, table: Table) -> None:
    worksheet.freeze_panes = "A2"
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(table.headers, start=1):
        values = [header] + [row.cell(index - 1) for row in table.rows]
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = min(max(map(len, values)) + 3, _MAX_WIDTH)
        column = spec.column_for(header)
        number_format = column.cell_format if column else TEXT
        for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = number_format


def write_ods(tables: dict[str, Table], dest: Path) -> None:
    with pd.ExcelWriter(dest, engine="odf") as writer:
        for name, table in tables.items():
            rows = _typed_rows(sheet(name), table)
            frame = pd.DataFrame(rows, columns=list(table.headers), dtype=object)
            # pandas writes the header row bold; freezing it keeps titles visible when scrolling.
            frame.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))


def _typed_rows(spec: Sheet, table: Table) -> list[list[object]]:
    columns = [spec.column_for(header) for header in table.headers]
    return [[_typed(column, row.cell(i)) for i, column in enumerate(columns)] for row in table.rows]


def _typed(column: Column | None, value: str) -> object:
    """A number for a numeric column whose text parses; otherwise the text unchanged."""
    if not value or column is None or not column.numeric:
        return value or None
    try:
        number = column.parse(value)
    except CellError:
        return value  # left as typed so that validation reports it where the coordinator looks
    return float(number) if isinstance(number, Decimal) else number
