"""The gettext catalogs: in step with the code, complete, and used by Python, Jinja and Click."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from cagettes.cli import main
from cagettes.core import i18n
from cagettes.forms.templating import make_env

ROOT = Path(__file__).resolve().parent.parent


def load_tool():
    spec = importlib.util.spec_from_file_location("messages_tool", ROOT / "tools" / "messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_catalogs_are_in_step_with_the_code_and_complete():
    tool = load_tool()
    template = tool.extract()
    assert len(template) > 400  # Python tables, templates and the CLI's help all found
    assert tool.problems(template) == []


def test_a_stale_catalog_is_caught(tmp_path, monkeypatch):
    tool = load_tool()
    template = tool.extract()
    template.add("Une phrase ajoutée au code, pas encore au catalogue")
    assert any("absent du catalogue" in line for line in tool.problems(template))
    template.delete("Bon de commande")
    assert any("n'est plus dans le code" in line and "Bon de commande" in line for line in tool.problems(template))


def test_every_language_has_its_po_file_and_no_other():
    found = sorted(path.name for path in i18n.LOCALE_DIR.iterdir() if path.is_dir())
    assert found == sorted(i18n.LANGS) and all(i18n.po_file(lang).is_file() for lang in i18n.LANGS)


def test_python_words_come_out_in_each_language():
    assert i18n._("ligne {row}", "fr", row=3) == "ligne 3"
    assert i18n._("ligne {row}", "en", row=3) == "row 3"
    assert i18n._("Une phrase que personne n'a marquée", "en") == "Une phrase que personne n'a marquée"
    assert i18n.localize(["Bon de commande", "", {"a": "Retrait :"}], "en") == ["Order form", "", {"a": "Pickup:"}]


def test_templates_use_the_catalog_of_their_environment():
    source = '{{ _("Total de la commande") }} · {% trans count=3 %}{{ count }} bons{% endtrans %}'
    assert make_env().from_string(source).render() == "Total de la commande · 3 bons"
    assert make_env(lang="en").from_string(source).render() == "Order total · 3 forms"


def test_click_help_and_usage_errors_are_in_french(capsys):
    assert main(["--help"]) == 0
    help_page = capsys.readouterr().out
    assert "Utilisation : cagettes" in help_page and "Commandes:" in help_page
    assert "Affiche cette aide et quitte." in help_page and "Usage:" not in help_page
    assert main(["print", "--help"]) == 0
    assert "[par défaut: 2" in capsys.readouterr().out
    assert main(["--lang", "en", "print", "--help"]) == 0
    assert "Usage: cagettes print" in capsys.readouterr().out
    assert main(["--bogus"]) == 2
    error = capsys.readouterr().err
    assert "Essayez « cagettes --help » pour l'aide." in error and "Erreur : " in error


@pytest.fixture
def spanish(tmp_path, monkeypatch):
    """A third language added as the README says: one .po file, one line in LANGS."""
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    po = locale / "es" / "LC_MESSAGES" / "cagettes.po"
    po.parent.mkdir(parents=True)
    text = i18n.po_file("en").read_text(encoding="utf-8").replace("Language: en", "Language: es")
    po.write_text(text.replace('msgstr "Order form"', 'msgstr "Hoja de pedido"'), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setattr(i18n, "LANGS", (*i18n.LANGS, "es"))
    i18n.catalog.cache_clear()
    i18n.translations.cache_clear()
    yield
    i18n.catalog.cache_clear()
    i18n.translations.cache_clear()


def test_a_third_language_is_one_po_file_and_one_line(spanish):
    from cagettes.forms.texts import texts

    assert texts("es")["form_title"] == "Hoja de pedido"
    assert i18n._("Bon de commande", "es") == "Hoja de pedido"
    assert make_env(lang="es").from_string('{{ _("Bon de commande") }}').render() == "Hoja de pedido"


def test_an_error_raised_in_french_is_said_again_in_the_readers_language(tmp_path, capsys):
    from cagettes.core.errors import MonthError
    from cagettes.storage.months import no_month

    error = no_month("2027-03")
    assert isinstance(error, MonthError) and str(error).startswith("Le mois 2027-03 n'est pas ouvert.")
    assert error.in_lang("en") == "The month 2027-03 is not open. Open it first: cagettes month open 2027-03"
    assert main(["--lang", "en", "-w", str(tmp_path), "status"]) == 1
    assert capsys.readouterr().err.startswith(f"No workspace found in {tmp_path.resolve()}")
    assert main(["-w", str(tmp_path), "status"]) == 1
    assert capsys.readouterr().err.startswith(f"Aucun espace de travail trouvé dans {tmp_path.resolve()}")


def test_an_error_is_said_in_the_workspaces_language_without_lang(tmp_path, capsys):
    workspace = tmp_path / "ws"
    assert main(["init", str(workspace)]) == 0
    config = workspace / "cagettes.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('langue = "fr"', 'langue = "en"'), encoding="utf-8")
    capsys.readouterr()
    assert main(["-w", str(workspace), "status"]) == 1
    assert capsys.readouterr().err.startswith("No month is open. Open one: cagettes month open YYYY-MM")
    assert main(["-w", str(workspace), "--lang", "fr", "status"]) == 1
    assert capsys.readouterr().err.startswith("Aucun mois n'est ouvert.")
