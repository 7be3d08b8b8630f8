"""Member numbers and members' names: how they are compared and sorted, in one place.

A member number is a few digits, and its zeros at the start do not count: a spreadsheet turns
0041 typed in a new row into 41, while the walk-in form's grid always gives its full width
(0041). Every number read, typed or ticked goes through ``member_number`` before it is compared
or stored, so that 41, 0041 and 00041 are one member.

Names sort as a French reader expects (accents after their letter, capitals with their small
letters, L'Hôte after Lefebvre) through the Unicode Collation Algorithm (pyuca), never by bytes.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pyuca

MEMBER_DIGITS = 4  # the usual width of a member number, and the least width of the walk-in grid
_DIGITS = re.compile(r"[0-9]+")


def member_number(text: str) -> str:
    """The one way a member number is written: digits padded with zeros to ``MEMBER_DIGITS``.

    Text that is not plain digits 0-9 is returned stripped but unchanged: it matches no member,
    and whoever typed it is told so where it is checked (the catalog, the review page)."""
    text = text.strip()
    if not _DIGITS.fullmatch(text):
        return text
    return text.lstrip("0").zfill(MEMBER_DIGITS)


@lru_cache(maxsize=1)
def _collator() -> pyuca.Collator:
    return pyuca.Collator()  # reads the Unicode collation table once (about 0.15 s)


def name_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A name's place in a French list.

    Apostrophes, hyphens and spaces are passed over first (ICU's "shifted" handling, which
    pyuca lacks): L'Hôte sorts as LHote, after Lefebvre, and Le Goff as LeGoff; they only
    break ties between names that are otherwise the same."""
    letters = "".join(c for c in text if not unicodedata.category(c).startswith(("P", "Z", "S")))
    collator = _collator()
    return collator.sort_key(letters), collator.sort_key(text)
