"""Tables of text → model records, collecting every problem instead of stopping at the first.

A coordinator fixes a spreadsheet in one sitting only if they see the whole list, so each check
records its problems and lets the others run; records are built only when nothing is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cagettes.catalog import cautions, fit
from cagettes.catalog.messages import MESSAGES
from cagettes.catalog.parsers import CellError, check_characters
from cagettes.catalog.reader import Row, Table, Tables
from cagettes.catalog.schema import SHEETS, Column, Sheet
from cagettes.core.errors import Problem
from cagettes.core.i18n import translate
from cagettes.core.model import Catalog


@dataclass(frozen=True)
class _Row:
    number: int
    values: dict[str, Any]  # column name -> parsed value (Decimal, date, str…), only for the cells that parsed
    typed: dict[str, str] = field(default_factory=dict)  # column name -> the cell as typed, for every column found


@dataclass(frozen=True)
class _Checked:
    spec: Sheet
    table: Table
    located: dict[str, int]  # column name -> index in table.headers
    rows: tuple[_Row, ...]

    def header(self, column: str) -> str:
        """The header as the coordinator wrote it, so problems point at what they see."""
        index = self.located.get(column)
        return column if index is None else self.table.headers[index]


def validate(tables: Tables, lang: str = "fr") -> tuple[Catalog | None, list[Problem]]:
    """Check every sheet read; return the catalog, or None with the full list of problems."""
    problems: list[Problem] = []
    checked: dict[str, _Checked] = {}
    for spec in SHEETS:
        if spec.name in tables:
            sheet, found = _check_sheet(spec, tables[spec.name], lang)
            if sheet is not None:
                sheet, unknown = _check_references(sheet, checked, lang)
                checked[spec.name] = sheet
                found += unknown
            # Row order, as the coordinator will walk down the sheet to fix them.
            problems += sorted(found, key=lambda problem: problem.row or 0)
    if problems or len(checked) < len(SHEETS):
        return None, problems
    return _catalog(checked, tuple(cautions.check(checked, lang, _problem))), []


def _check_sheet(spec: Sheet, table: Table, lang: str) -> tuple[_Checked | None, list[Problem]]:
    if not table.headers:
        columns = ", ".join(c.name for c in spec.columns)
        return None, [_problem(table, lang, "sheet_empty", columns=columns)]
    located, problems = _locate(spec, table, lang)
    if not table.rows and not spec.may_be_empty:
        problems.append(_problem(table, lang, "sheet_no_rows"))
    rows = []
    for row in table.rows:
        if any(row.cells[len(table.headers):]):
            # More cells than headers: a CSV separator typed inside a value shifted them all,
            # and one clear problem beats a cascade of wrong values in every later column.
            problems.append(_problem(table, lang, "headless_cells", row.number))
            continue
        parsed, found = _parse_row(spec, table, located, row, lang)
        rows.append(parsed)
        problems += found
    sheet = _Checked(spec, table, located, tuple(rows))
    return sheet, (problems + _check_orderings(sheet, lang) + _check_duplicates(sheet, lang)
                   + fit.check(sheet, lang, _problem))


def _locate(spec: Sheet, table: Table, lang: str) -> tuple[dict[str, int], list[Problem]]:
    located: dict[str, int] = {}
    problems = []
    for index, header in enumerate(table.headers):
        column = spec.column_for(header) if header else None
        if column is not None and column.name in located:
            problems.append(_problem(table, lang, "column_duplicate", column=header, header=header))
        elif column is not None:
            located[column.name] = index
    for column in spec.columns:
        if column.required and column.name not in located:
            problems.append(_problem(table, lang, "column_missing", column=column.name,
                                    header=column.name))
    return located, problems


def _parse_row(spec: Sheet, table: Table, located: dict[str, int], row: Row,
               lang: str) -> tuple[_Row, list[Problem]]:
    values: dict[str, object] = {}
    typed = {column.name: row.cell(located[column.name]) for column in spec.columns if column.name in located}
    problems = []
    for column in spec.columns:
        if column.name not in located:
            if not column.required:  # a missing required column was reported once, above
                values[column.name] = column.default
            continue
        header = table.headers[located[column.name]]
        raw = row.cell(located[column.name])
        try:
            values[column.name] = _parse_cell(column, raw, row.formulas.get(located[column.name]))
        except CellError as error:
            problems.append(_problem(table, lang, error.key, row.number, header, **error.params))
    return _Row(row.number, values, typed), problems


def _parse_cell(column: Column, raw: str, formula: str | None) -> object:
    if not raw:
        if formula:  # its value was never calculated: it may not be empty at all
            raise CellError("formula_unsaved", formula=formula)
        if column.required:
            raise CellError("required_empty")
        return column.default
    check_characters(raw)
    return column.parse(raw)


def _check_orderings(sheet: _Checked, lang: str) -> list[Problem]:
    problems = []
    for rule in sheet.spec.orderings:
        for row in sheet.rows:
            before, after = row.values.get(rule.before), row.values.get(rule.column)
            if before is not None and after is not None and not after > before:
                problems.append(_problem(sheet.table, lang, rule.message, row.number,
                                         sheet.header(rule.column), opens=_show(before),
                                         closes=_show(after)))
    return problems


def _check_duplicates(sheet: _Checked, lang: str) -> list[Problem]:
    """Keys met twice once parsed; said as typed, since 41 and 0041 are one member number."""
    key = sheet.spec.key
    first_rows: dict[str, _Row] = {}
    problems = []
    for row in sheet.rows:
        value = row.values.get(key)
        if value is None:
            continue
        first = first_rows.setdefault(str(value).casefold(), row)
        if first.number != row.number:
            typed, first_typed = row.typed.get(key, value), first.typed.get(key, value)
            respelled = sheet.spec.respelled_message and typed != first_typed
            message = sheet.spec.respelled_message if respelled else sheet.spec.duplicate_message
            problems.append(_problem(sheet.table, lang, message, row.number, sheet.header(key), value=typed,
                                     first=first.number, first_value=first_typed))
    return problems


def _check_references(sheet: _Checked, checked: dict[str, _Checked],
                      lang: str) -> tuple[_Checked, list[Problem]]:
    """Unknown codes are problems; known ones are rewritten as the target sheet spells them."""
    problems, rows = [], list(sheet.rows)
    for ref in sheet.spec.references:
        target = checked.get(ref.sheet)
        if target is None or ref.column not in sheet.located:
            continue  # the missing sheet or column is already reported: no cascade of errors
        keys, refused = _keys(target), _refused_keys(target)
        known = ", ".join(keys.values()) or translate(MESSAGES, "none_known", lang)
        for index, row in enumerate(rows):
            value = row.values.get(ref.column)
            if value is not None and str(value).casefold() in keys:
                canonical = keys[str(value).casefold()]
                rows[index] = replace(row, values={**row.values, ref.column: canonical})
            elif value is not None and str(value).casefold() not in refused:
                problems.append(_problem(sheet.table, lang, ref.message, row.number,
                                         sheet.header(ref.column), value=value, known=known))
    return replace(sheet, rows=tuple(rows)), problems


def _keys(sheet: _Checked) -> dict[str, str]:
    """Codes of a sheet by their case-folded form, since coordinators type them in any case."""
    key = sheet.spec.key
    codes = [str(r.values[key]) for r in sheet.rows if key in r.values]
    return {code.casefold(): code for code in codes}


def _refused_keys(sheet: _Checked) -> set[str]:
    """Codes already reported as badly written: a reference to one of them is not a second problem."""
    index, key = sheet.located.get(sheet.spec.key), sheet.spec.key
    if index is None:
        return set()
    parsed = {row.number for row in sheet.rows if key in row.values}
    return {row.cell(index).casefold() for row in sheet.table.rows if row.number not in parsed}


def _catalog(checked: dict[str, _Checked], warnings: tuple[Problem, ...]) -> Catalog:
    records = {name: tuple(_record(sheet, row) for row in sheet.rows)
               for name, sheet in checked.items()}
    return Catalog(
        sites=records["sites"],
        suppliers=records["fournisseurs"],
        products=records["produits"],
        members=records["membres"],
        sources={name: sheet.table.source for name, sheet in checked.items()},
        warnings=warnings,
    )


def _record(sheet: _Checked, row: _Row) -> Any:  # the record class the schema names for the sheet
    return sheet.spec.record(**{c.field: row.values[c.name] for c in sheet.spec.columns})


def _problem(table: Table, lang: str, key: str, row: int | None = None, column: str = "",
             **params: object) -> Problem:
    return Problem(file=table.file, sheet=table.sheet, row=row, column=column,
                   message=translate(MESSAGES, key, lang, **params))


def _show(value: object) -> str:
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)
