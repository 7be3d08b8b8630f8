"""Jinja environment shared by every printed or published document.

The search path puts the workspace's own ``templates/`` folder ahead of the packaged defaults
(as MkDocs does with a theme's ``custom_dir``), so an association can override one template,
or just ``base.css``, without copying the rest.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from cagettes.core.errors import RenderError
from cagettes.core.i18n import DEFAULT_LANG, N_, _, translations
from cagettes.core.money import euros

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def make_env(user_dir: Path | None = None, lang: str = DEFAULT_LANG) -> jinja2.Environment:
    """The environment for documents in ``lang``: ``{{ _("…") }}`` and ``{% trans %}`` use its catalog."""
    search = [str(user_dir)] if user_dir and user_dir.is_dir() else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search + [str(PACKAGE_TEMPLATES)]),
        extensions=["jinja2.ext.i18n"],
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,  # a typo in a user template fails loudly, not blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True  # a sentence wrapped over lines is one msgid
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["euros"] = euros
    return env


def render_template(env: jinja2.Environment, name: str, **context) -> str:
    """``name`` rendered; a mistake in it (often in a workspace's own copy) is a RenderError that
    names the file and the line to fix."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateError as error:
        raise template_error(env, name, error) from None


def template_error(env: jinja2.Environment, name: str, error: jinja2.TemplateError) -> RenderError:
    path = getattr(error, "filename", None) or str(template_file(env, name))
    line = getattr(error, "lineno", None) or template_line(error, path)
    where = _("{path}, ligne {line}", DEFAULT_LANG, path=path, line=line) if line else path
    return RenderError(N_("Le modèle « {name} » ({where}) a une erreur : {error}. Corrigez ce fichier, ou retirez-le "
                          "du dossier templates/ de l'espace de travail pour reprendre le modèle par défaut."),
                       params={"name": name, "where": where, "error": error.message})


def template_line(error: Exception, path: str) -> int | None:
    """The template's line where rendering failed: Jinja puts the template's own frames in the traceback."""
    line, frame = None, error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == path:
            line = frame.tb_lineno
        frame = frame.tb_next
    return line


def template_file(env: jinja2.Environment, name: str) -> Path:
    """Where a template (or stylesheet) resolves on the search path; WeasyPrint loads CSS by URL."""
    loader = env.loader
    if not isinstance(loader, jinja2.FileSystemLoader):  # make_env builds it so; a test env may not
        raise jinja2.TemplateNotFound(name)
    for folder in loader.searchpath:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    raise jinja2.TemplateNotFound(name)
