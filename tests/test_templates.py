"""The workspace's templates folder comes first; the manifest follows whatever is drawn."""
from __future__ import annotations

import pytest

from cagettes.catalog import load_catalog
from cagettes.cli import main
from cagettes.forms.templating import PACKAGE_TEMPLATES, make_env
from cagettes.forms.variants import Variant, render_variant
from cagettes.storage import months


def test_user_stylesheet_overrides_the_default_and_geometry_follows(workspace):
    catalog = load_catalog(workspace.config.catalog_path)
    data = months.open_month(workspace.engine(), workspace.config, catalog, "2026-12")
    default = render_variant(data, Variant(), make_env(workspace.templates_dir))
    css = (PACKAGE_TEMPLATES / "form.css").read_text(encoding="utf-8")
    (workspace.templates_dir / "form.css").write_text(css + "\n.box { width: 11mm; height: 11mm; }\n", encoding="utf-8")
    custom = render_variant(data, Variant(), make_env(workspace.templates_dir))
    quantity = [b for b in custom.pages[0].boxes if b.kind == "quantity"]
    assert quantity and all(abs(b.rect.w - 11) < 0.05 and abs(b.rect.h - 11) < 0.05 for b in quantity)
    assert all(abs(b.rect.w - 8) < 0.05 for b in default.pages[0].boxes if b.kind == "quantity")


def test_user_template_text_is_escaped(workspace):
    env = make_env(workspace.templates_dir)
    (workspace.templates_dir / "hello.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    assert make_env(workspace.templates_dir).get_template("hello.html").render(name="<b>x</b>") == "<p>&lt;b&gt;x&lt;/b&gt;</p>"
    assert env.loader.searchpath[0] == str(workspace.templates_dir)


@pytest.mark.parametrize("broken, cause", [("{% if %}x", "ligne 1"), ("<p>\n{{ nope.missing }}</p>", "nope")])
def test_a_broken_user_template_is_named_in_french_without_a_traceback(workspace, capsys, broken, cause):
    root = str(workspace.root)
    assert main(["-w", root, "month", "open", "2026-12", "--force"]) == 0
    (workspace.templates_dir / "poster.html").write_text(broken, encoding="utf-8")
    assert main(["-w", root, "print", "posters"]) == 1
    said = capsys.readouterr().err
    assert "Le modèle « poster.html »" in said and cause in said and "Traceback" not in said
    assert str(workspace.templates_dir) in said  # which file to fix, or to remove for the default
