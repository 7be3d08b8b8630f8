"""Every command a message suggests parses (issue 12, point 7): each sentence of the code that
names a `cagettes …` command is found, its placeholders filled with plausible values, and the
command line run through Click's parser (not executed). "cagettes print 2027-01", which Click
refuses, would fail here."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from cagettes.cli import build_cli

REPO = Path(__file__).resolve().parent.parent
SOURCES = [p for folder in ("cagettes", "scan", "forms", "catalog") for p in (REPO / folder).rglob("*.py")]
TOKEN = re.compile(r'--?[A-Za-z][\w-]*|\{[a-z_]+\}|\\?"[^"]*\\?"|[\w./=-]+')
PROSE = re.compile(r"^[a-zàâçéèêëîïôöûùüÿœ]+$")
VALUES = {"month": "2026-12", "found": "2026-11", "number": "0045", "member": "0045", "form": "12", "path": "/tmp/x"}


def marked_sentences() -> list[tuple[str, str]]:
    """(file, text) of every N_("…") string of the code."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "N_" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((str(path.relative_to(REPO)), node.args[0].value))
    return found


def words_of(group: click.Group) -> set[str]:
    """Command names and choice values anywhere in the tree: never prose."""
    words: set[str] = set()
    for name, command in group.commands.items():
        words.add(name)
        for param in command.params:
            if isinstance(param.type, click.Choice):
                words |= {str(c) for c in param.type.choices}
        if isinstance(command, click.Group):
            words |= words_of(command)
    return words


def suggested(text: str, known: set[str]) -> list[list[str]]:
    """The command lines in ``text``, as argument lists, cut before the sentence goes on in prose."""
    commands = []
    for match in re.finditer(r"cagettes ((?:\S+ ?)+)", text):
        args = []
        for word in match.group(1).split(" "):
            token = word.rstrip("»).,;:")  # the sentence's punctuation after the command
            if not TOKEN.fullmatch(token) or (PROSE.match(token) and token not in known):
                break
            if token != word:  # the command ends with the sentence's punctuation
                args.append(fill(token))
                break
            args.append(fill(token))
        if len(args) > 1 and args[0] in known:  # a command's bare name ("le dossier créé par cagettes init") names it
            commands.append(args)
    return commands


def fill(token: str) -> str:
    return re.sub(r"\{([a-z_]+)\}", lambda m: VALUES.get(m.group(1), "1"), token.replace('\\"', '"').strip('"'))


CLI = build_cli()
KNOWN = words_of(CLI)
CASES = [(where, text, args) for where, text in marked_sentences() for args in suggested(text, KNOWN)]


def parse(args: list[str]) -> None:
    """Click's parsing of ``args`` down to the last subcommand; a usage error raises."""
    ctx = CLI.make_context("cagettes", list(args), obj=None)
    command: click.Command = CLI
    rest = ctx._protected_args + ctx.args  # the subcommand and what follows it
    while isinstance(command, click.Group) and rest:
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        ctx = sub.make_context(name, rest, parent=ctx)
        command, rest = sub, (ctx._protected_args + ctx.args if isinstance(sub, click.Group) else [])


def test_the_messages_suggest_commands_at_all():
    assert len(CASES) >= 10, CASES  # the search works: month open, close, documents, print form...


@pytest.mark.parametrize("where, text, args", CASES, ids=[" ".join(c[2]) for c in CASES])
def test_each_suggested_command_parses(where, text, args):
    try:
        parse(args)
    except click.UsageError as error:
        pytest.fail(f"{where}: « cagettes {' '.join(args)} » does not parse ({error.format_message()}) in: {text}")
