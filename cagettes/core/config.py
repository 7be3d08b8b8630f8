"""The workspace's ``cagettes.toml``: read, checked against a declarative schema, turned into
a frozen ``Config``.

Coordinators edit this file by hand, so the keys are French and every problem is collected
before aborting: one run lists everything to fix (unknown keys, wrong types, values out of
range, missing keys), each located by its dotted key. ``OPTIONS`` is the single description
of the file: loading, defaults, the sample's completeness test and the README's option list
(``describe_options``) all come from it.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import secrets
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cagettes.core.calendar import CalendarRules
from cagettes.core.config_messages import MESSAGES
from cagettes.core.errors import ConfigError, Problem
from cagettes.core.i18n import DEFAULT_LANG, LANGS, translate
from cagettes.core.paths import NAME_MAX_BYTES

CONFIG_FILE = "cagettes.toml"
SECRET_PLACEHOLDER = "@@SECRET@@"
NAME_PLACEHOLDER = "@@NOM@@"
CONTACT_PLACEHOLDER = "@@CONTACT@@"
DEFAULT_NAME = "Mon groupement d'achat"
DEFAULT_CONTACT = "à compléter : téléphone ou personne à joindre"
SECRET_MIN_LENGTH = 32
# Members need time to fill in and hand back a form; a week also guarantees that moving the
# forms day forward and the deadline back (weekends, holidays: 3 days at most each way)
# never puts the deadline before the forms.
MIN_ORDER_WINDOW_DAYS = 7

Complaint = tuple[str, Mapping[str, object]]  # message key in MESSAGES, and its parameters
Check = Callable[[Any], "Complaint | None"]
Convert = Callable[[Any, Path], Any]  # (value as read, workspace folder) -> Config value
PlaceCheck = Callable[[Path], "Complaint | None"]  # on the converted path: what is there on disk


# --- checks: each returns None when the value is fine -------------------------------------

def between(low: int, high: int) -> Check:
    def check(value: int) -> Complaint | None:
        return None if low <= value <= high else ("problem.range", {"low": low, "high": high, "value": value})
    return check


def one_of(*choices: str) -> Check:
    def check(value: str) -> Complaint | None:
        listed = ", ".join(f'"{choice}"' for choice in choices)
        return None if value in choices else ("problem.choice", {"choices": listed, "value": value})
    return check


def not_blank(value: str) -> Complaint | None:
    return None if value.strip() else ("problem.blank", {})


def email_or_empty(value: str) -> Complaint | None:
    # Deliberately loose: catch a phone number or a name typed in the wrong key, nothing more.
    ok = not value or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip())
    return None if ok else ("problem.email", {"value": value})


def web_url_or_empty(value: str) -> Complaint | None:
    ok = not value or value.strip().startswith(("https://", "http://"))
    return None if ok else ("problem.web_url", {"value": value})


def database_url(value: str) -> Complaint | None:
    ok = re.match(r"(sqlite|postgresql)(\+\w+)?://", value.strip())
    return None if ok else ("problem.db_url", {"value": value})


def strong_secret(value: str) -> Complaint | None:
    if SECRET_PLACEHOLDER in value:
        return ("problem.secret_placeholder", {"placeholder": SECRET_PLACEHOLDER})
    if len(value) < SECRET_MIN_LENGTH:
        return ("problem.secret_short", {"length": len(value), "minimum": SECRET_MIN_LENGTH})
    return None


def usable_folder(path: Path) -> Complaint | None:
    """A folder cagettes can write in, or make: no file in the way, names the file system takes,
    and the right to write in the last folder that exists. Nothing is created here."""
    if "\0" in str(path) or any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX_BYTES for part in path.parts):
        return ("problem.folder_name", {"limit": NAME_MAX_BYTES})
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        return ("problem.folder_is_file", {"path": existing})
    if not os.access(existing, os.W_OK | os.X_OK):
        return ("problem.folder_unwritable", {"path": existing})
    return None


# --- conversions: relative paths are relative to cagettes.toml, never to the shell's cwd --

def relative_path(value: str, root: Path) -> Path:
    return root / Path(value.strip()).expanduser()  # an absolute value replaces root


def resolved_database_url(value: str, root: Path) -> str:
    """``sqlite:///cagettes.db`` -> ``sqlite:////workspace/cagettes.db``; other URLs unchanged."""
    match = re.fullmatch(r"(sqlite(?:\+\w+)?):///(.+)", value.strip())
    if not match or match.group(2) == ":memory:" or match.group(2).startswith("/"):
        return value.strip()
    return f"{match.group(1)}:///{relative_path(match.group(2), root)}"


def without_trailing_slash(value: str, root: Path) -> str:
    # Pages are appended as "/<path>", so "https://x.org/" and "https://x.org" must agree.
    return value.strip().rstrip("/")


# --- the schema ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    key: str  # dotted TOML path, as coordinators write it
    attr: str  # Config attribute; "calendar.x" goes to Config.calendar (CalendarRules)
    kind: type  # str, int or bool: the TOML value expected
    default: Any = None
    required: bool = False
    checks: tuple[Check, ...] = ()
    convert: Convert | None = None
    place_checks: tuple[PlaceCheck, ...] = ()  # run on the converted value once ``checks`` passed

    @property
    def table(self) -> str:
        return self.key.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]

    def doc(self, lang: str = DEFAULT_LANG) -> str:
        return translate(MESSAGES, f"doc.{self.key}", lang)


OPTIONS: tuple[Option, ...] = (
    Option("association.nom", "association_name", str, required=True, checks=(not_blank,)),
    Option("association.contact", "association_contact", str, required=True, checks=(not_blank,)),
    Option("association.email", "association_email", str, "", checks=(email_or_empty,)),
    Option("association.adresse", "association_address", str, ""),
    Option("langue", "lang", str, DEFAULT_LANG, checks=(one_of(*LANGS),)),
    Option("calendrier.jour_bons", "calendar.forms_day", int, 5, checks=(between(1, 28),)),
    Option("calendrier.jour_limite", "calendar.deadline_day", int, 15, checks=(between(1, 28),)),
    Option("calendrier.delai_commande_jours", "calendar.order_delay_days", int, 1, checks=(between(0, 10),)),
    Option("calendrier.delai_livraison_jours", "calendar.delivery_delay_days", int, 7, checks=(between(1, 21),)),
    Option("site_public.url", "public_site_url", str, "", checks=(web_url_or_empty,), convert=without_trailing_slash),
    Option("formulaires.bons_libres_par_site", "free_forms_per_site", int, 10, checks=(between(0, 500),)),
    Option("paiements.financeur_cheques_alimentaires", "voucher_scheme", str, ""),
    Option("securite.secret", "secret", str, required=True, checks=(strong_secret,)),
    Option("catalogue.chemin", "catalog_path", str, "catalogue.xlsx", checks=(not_blank,), convert=relative_path),
    Option("base.url", "database_url", str, "sqlite:///cagettes.db",
           checks=(database_url,), convert=resolved_database_url),
    Option("sortie.dossier", "output_dir", str, "output", checks=(not_blank,), convert=relative_path,
           place_checks=(usable_folder,)),
)

_BY_KEY: Mapping[str, Option] = {option.key: option for option in OPTIONS}
_TABLES = frozenset(option.table for option in OPTIONS if option.table)


def _order_window(values: Mapping[str, Any]) -> Complaint | None:
    forms, deadline = values["calendrier.jour_bons"], values["calendrier.jour_limite"]
    if deadline - forms >= MIN_ORDER_WINDOW_DAYS:
        return None
    return ("problem.deadline_gap", {"forms": forms, "deadline": deadline, "gap": MIN_ORDER_WINDOW_DAYS})


# Checks between options: (keys they read, check, key the problem is reported on). They run
# only when every key they read is valid, so that one mistake is never reported twice.
CROSS_CHECKS: tuple[tuple[tuple[str, ...], Callable[[Mapping[str, Any]], Complaint | None], str], ...] = (
    (("calendrier.jour_bons", "calendrier.jour_limite"), _order_window, "calendrier.jour_limite"),
)


@dataclass(frozen=True)
class Config:
    path: Path  # the cagettes.toml read, absolute
    association_name: str
    association_contact: str
    association_email: str
    association_address: str
    lang: str
    calendar: CalendarRules
    public_site_url: str  # without trailing slash; "" until the site is published
    free_forms_per_site: int
    voucher_scheme: str  # who funds the food vouchers ticked on forms; "" if not said
    secret: str = field(repr=False)  # kept out of logs and tracebacks
    catalog_path: Path
    database_url: str  # a relative sqlite path is made absolute
    output_dir: Path

    @property
    def root(self) -> Path:
        """The workspace folder: the one that holds cagettes.toml."""
        return self.path.parent

    @staticmethod
    def describe(lang: str = DEFAULT_LANG) -> str:
        return describe_options(lang)


# --- loading -------------------------------------------------------------------------------

def load_config(path: Path, lang: str | None = None) -> Config:
    """Read and check ``path``; raise ConfigError listing every problem found.

    Problems are worded in ``lang``, else in the file's own ``langue`` when valid, else French.
    """
    path = Path(path).resolve()
    data = _read_toml(path, lang or DEFAULT_LANG)
    lang = lang or _file_lang(data)
    problems = _unknown_keys(data, "", path.name, lang)
    values, option_problems = _read_options(data, path.name, lang)
    problems += option_problems + _cross_problems(values, path.name, lang) + _place_problems(values, path, lang)
    if problems:
        summary = translate(MESSAGES, "error.summary", lang, file=path.name, count=len(problems))
        raise ConfigError(summary, problems, lang)
    return _build(values, path)


def _read_toml(path: Path, lang: str) -> dict[str, Any]:
    """The parsed file, or a ConfigError with the one problem that stops reading it."""
    try:
        # utf-8-sig: Windows editors may start the file with a byte-order mark.
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(translate(MESSAGES, "error.missing", lang, path=path)) from None
    except UnicodeDecodeError:
        problem = Problem(file=path.name, message=translate(MESSAGES, "problem.encoding", lang))
    except tomllib.TOMLDecodeError as error:
        problem = _syntax_problem(error, path.name, lang)
    except RecursionError:  # thousands of nested [ ... ]: tomllib parses them by recursion
        problem = Problem(file=path.name, message=translate(MESSAGES, "problem.nesting", lang))
    summary = translate(MESSAGES, "error.summary", lang, file=path.name, count=1)
    raise ConfigError(summary, [problem], lang)


def _syntax_problem(error: tomllib.TOMLDecodeError, file: str, lang: str) -> Problem:
    # Python 3.11's TOMLDecodeError only states the position in its text: "... (at line 3, column 9)".
    text = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    detail = text[: match.start()].strip() if match else text
    column = match.group(2) if match else "?"
    message = translate(MESSAGES, "problem.syntax", lang, column=column, detail=detail)
    return Problem(file=file, message=message, row=int(match.group(1)) if match else None)


def _file_lang(data: Mapping[str, Any]) -> str:
    value = data.get("langue")
    return value if value in LANGS else DEFAULT_LANG


def _problem(file: str, key: str, lang: str, complaint: Complaint) -> Problem:
    """The complaint worded in ``lang``. Checks do not know the language, so a Python type
    among the parameters is named here as a TOML value, from the table entry
    "<parameter>.<type>" ("expected.int": "un nombre entier, sans guillemets")."""
    message_key, params = complaint
    words = {name: _kind_words(name, v, lang) if isinstance(v, type) else v for name, v in params.items()}
    return Problem(file=file, key=key, message=translate(MESSAGES, message_key, lang, **words))


def _kind_words(prefix: str, kind: type, lang: str) -> str:
    names = {bool: "bool", int: "int", float: "float", str: "str", dict: "dict", list: "list"}
    name = "date" if issubclass(kind, (dt.date, dt.time)) else names.get(kind, "other")  # datetime is a date
    return translate(MESSAGES, f"{prefix}.{name}", lang)


def _unknown_keys(table: Mapping[str, Any], prefix: str, file: str, lang: str) -> list[Problem]:
    """Keys the schema does not know, at any depth; sections are walked, options are not."""
    problems = []
    for name, value in table.items():
        key = f"{prefix}{name}"
        if key in _BY_KEY:
            continue
        if key in _TABLES and isinstance(value, dict):
            problems += _unknown_keys(value, f"{key}.", file, lang)
        elif key in _TABLES:
            problems.append(_problem(file, key, lang, ("problem.not_table", {"dotted": key})))
        else:
            unknown = ("problem.unknown", {"dotted": key, "hint": _hint(key, lang)})
            problems.append(_problem(file, key, lang, unknown))
    return problems


def _hint(key: str, lang: str) -> str:
    """" (vouliez-vous dire « x » ?)" for the closest known key, or "" when nothing is close."""
    table, _, name = key.rpartition(".")
    siblings = [k.rpartition(".")[2] for k in [*_BY_KEY, *_TABLES] if k.rpartition(".")[0] == table]
    close = difflib.get_close_matches(name, siblings, n=1)
    # Then a key in the wrong section: [association] jour_bons -> calendrier.jour_bons.
    suggestion = f"{table}.{close[0]}".lstrip(".") if close else ""
    if not suggestion:
        moved = difflib.get_close_matches(name, [o.name for o in OPTIONS], n=1, cutoff=0.8)
        suggestion = next((o.key for o in OPTIONS if moved and o.name == moved[0]), "")
    return translate(MESSAGES, "problem.unknown_hint", lang, suggestion=suggestion) if suggestion else ""


def _lookup(data: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _read_options(data: Mapping[str, Any], file: str, lang: str) -> tuple[dict[str, Any], list[Problem]]:
    """Valid values (defaults filled in) by dotted key, and the problems of the others."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for option in OPTIONS:
        found, value = _lookup(data, option.key)
        complaint = _complaint(option, found, value)
        if complaint:
            problems.append(_problem(file, option.key, lang, complaint))
        else:
            values[option.key] = value if found else option.default
    return values, problems


def _complaint(option: Option, found: bool, value: Any) -> Complaint | None:
    if not found:
        return _missing(option) if option.required else None
    if not _is_kind(value, option.kind):
        return ("problem.type", {"expected": option.kind, "found": type(value), "value": _toml_repr(value)})
    return next((c for c in (check(value) for check in option.checks) if c), None)


def _missing(option: Option) -> Complaint:
    if option.table:
        return ("problem.required", {"name": option.name, "table": option.table})
    return ("problem.required_top", {"name": option.name})


def _is_kind(value: Any, kind: type) -> bool:
    # bool is an int in Python; in TOML `true` is no number.
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def _cross_problems(values: Mapping[str, Any], file: str, lang: str) -> list[Problem]:
    problems = []
    for keys, check, reported_on in CROSS_CHECKS:
        complaint = check(values) if all(key in values for key in keys) else None
        if complaint:
            problems.append(_problem(file, reported_on, lang, complaint))
    return problems


def _place_problems(values: Mapping[str, Any], path: Path, lang: str) -> list[Problem]:
    """What is on disk where a valid path option points (a file where a folder should be)."""
    problems = []
    for option in (o for o in OPTIONS if o.place_checks and o.key in values):
        converted = option.convert(values[option.key], path.parent) if option.convert else values[option.key]
        complaint = next((c for c in (check(converted) for check in option.place_checks) if c), None)
        if complaint:
            problems.append(_problem(path.name, option.key, lang, complaint))
    return problems


def _build(values: Mapping[str, Any], path: Path) -> Config:
    by_attr = {o.attr: o.convert(values[o.key], path.parent) if o.convert else values[o.key] for o in OPTIONS}
    rules = {attr.partition(".")[2]: v for attr, v in by_attr.items() if attr.startswith("calendar.")}
    plain = {attr: v for attr, v in by_attr.items() if "." not in attr}
    return Config(path=path, calendar=CalendarRules(**rules), **plain)


def _toml_repr(value: Any) -> str:
    """A value as the coordinator wrote it in the file, to quote it back in a problem."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dict):  # as an inline table
        return "{ " + ", ".join(f"{k} = {_toml_repr(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_repr(v) for v in value) + "]"
    return value.isoformat() if isinstance(value, (dt.date, dt.time)) else str(value)


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string, quotes included.

    JSON's escapes (\\" \\\\ \\n \\uXXXX...) are all valid in TOML; only DEL, which JSON leaves
    raw and TOML forbids, needs one more.
    """
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


# --- documentation -------------------------------------------------------------------------

def describe_options(lang: str = DEFAULT_LANG) -> str:
    """Every option as a Markdown table, for the README: key, type, default, description."""
    lines = [translate(MESSAGES, "describe.header", lang), "|---|---|---|---|"]
    for option in OPTIONS:
        kind = translate(MESSAGES, f"kind.{option.kind.__name__}", lang)
        default = f"`{_toml_repr(option.default)}`"
        if option.required:
            default = translate(MESSAGES, "describe.required", lang)
        lines.append(f"| `{option.key}` | {kind} | {default} | {option.doc(lang)} |")
    return "\n".join(lines) + "\n"


# --- the sample that `cagettes init` writes -------------------------------------------------

def new_secret() -> str:
    """43 URL-safe characters from 32 random bytes: well over SECRET_MIN_LENGTH."""
    return secrets.token_urlsafe(32)


def sample_config_text() -> str:
    """The commented template, placeholders still in."""
    return resources.files("cagettes").joinpath("sample", CONFIG_FILE).read_text(encoding="utf-8")


def render_sample_config(name: str | None = None, *, contact: str | None = None, secret: str | None = None,
                         site_url: str = "") -> str:
    """The template with its placeholders filled in: a file that loads as is.

    Only quoted placeholders are replaced, so the comments may mention them freely.
    """
    text = sample_config_text()
    filled = {
        NAME_PLACEHOLDER: name or DEFAULT_NAME,
        CONTACT_PLACEHOLDER: contact or DEFAULT_CONTACT,
        SECRET_PLACEHOLDER: secret or new_secret(),
    }
    for placeholder, value in filled.items():
        text = text.replace(f'"{placeholder}"', toml_string(value))
    if site_url:  # the [site_public] url is the template's only empty url
        text = text.replace('\nurl = ""\n', f"\nurl = {toml_string(site_url)}\n", 1)
    return text
