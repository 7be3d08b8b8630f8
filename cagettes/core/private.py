"""Folders and files holding personal data, readable by their owner only.

Members' names, numbers, orders and the scans of their forms must stay unreadable by the
other accounts of a shared computer (a social centre's PC, a volunteer's family laptop):
folders are made 0700 and files 0600, whatever the umask. Everything written under
``output/<month>/private/``, the scan inbox and its archive, and the SQLite database go
through here.
"""
from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

from cagettes.core.paths import make_dirs

DIR_MODE = 0o700  # owner: read, write, enter; nobody else anything
FILE_MODE = 0o600  # owner: read, write


def private_dir(path: Path | str) -> Path:
    """``path`` and every folder created to reach it, owner-only. A folder that was already
    there keeps its mode: it is someone's choice (a shared 1777 folder given to ``export -o``,
    ``output/<month>/`` that also holds the public site)."""
    path = Path(path)
    for folder in make_dirs(path, DIR_MODE):
        os.chmod(folder, DIR_MODE)  # mkdir's mode went through the umask
    return path


def private_file(path: Path | str) -> Path:
    """A file just written, made owner-only."""
    os.chmod(path, FILE_MODE)
    return Path(path)


def private_entry(path: Path | str) -> Path:
    """A file moved in (the scans archived), made owner-only without following a link: a link
    brought into the inbox may point at anyone's file, a system file when run as root. The
    link itself is left as it is (Linux gives links no mode of their own)."""
    try:
        os.chmod(path, FILE_MODE, follow_symlinks=False)
    except NotImplementedError:  # no lchmod: a link is left alone, a file is made private
        if not os.path.islink(path):
            os.chmod(path, FILE_MODE)
    return Path(path)


def private_database(url: str) -> None:
    """A SQLite file is created owner-only before SQLAlchemy opens it; SQLite then gives its
    journal and WAL files the same mode. Other databases keep their own access control."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if path.parent.is_dir():  # else SQLAlchemy's own error names the missing folder
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
        private_file(path)
