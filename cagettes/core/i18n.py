"""French-first messages, with English available through config or ``--lang en``.

Each module keeps its own message table, ``{key: {"fr": ..., "en": ...}}``, beside the code that
uses it; this module only picks the language. A missing English text falls back to French, so
a user never sees a bare key.
"""
from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LANG = "fr"
LANGS = ("fr", "en")

Messages = Mapping[str, Mapping[str, str]]


def translate(messages: Messages, key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    texts = messages[key]
    text = texts.get(lang) or texts[DEFAULT_LANG]
    return text.format(**params) if params else text


def check_complete(messages: Messages) -> list[str]:
    """Keys lacking a text in some language: the tests call this for every table."""
    return [f"{key}:{lang}" for key, texts in messages.items() for lang in LANGS if not texts.get(lang)]
