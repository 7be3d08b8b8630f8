"""The ``cagettes`` command (also ``python -m cagettes``), built on Click.

``main(argv)`` returns the exit code instead of exiting, so tests call it in-process:
0 success, 1 a user-facing problem (all of it printed), 2 a usage error, 3 a fault nobody
foresaw (a bug): one sentence says so and where its details were written, never a traceback.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cagettes.cli import commands
from cagettes.cli.help import show_usage_error, use_translated_help
from cagettes.core.errors import CagettesError
from cagettes.core.i18n import DEFAULT_LANG, LANGS, N_, _
from cagettes.services.incidents import record_incident

INCIDENT_EXIT = 3


def build_cli() -> click.Group:
    @click.group(help=N_("Bons de commande papier, affiches et site du mois pour un groupement d'achat."))
    @click.option("--lang", type=click.Choice(LANGS), default=None, help=N_("Langue des messages (fr par défaut)."))
    @click.option("-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help=N_("Dossier de l'espace de travail (par défaut : le dossier courant)."))
    @click.pass_obj
    def group(state: commands.Context, lang: str | None, workspace: Path | None) -> None:
        state.lang_option, state.workspace_path = lang, workspace

    for command in commands.COMMANDS:
        group.add_command(command)
    use_translated_help(group)
    return group


def main(argv: list[str] | None = None) -> int:
    state = commands.Context()  # filled by the top-level options; read back to word an error
    try:
        build_cli().main(args=argv, prog_name="cagettes", standalone_mode=False, obj=state)
    except CagettesError as error:
        click.echo(error.in_lang(state.error_lang() or error.lang), err=True)
        return 1
    except click.exceptions.Abort:
        return 1
    except click.UsageError as error:
        show_usage_error(error, state.lang_option or lang_asked(argv) or DEFAULT_LANG)
        return error.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except Exception as error:  # the last resort: a bug is said in words, its traceback filed
        say_incident(error, state)
        return INCIDENT_EXIT
    return 0


def say_incident(error: Exception, state: commands.Context) -> None:
    lang = state.error_lang() or DEFAULT_LANG
    try:
        where = str(record_incident(error, state.workspace_path))
    except OSError:
        where = _("(aucun fichier n'a pu être écrit)", lang)
    click.echo(_("Erreur inattendue de cagettes ({kind}) : ce n'est pas une erreur de votre part. Ce qui était "
                 "déjà enregistré n'est pas perdu. Le détail est écrit dans {path} (il peut contenir des "
                 "données personnelles : ne le publiez pas). Envoyez ce fichier à la personne qui s'occupe "
                 "de cagettes, puis relancez la commande.", lang, kind=type(error).__name__, path=where), err=True)


def lang_asked(argv: list[str] | None) -> str | None:
    """The ``--lang`` of a command line Click stopped before reading it, for the words of its error."""
    args = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(args):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
    return None


def run() -> None:
    sys.exit(main())
