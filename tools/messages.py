"""Keeps the gettext catalogs in step with the code: ``make messages`` runs this.

1. Extracts every marked message (``babel.cfg`` says where: Python and Jinja templates).
2. Updates each ``cagettes/locale/<lang>/LC_MESSAGES/cagettes.po``: new messages are added,
   messages gone from the code are dropped.
3. Fills the French file's empty ``msgstr`` with the French ``msgid`` (the code is written in
   French; the French file is where a wording is reviewed), then lists, for every other
   language, the messages still waiting for a translator.

``tests/test_i18n.py`` uses ``extract()`` and ``problems()`` to fail on a stale or incomplete
catalog. Run from anywhere: paths are taken from this file's place in the repository.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cagettes.core.i18n import DEFAULT_LANG, DOMAIN, LANGS, po_file  # noqa: E402 - after the path


def extract() -> Catalog:
    """Every message marked in the code and the templates, with where it is used."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project=DOMAIN, domain=DOMAIN, fuzzy=False)
    for filename, line, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, strip_comment_tags=True):
        template.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return template


def read(lang: str) -> Catalog:
    path = po_file(lang)
    if not path.is_file():
        return Catalog(locale=lang, domain=DOMAIN, project=DOMAIN)
    with path.open("rb") as source:
        return read_po(source, locale=lang, domain=DOMAIN)


def problems(template: Catalog) -> list[str]:
    """What a catalog lacks or keeps too long, one line per message, in French."""
    found = []
    wanted = {message.id for message in template if message.id}
    for lang in LANGS:
        catalog = read(lang)
        have = {message.id for message in catalog if message.id}
        found += [f"{lang} : message absent du catalogue (lancez make messages) : {key!r}" for key in wanted - have]
        found += [f"{lang} : message qui n'est plus dans le code (lancez make messages) : {key!r}" for key in have - wanted]
        found += [f"{lang} : message sans traduction : {message.id!r}" for message in catalog
                  if message.id and (not message.string or message.fuzzy or
                                     (isinstance(message.string, tuple) and not all(message.string)))]
    return sorted(found)


def update(template: Catalog) -> None:
    for lang in LANGS:
        catalog = read(lang)
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)  # update shares the messages
        catalog.obsolete.clear()
        if lang == DEFAULT_LANG:
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        po_file(lang).parent.mkdir(parents=True, exist_ok=True)
        with po_file(lang).open("wb") as target:
            write_po(target, catalog, width=100, sort_output=False, ignore_obsolete=True)


def main() -> int:
    template = extract()
    update(template)
    waiting = [line for line in problems(template) if "sans traduction" in line]
    for line in waiting:
        print(line)
    print(f"{len(template)} messages ; {len(waiting)} en attente de traduction.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
