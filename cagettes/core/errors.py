"""The one tree of exceptions that cagettes raises on purpose.

    CagettesError
    ├── ConfigError        the workspace's cagettes.toml is missing or invalid (all problems listed)
    ├── CatalogError       the catalog spreadsheets are invalid (all problems listed)
    ├── WorkspaceError     no workspace here, or one already exists
    ├── MonthError         a month that is not open, already open, not printed, badly written,
    │                      already closed or not closed; a payment that cannot be recorded
    ├── DatabaseError      the database cannot be reached, or its schema is not one we know
    ├── RenderError        a template or a PDF could not be produced
    └── ReviewError        a review decision that cannot be taken as asked, or a review page
                           that cannot be served (port taken, unknown address)

Each carries a French-first message; ``problems`` lists every individual problem where the
error collects several, so the CLI can print them all before aborting.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cagettes.core.i18n import _


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a user's file, located precisely enough to fix it."""

    file: str
    message: str  # already translated
    sheet: str = ""
    row: int | None = None  # spreadsheet row as the user sees it (header = row 1)
    column: str = ""
    key: str = ""  # dotted key of a TOML config file

    def where(self, lang: str = "fr") -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(_("feuille « {name} »", lang, name=self.sheet))
        if self.row is not None:
            parts.append(_("ligne {row}", lang, row=self.row))
        if self.column:
            parts.append(_("colonne « {name} »", lang, name=self.column))
        if self.key:
            parts.append(_("clé « {name} »", lang, name=self.key))
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()} : {self.message}"



class CagettesError(Exception):
    """``message`` is either already worded, or (with ``params``) a French text marked ``N_``
    whose ``{names}`` the params fill: then the command line can say it again in its reader's
    language, with ``in_lang``, even when the code that raised it did not know that language."""

    def __init__(self, message: str, problems: list[Problem] | None = None, lang: str = "fr",
                 params: Mapping[str, object] | None = None):
        self.template = message if params is not None else None
        self.params = dict(params or {})
        self.lang = lang  # of the message and problems, so locations are worded alike
        self.message = self.worded(lang) if self.template is not None else message
        self.problems = list(problems or [])
        super().__init__(self.message)

    def worded(self, lang: str) -> str:
        """The message in ``lang``; an already worded one stays as it is."""
        return _(self.template, lang, **self.params) if self.template is not None else self.message

    def in_lang(self, lang: str) -> str:
        """The message and every problem's location, in ``lang`` (problems' own texts stay as worded)."""
        return "\n".join([self.worded(lang)] + [f"  - {p.where(lang)} : {p.message}" for p in self.problems])

    def __str__(self) -> str:
        return self.in_lang(self.lang)


class ConfigError(CagettesError):
    pass


class CatalogError(CagettesError):
    pass


class WorkspaceError(CagettesError):
    pass


class MonthError(CagettesError):
    pass


class DatabaseError(CagettesError):
    pass


class RenderError(CagettesError):
    pass


class ReviewError(CagettesError):
    pass
