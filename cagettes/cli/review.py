"""``cagettes review [MONTH]``: the review page, on this computer only."""
from __future__ import annotations

import click

from cagettes.core.i18n import N_


@click.command("review", help=N_("Ouvre la page de vérification des scans dans le navigateur (sur cet ordinateur)."))
@click.argument("month", required=False)
@click.option("--host", default="127.0.0.1", show_default=True,
              help=N_("Adresse d'écoute. Gardez 127.0.0.1 : les bons portent des données personnelles."))
@click.option("--port", type=click.IntRange(0, 65535), default=0, help=N_("Port (0, par défaut : un port libre)."))
@click.option("--sans-navigateur", "--no-browser", "no_browser", is_flag=True,
              help=N_("N'ouvre pas le navigateur : l'adresse à ouvrir est affichée."))
@click.pass_obj
def review_command(ctx, month: str | None, host: str, port: int, no_browser: bool) -> None:
    from cagettes.services.review import open_review
    from cagettes.web.serve import serve

    workspace = ctx.workspace()
    lang = ctx.lang(workspace)
    session = open_review(workspace, month, lang)
    serve(session.review, session.data, session.pictures_dir, lang, host, port, not no_browser, click.echo)
