"""Words in gettext catalogs (Babel), French first.

Every sentence a person reads is written once, in French, in the code or in a template, and
marked for extraction: ``N_("…")`` in Python tables (translated when the language is known),
``{{ _("…") }}`` or ``{% trans %}`` in Jinja templates. ``make messages`` runs ``pybabel extract``
and updates one ``.po`` file per language under ``cagettes/locale/<lang>/LC_MESSAGES/``; the
French file repeats the French text, so a wording can be reviewed (FALC) without touching code.

The catalogs are compiled in memory the first time a language is used: an installed wheel and
an editable checkout read the same ``.po`` files, and no compiled file can go stale beside them.

Adding a language: copy ``en``'s ``.po`` file to ``cagettes/locale/<code>/LC_MESSAGES/``,
translate its ``msgstr`` lines, and add the code to ``LANGS`` below (the README shows how).
"""
from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.messages import mofile, pofile
from babel.messages.catalog import Catalog

DEFAULT_LANG = "fr"
# The one list of languages: the CLI's --lang, the config's checks and the catalog read it here.
LANGS = ("fr", "en")
DOMAIN = "cagettes"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

# A message table: a key of the code's own choosing → the French text, marked with N_.
Messages = Mapping[str, str]


def N_(text: str) -> str:
    """Marks a French text for extraction (gettext's own name for "mark now, translate later");
    it is translated where the reader's language is known."""
    return text


def po_file(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalog(lang: str) -> Catalog:
    """The ``.po`` file of ``lang`` as Babel reads it (French for a code that has none)."""
    known = lang if lang in LANGS else DEFAULT_LANG
    with po_file(known).open("rb") as source:
        return pofile.read_po(source, locale=known, domain=DOMAIN)


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``, compiled in memory on first use."""
    compiled = io.BytesIO()
    mofile.write_mo(compiled, catalog(lang))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(text: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """``text`` (French, a literal so that pybabel finds it) in ``lang``, then filled with ``params``."""
    translated = translations(lang).gettext(text) if text else text  # "" would give the catalog's header
    return translated.format(**params) if params else translated


def translate(messages: Messages, key: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """The text a table gives for ``key``, in ``lang``."""
    return _(messages[key], lang, **params)


def localize(value: Any, lang: str = DEFAULT_LANG) -> Any:
    """A table of words (strings, lists and dicts of them) with every string in ``lang``."""
    if isinstance(value, str):
        return _(value, lang)
    if isinstance(value, Mapping):
        return {key: localize(item, lang) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [localize(item, lang) for item in value]
    return value


def check_complete(messages: Messages) -> list[str]:
    """Keys whose text some language's catalog lacks: the tests call this for every table."""
    return [f"{key}:{lang}" for key, text in messages.items() for lang in LANGS
            if not getattr(catalog(lang).get(text), "string", "")]
