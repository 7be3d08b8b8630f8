"""What ``check`` says without refusing the catalog: things that print, but not as meant.

A product without a pictogram prints a blank cell where members who read little look first; a
member number typed without its zeros (a spreadsheet turns 0041 into 41) is read as 0041, but
the coordinator should see the numbers as the forms print them. Each caution is located like a
problem and said after "Attention"; the forms are still printed.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol

from cagettes.catalog.fit import CheckedRow, CheckedSheet, ProblemMaker
from cagettes.core.errors import Problem


class TypedRow(CheckedRow, Protocol):  # validate._Row, read only
    @property
    def typed(self) -> Mapping[str, str]: ...


class TypedSheet(CheckedSheet, Protocol):  # validate._Checked, read only
    @property
    def rows(self) -> Sequence[TypedRow]: ...


def check(sheets: Mapping[str, TypedSheet], lang: str, problem: ProblemMaker) -> list[Problem]:
    found = []
    if "membres" in sheets:
        found += _number_lengths(sheets["membres"], lang, problem)
    if "produits" in sheets:
        found += _pictograms(sheets["produits"], lang, problem)
    return found


def _number_lengths(sheet: TypedSheet, lang: str, problem: ProblemMaker) -> list[Problem]:
    """Numbers typed with fewer (or more) digits than most: 41 among 0040 and 0042."""
    # A number that parsed is digits, maybe with the ".0" of an .ods number cell.
    typed = [(row, row.typed["numero"].split(".")[0]) for row in sheet.rows if "numero" in row.values]
    lengths = Counter(len(digits) for _, digits in typed)
    usual = max(lengths, key=lambda length: (lengths[length], length), default=0)
    cautions = []
    for row, digits in typed:
        if len(digits) != usual:
            key = "member_number_short" if len(digits) < usual else "member_number_long"
            cautions.append(problem(sheet.table, lang, key, row.number, sheet.header("numero"),
                                    value=row.typed["numero"], length=len(digits), usual=usual,
                                    number=row.values["numero"]))
    return cautions


def _pictograms(sheet: TypedSheet, lang: str, problem: ProblemMaker) -> list[Problem]:
    on_forms = [row for row in sheet.rows if row.values.get("statut") != "retire"]
    if on_forms and not any("picto" in row.typed for row in sheet.rows):
        return [problem(sheet.table, lang, "picto_column_missing", column="picto")]
    return [problem(sheet.table, lang, "picto_missing", row.number, sheet.header("picto"))
            for row in on_forms if "picto" in row.typed and not row.values.get("picto")]
