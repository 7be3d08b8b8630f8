"""Opening a month and finding it again; the calendar's guard rails (opening too late or too
early, closing before the deadline) and cancelling a month opened by mistake."""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from cagettes.closing import carry
from cagettes.closing.state import Closing, current_closing
from cagettes.core import dates
from cagettes.core.calendar import MAX_MONTHS_AHEAD, first_closing_day, month_calendar, months_ahead, parse_month
from cagettes.core.errors import MonthError
from cagettes.core.i18n import N_
from cagettes.core.model import Catalog
from cagettes.core.month import MonthData
from cagettes.services import closing
from cagettes.storage import months
from cagettes.storage.workspace import Workspace


def open_month(workspace: Workspace, catalog: Catalog, month: str, force: bool = False,
               today: dt.date | None = None) -> MonthData:
    """Freeze the catalog's prices and the calendar for ``month`` (AAAA-MM), number its forms.

    Refused, unless ``force``, for a month whose deadline has passed or that is more than
    MAX_MONTHS_AHEAD months ahead of ``today`` (the computer's date by default)."""
    if not force:
        refuse_untimely_open(workspace, catalog, month, today or dates.today())
    opened = months.open_month(workspace.engine(), workspace.config, catalog, month)
    return load_month(workspace, opened.month)  # again, with what last month carried over


def refuse_untimely_open(workspace: Workspace, catalog: Catalog, month: str, today: dt.date) -> None:
    year, number = parse_month(month, workspace.config.lang)
    key = f"{year:04d}-{number:02d}"
    if months.exists(workspace.engine(), key):
        return  # opening it says it is already open, which matters more
    calendar = month_calendar(year, number, catalog.sites, workspace.config.calendar)
    values = {"month": key, "today": dates.long_date(today), "deadline": dates.long_date(calendar.deadline),
              "forms": dates.long_date(calendar.forms_date), "max": MAX_MONTHS_AHEAD}
    if today > calendar.deadline:
        raise MonthError(N_("Le mois {month} est passé : sa date limite était le {deadline}, et nous sommes le "
                            "{today} ; ses bons ne pourraient pas revenir à temps. Pour l'ouvrir quand même "
                            "(un rattrapage) : cagettes month open {month} --force"), params=values)
    if months_ahead(today, year, number) > MAX_MONTHS_AHEAD:
        raise MonthError(N_("Le mois {month} est à plus de {max} mois d'aujourd'hui ({today}) : l'ouvrir figerait dès "
                            "maintenant ses prix et sa liste de membres, pour des bons qui partent le {forms}. "
                            "Ouvrez-le plus tard, ou quand même : cagettes month open {month} --force"), params=values)


def close_month(workspace: Workspace, data: MonthData, by: str | None = None, force: bool = False,
                today: dt.date | None = None) -> Closing:
    """Close the month (cagettes.services.closing.close_month); before the day after its deadline
    (``today``: the computer's date by default) only with ``force``, which also closes over pages
    awaiting review. A close taken up after a crash is never refused."""
    if not force and current_closing(workspace.engine(), data.month) is None:
        refuse_early_close(data, today or dates.today())
    return closing.close_month(workspace, data, by, force)


def refuse_early_close(data: MonthData, today: dt.date) -> None:
    first_day = first_closing_day(data.deadline)
    if today < first_day:
        raise MonthError(N_("Le mois {month} n'est pas encore fini : sa date limite est le {deadline} (nous sommes "
                            "le {today}), des bons peuvent encore revenir jusque-là. Clôturez-le à partir du "
                            "{first_day}, ou dès maintenant : cagettes month close {month} --force"),
                         params={"month": data.month, "deadline": dates.long_date(data.deadline),
                                 "today": dates.long_date(today), "first_day": dates.long_date(first_day)})


@dataclass(frozen=True)
class Cancelled:
    month: str
    forms: int  # forms numbered in the database, now forgotten
    folder: Path | None  # the month's output folder, removed (None: it had none)


def cancel_month(workspace: Workspace, month: str) -> Cancelled:
    """Forget an open month that nothing came back for, and delete its printed files (its
    bundles and manifest carry names), so that it can be opened again from today's catalog."""
    year, number = parse_month(month, workspace.config.lang)
    key = f"{year:04d}-{number:02d}"
    forms = months.cancel_month(workspace.engine(), key)
    return Cancelled(key, forms, remove_folder(workspace.month_dir(key)))


def remove_folder(folder: Path) -> Path | None:
    if not folder.exists() and not folder.is_symlink():
        return None
    try:
        if folder.is_symlink():  # the link goes, never what it points to
            folder.unlink()
        else:
            shutil.rmtree(folder)
    except OSError as error:
        raise MonthError(N_("Le mois est annulé dans la base, mais le dossier {path} n'a pas pu être supprimé "
                            "({error}) : supprimez-le vous-même, il contient des noms."),
                         params={"path": folder, "error": error.strerror or error}) from None
    return folder


def load_month(workspace: Workspace, month: str | None = None) -> MonthData:
    """The month as printed (the last one opened if ``month`` is None), with last month's credits."""
    return carry.load_month(workspace.engine(), workspace.config, month)


def open_or_reuse(workspace: Workspace, catalog: Catalog, month: str) -> tuple[MonthData, bool]:
    """``month`` opened now (True), or as it was already opened (False). Any month: the demo's
    workspace is a simulation, its calendar is not today's."""
    try:
        return open_month(workspace, catalog, month, force=True), True
    except MonthError:
        return load_month(workspace, month), False
