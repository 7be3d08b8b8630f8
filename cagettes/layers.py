"""The layers of cagettes, from the bottom up: the one place they are written down.

A module may import from its own layer and from the layers below it, never from a layer above,
and no chain of imports may come back to where it started. ``tests/test_layers.py`` reads every
module's imports (function-level ones included) and fails on either.
"""
from __future__ import annotations

# (layer, packages, what it holds)
LAYERS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("foundations", ("cagettes.core",),
     "Errors, words, dates and the calendar, paths, the privacy helper, the workspace config and "
     "the month's data model (catalog records, MonthData, form slots, payment methods, reasons): "
     "no database, no files but the config."),
    ("storage", ("cagettes.storage",),
     "The database (SQLAlchemy tables, Alembic migrations), the workspace on disk and the months "
     "opened in it."),
    ("stages", ("cagettes.catalog", "cagettes.forms", "cagettes.scan", "cagettes.review",
                "cagettes.closing", "cagettes.site"),
     "One step of the month each: read the catalog, print, scan, review decisions, close and write "
     "the documents, write the public site."),
    ("simulation", ("cagettes.simulate",),
     "Synthetic filled-in pages, for the demo and the benchmarks: never used by a real month."),
    ("services", ("cagettes.services",),
     "One plain function per use case (open a month, print, scan a batch or the inbox, decide on "
     "the review page, close, documents, payments, demo), called by the CLI and the web page alike."),
    ("shell", ("cagettes.cli", "cagettes.web", "cagettes.__main__"),
     "The command line and the review web page: parse, call one service, say the result. No logic."),
)

# The shell skips the layers in between: it reaches the stages and storage only through a service,
# so that what a command or the page does can be done (and tested) without either.
SHELL_USES = ("foundations", "services", "shell")
