"""cagettes.toml: the sample, defaults, every problem reported at once, paths."""
from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from cagettes.core.calendar import CalendarRules
from cagettes.core.config import (
    OPTIONS,
    SECRET_MIN_LENGTH,
    SECRET_PLACEHOLDER,
    Config,
    describe_options,
    load_config,
    new_secret,
    render_sample_config,
    sample_config_text,
    toml_string,
)
from cagettes.core.config_messages import MESSAGES
from cagettes.core.errors import ConfigError
from cagettes.core.i18n import check_complete

SECRET = "s" * SECRET_MIN_LENGTH
MINIMAL = f"""
[association]
nom = "Les Cagettes"
contact = "06 12 34 56 78"

[securite]
secret = "{SECRET}"
"""


def write(folder: Path, text: str) -> Path:
    path = folder / "cagettes.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, **kwargs) -> dict[str, str]:
    """Problem messages by dotted key, for the config at ``path`` that must fail."""
    with pytest.raises(ConfigError) as caught:
        load_config(path, **kwargs)
    assert all(p.file == "cagettes.toml" for p in caught.value.problems)
    return {p.key: p.message for p in caught.value.problems}


# --- the sample -----------------------------------------------------------------------------

def test_rendered_sample_loads_with_the_documented_defaults(tmp_path):
    config = load_config(write(tmp_path, render_sample_config("Les Cagettes de Belleville")))
    assert config.association_name == "Les Cagettes de Belleville"
    assert config.lang == "fr"
    assert config.calendar == CalendarRules(forms_day=5, deadline_day=15, order_delay_days=1, delivery_delay_days=7)
    assert (config.free_forms_per_site, config.public_site_url) == (10, "")
    assert len(config.secret) >= SECRET_MIN_LENGTH and SECRET_PLACEHOLDER not in config.secret


def test_sample_names_every_option_and_nothing_else():
    data = tomllib.loads(sample_config_text())
    keys = {f"{table}.{name}" for table, values in data.items() if isinstance(values, dict) for name in values}
    keys |= {name for name, value in data.items() if not isinstance(value, dict)}
    assert keys == {option.key for option in OPTIONS}


def test_sample_values_are_the_schema_defaults():
    data = tomllib.loads(sample_config_text())
    for option in OPTIONS:
        if not option.required:
            table, _, name = option.key.rpartition(".")
            assert (data[table] if table else data)[name] == option.default, option.key


def test_each_render_gets_a_fresh_secret_and_escapes_the_name(tmp_path):
    first, second = render_sample_config(), render_sample_config()
    assert first != second
    name = 'Le "Panier" \\ solidaire'
    config = load_config(write(tmp_path, render_sample_config(name, contact="Aïcha, 06 00 00 00 00")))
    assert config.association_name == name
    assert config.association_contact == "Aïcha, 06 00 00 00 00"


def test_new_secret_is_long_and_url_safe():
    secret = new_secret()
    assert len(secret) >= SECRET_MIN_LENGTH
    assert secret.replace("-", "").replace("_", "").isalnum()


def test_toml_string_round_trips():
    text = 'a "b" \\ c\n\té\x7f\x01'
    assert tomllib.loads(f"k = {toml_string(text)}")["k"] == text


# --- defaults and values --------------------------------------------------------------------

def test_minimal_config_takes_every_default(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.association_email == "" and config.association_address == ""
    assert config.calendar == CalendarRules()
    assert config.catalog_path == tmp_path.resolve() / "catalogue.xlsx"
    assert config.output_dir == tmp_path.resolve() / "output"
    assert config.database_url == f"sqlite:///{tmp_path.resolve() / 'cagettes.db'}"


def test_values_are_read_in_english_attributes(tmp_path):
    text = 'langue = "en"\n' + MINIMAL + """
[calendrier]
jour_bons = 6
jour_limite = 20
delai_commande_jours = 0
delai_livraison_jours = 10

[site_public]
url = "https://cagettes.example.org/"

[formulaires]
bons_libres_par_site = 0
"""
    config = load_config(write(tmp_path, text))
    assert config.lang == "en"
    assert config.calendar == CalendarRules(6, 20, 0, 10)
    assert config.public_site_url == "https://cagettes.example.org"  # trailing slash dropped
    assert config.free_forms_per_site == 0


def test_config_is_frozen_and_keeps_its_secret_out_of_repr(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.lang = "en"  # type: ignore[misc]
    assert SECRET not in repr(config)


# --- all problems at once -------------------------------------------------------------------

def test_every_problem_of_the_file_is_reported(tmp_path):
    text = """
langue = "de"

[association]
nom = "Les Cagettes"
telephone = "06"

[calendrier]
jour_bons = 30
jour_limite = "15"
delai_livraison_jours = true

[formulaires]
bons_libres_par_site = 12.5

[securite]
secret = "trop court"

[base]
url = "mysql://localhost/cagettes"

[catalog]
chemin = "x.xlsx"
"""
    problems = problems_of(write(tmp_path, text))
    assert set(problems) == {
        "langue",
        "association.telephone",
        "association.contact",
        "calendrier.jour_bons",
        "calendrier.jour_limite",
        "calendrier.delai_livraison_jours",
        "formulaires.bons_libres_par_site",
        "securite.secret",
        "base.url",
        "catalog",
    }
    assert "clé inconnue" in problems["association.telephone"] and "orthographe" in problems["association.telephone"]
    assert "« catalogue »" in problems["catalog"]  # the likely intended key is suggested
    assert "obligatoire" in problems["association.contact"] and "[association]" in problems["association.contact"]
    assert "entre 1 et 28" in problems["calendrier.jour_bons"] and "30" in problems["calendrier.jour_bons"]
    assert "nombre entier" in problems["calendrier.jour_limite"] and "texte" in problems["calendrier.jour_limite"]
    assert "true" in problems["calendrier.delai_livraison_jours"]
    assert "nombre entier" in problems["formulaires.bons_libres_par_site"]
    assert "trop court" in problems["securite.secret"]
    assert '"fr", "en"' in problems["langue"]


def test_summary_counts_the_problems(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[association]\n"))
    assert len(caught.value.problems) == 3  # nom, contact, secret
    assert "3 erreur(s)" in caught.value.message
    assert "association.nom" in str(caught.value)


def test_a_key_in_the_wrong_section_suggests_the_right_one(tmp_path):
    problems = problems_of(write(tmp_path, MINIMAL + "jour_bons = 5\n"))  # lands in [securite]
    assert "« calendrier.jour_bons »" in problems["securite.jour_bons"]


def test_a_section_written_as_a_value(tmp_path):
    problems = problems_of(write(tmp_path, 'calendrier = 5\n' + MINIMAL))
    assert "section [calendrier]" in problems["calendrier"]


def test_an_option_written_as_a_section(tmp_path):
    problems = problems_of(write(tmp_path, MINIMAL + "[calendrier.jour_bons]\njour = 5\n"))
    assert set(problems) == {"calendrier.jour_bons"}
    assert "une section" in problems["calendrier.jour_bons"]


def test_deadline_must_leave_members_a_week(tmp_path):
    problems = problems_of(write(tmp_path, MINIMAL + "[calendrier]\njour_bons = 10\njour_limite = 14\n"))
    assert set(problems) == {"calendrier.jour_limite"}
    assert "7 jours" in problems["calendrier.jour_limite"]


def test_an_invalid_value_is_not_reported_twice_by_cross_checks(tmp_path):
    problems = problems_of(write(tmp_path, MINIMAL + "[calendrier]\njour_bons = 40\njour_limite = 14\n"))
    assert set(problems) == {"calendrier.jour_bons"}


def test_bad_email_and_public_url(tmp_path):
    text = MINIMAL.replace('contact = "06 12 34 56 78"', 'contact = "Léa"\nemail = "06 12 34 56 78"')
    text += '[site_public]\nurl = "www.example.org"\n'
    problems = problems_of(write(tmp_path, text))
    assert set(problems) == {"association.email", "site_public.url"}
    assert "https://" in problems["site_public.url"]


def test_blank_required_text_is_refused(tmp_path):
    problems = problems_of(write(tmp_path, MINIMAL.replace('"Les Cagettes"', '"  "')))
    assert problems == {"association.nom": "ne doit pas être vide"}


def test_placeholder_secret_is_refused(tmp_path):
    path = write(tmp_path, sample_config_text().replace('"@@NOM@@"', '"A"').replace('"@@CONTACT@@"', '"B"'))
    problems = problems_of(path)
    assert set(problems) == {"securite.secret"}
    assert SECRET_PLACEHOLDER in problems["securite.secret"] and "cagettes init" in problems["securite.secret"]


def test_messages_follow_the_file_language_or_the_caller(tmp_path):
    english = problems_of(write(tmp_path, 'langue = "en"\n[association]\nnom = "x"\n'))
    assert english["association.contact"].startswith("missing required key")
    french = problems_of(write(tmp_path, 'langue = "en"\n[association]\nnom = "x"\n'), lang="fr")
    assert french["association.contact"].startswith("clé obligatoire manquante")


# --- unreadable files -----------------------------------------------------------------------

def test_invalid_toml_gives_the_line(tmp_path):
    path = write(tmp_path, '[association]\nnom = "Les Cagettes"\ncontact = 06 12 34\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    assert problem.row == 3
    assert "ligne 3" in str(problem) and "syntaxe TOML invalide" in problem.message


def test_unclosed_quote_gives_the_line(tmp_path):
    path = write(tmp_path, '\n\n[association]\nnom = "Les Cagettes\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems[0].row == 4


def test_missing_file_says_how_to_create_one(tmp_path):
    with pytest.raises(ConfigError, match="cagettes init"):
        load_config(tmp_path / "cagettes.toml")


def test_not_utf8(tmp_path):
    path = tmp_path / "cagettes.toml"
    path.write_bytes('[association]\nnom = "Société"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "UTF-8" in caught.value.problems[0].message


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "cagettes.toml"
    path.write_bytes(MINIMAL.encode("utf-8-sig"))
    assert load_config(path).association_name == "Les Cagettes"


# --- paths ----------------------------------------------------------------------------------

def test_paths_are_relative_to_the_config_file_not_the_cwd(tmp_path, monkeypatch):
    workspace = tmp_path / "espace"
    workspace.mkdir()
    text = MINIMAL + '[catalogue]\nchemin = "donnees/csv"\n[sortie]\ndossier = "pdf"\n[base]\nurl = "sqlite:///db/c.db"\n'
    write(workspace, text)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(Path("../espace/cagettes.toml"))
    root = workspace.resolve()
    assert config.path == root / "cagettes.toml" and config.root == root
    assert config.catalog_path == root / "donnees" / "csv"
    assert config.output_dir == root / "pdf"
    assert config.database_url == f"sqlite:///{root / 'db' / 'c.db'}"


def test_absolute_paths_and_other_databases_are_kept(tmp_path):
    absolute = tmp_path / "partage" / "catalogue.ods"
    text = MINIMAL + f'[catalogue]\nchemin = "{absolute.as_posix()}"\n[base]\nurl = "sqlite:////srv/c.db"\n'
    config = load_config(write(tmp_path, text))
    assert config.catalog_path == absolute
    assert config.database_url == "sqlite:////srv/c.db"
    for url in ("postgresql://cagettes@localhost/cagettes", "postgresql+psycopg://h/db", "sqlite:///:memory:"):
        assert load_config(write(tmp_path, MINIMAL + f'[base]\nurl = "{url}"\n')).database_url == url


# --- documentation --------------------------------------------------------------------------

def test_every_option_is_documented_in_both_languages():
    assert check_complete(MESSAGES) == []
    for option in OPTIONS:
        assert option.doc("fr") and option.doc("en") and option.doc("fr") != option.doc("en")


def test_describe_lists_every_option_with_its_default():
    table = describe_options()
    for option in OPTIONS:
        assert f"`{option.key}`" in table
    assert "| `calendrier.jour_bons` | entier | `5` |" in table
    assert "| `securite.secret` | texte | *obligatoire* |" in table
    assert Config.describe("en").startswith("| Key | Type | Default | Description |")
