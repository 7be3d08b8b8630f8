"""Click's help pages and usage errors in the reader's language (French unless ``--lang en``).

Click writes its own words ("Usage:", "Options", "Show this message and exit.") through
Python's global gettext domain, which this package does not take over. What Click does let an
application choose is the help formatter of a context: ours translates Click's headings and
our own help texts (marked ``N_`` in ``commands.py``) through the cagettes catalogs. Click's
parser messages ("No such option") stay in English: that is where Click stops allowing it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from cagettes.core.i18n import DEFAULT_LANG, N_, _

# Click's own words, as Click writes them → ours, in French (and in the catalogs).
CLICK_WORDS = {
    "Usage:": N_("Utilisation :"),
    "Options": N_("Options"),
    "Commands": N_("Commandes"),
    "Show this message and exit.": N_("Affiche cette aide et quitte."),
    "default": N_("par défaut"),
    "required": N_("obligatoire"),
}


class HelpFormatter(click.HelpFormatter):
    """Click's formatter, with every word it writes passed through the catalog of ``lang``."""

    def __init__(self, *args: Any, lang: str = DEFAULT_LANG, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang

    def words(self, text: str) -> str:
        return _(CLICK_WORDS.get(text, text), self.lang)

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else self.words("Usage:") + " ")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(self.words(name)):
            yield

    def write_text(self, text: str) -> None:
        super().write_text(self.words(text))

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, self.translated_help(text)) for term, text in rows], col_max, col_spacing)

    def translated_help(self, text: str) -> str:
        """A help text, with Click's trailing "[default: 2]" or "[required]" put in words too."""
        body, bracket, extra = text.partition("  [")
        extra = _BRACKET_WORD.sub(lambda match: self.words(match.group(0)), extra)
        return self.words(body) + (f"  [{extra}" if bracket else "")


_BRACKET_WORD = re.compile(r"\b(default|required)\b")


class Context(click.Context):
    formatter_class = HelpFormatter

    def make_formatter(self) -> click.HelpFormatter:
        return HelpFormatter(width=self.terminal_width, max_width=self.max_content_width, lang=self.lang())

    def lang(self) -> str:
        """The ``--lang`` of the command line when it was read before the help was asked for."""
        root = self.find_root()
        return getattr(root.obj, "lang_option", None) or root.params.get("lang") or DEFAULT_LANG


def use_translated_help(command: click.Command) -> None:
    """Gives ``command`` and all its subcommands the translating context."""
    command.context_class = Context
    for sub in getattr(command, "commands", {}).values():
        use_translated_help(sub)


def show_usage_error(error: click.UsageError, lang: str = DEFAULT_LANG) -> None:
    """Click's ``UsageError.show()``, with our words around Click's message."""
    if error.ctx is not None:
        click.echo(error.ctx.get_usage(), err=True)
        click.echo(_("Essayez « {command} --help » pour l'aide.", lang, command=error.ctx.command_path), err=True)
        click.echo(err=True)
    click.echo(_("Erreur : {message}", lang, message=error.format_message()), err=True)
