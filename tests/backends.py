"""Running a storage test on SQLite and on PostgreSQL, and stations sharing one database."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cagettes.core.config import CONFIG_FILE, toml_string

BACKENDS = ("sqlite", "postgresql")
# On a test: it runs once per backend (the `backend` fixture of conftest, overridden).
BOTH_BACKENDS = pytest.mark.parametrize("backend", BACKENDS)


def use_database(root: Path, url: str) -> None:
    """Point the workspace at ``root`` to the database ``url`` ([base] url of its cagettes.toml)."""
    path = root / CONFIG_FILE
    text = path.read_text(encoding="utf-8")
    section = re.search(r"^\[base\]\n(?:#.*\n)*url = .*$", text, flags=re.MULTILINE)
    assert section, f"no [base] url in {path}"
    start = section.group(0).rindex("url = ")
    replaced = section.group(0)[:start] + f"url = {toml_string(url)}"
    path.write_text(text[:section.start()] + replaced + text[section.end():], encoding="utf-8")
