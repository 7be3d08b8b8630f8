"""``cagettes backup``: a consistent copy of the workspace's database, checked, kept private.

Where the copies live: ``sauvegardes/`` at the top of the workspace (``Workspace.backups_dir``),
one file per backup named by its date and time, ``cagettes-2026-12-04-153012.db`` for SQLite
(a copy made with SQLite's backup API while the stations keep working, then checked with
``PRAGMA integrity_check``) or ``cagettes-2026-12-04-153012.dump`` for PostgreSQL (pg_dump's
custom format, checked by reading its table of contents with pg_restore).

The copies hold everything the database holds, members' names, numbers and orders: the folder
is the owner's alone (0700, files 0600). Copy them only to a medium that stays private (an
encrypted USB stick). None is ever deleted: remove old ones by hand.

Restoring. SQLite: stop cagettes on every station, copy the latest ``.db`` over the database
file (``cagettes.db``) and delete ``cagettes.db-wal`` and ``cagettes.db-shm`` beside it.
PostgreSQL: ``pg_restore --clean --no-owner -d URL cagettes-….dump``.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from cagettes.core.errors import DatabaseError
from cagettes.core.i18n import N_
from cagettes.core.private import FILE_MODE, private_dir, private_file
from cagettes.storage import db
from cagettes.storage.workspace import Workspace

STAMP = "%Y-%m-%d-%H%M%S"  # sorts by date: the latest copy is the last one listed
PG_DUMP_TIMEOUT_S = 600  # an association's database dumps in seconds; a hung server is said after this
BYTES_PER_KB = 1000

MISSING = N_("Pas de base de données à sauvegarder : le fichier {path} n'existe pas. Vérifiez « url » dans la "
             "section [base] de cagettes.toml.")
NO_PG_DUMP = N_("Pour sauvegarder une base PostgreSQL, cagettes lance pg_dump et pg_restore, introuvables sur ce "
                "poste : installez le paquet postgresql-client (Debian, Ubuntu) ou les outils clients de PostgreSQL, "
                "puis relancez « cagettes backup ».")
PG_DUMP_FAILED = N_("La sauvegarde de la base {url} a échoué ({cause}) : aucune copie n'est gardée. Vérifiez que le "
                    "serveur est joignable depuis ce poste et que pg_dump est d'une version au moins égale à la sienne.")


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes

    @property
    def kilobytes(self) -> int:
        return max(1, round(self.size / BYTES_PER_KB))


def backup_database(workspace: Workspace, now: dt.datetime | None = None) -> Backup:
    """A checked copy of the workspace's database in its ``sauvegardes/`` folder."""
    url = sa.make_url(workspace.config.database_url)
    folder = private_dir(workspace.backups_dir)
    name = f"cagettes-{(now or dt.datetime.now()).strftime(STAMP)}"
    if url.get_backend_name() == "sqlite":
        path = copy_sqlite(url, folder / f"{name}.db", folder)
    else:
        path = dump_postgresql(url, folder / f"{name}.dump")
    return Backup(path, path.stat().st_size)


def copy_sqlite(url: sa.URL, target: Path, backups: Path) -> Path:
    """SQLite's online backup of the file, then its integrity check: a damaged file is said,
    never kept as if it were a good copy."""
    source = Path(url.database or "")
    if not source.is_file():  # sqlite3 would create an empty one
        raise DatabaseError(MISSING, params={"path": os.path.abspath(source)})
    owner_only(target)  # before SQLite writes into it
    try:
        problems = backed_up(source, target)
    except sqlite3.Error as error:
        target.unlink(missing_ok=True)
        raise (db.sqlite_trouble(url, error, backups) or db.unreachable(url, error)) from error
    if problems != ["ok"]:
        target.unlink()
        raise db.damaged(url, problems[0], backups)
    return private_file(target)


def backed_up(source: Path, target: Path) -> list[str]:
    """Copy ``source`` into ``target`` page by page; what SQLite's integrity check says of the copy."""
    timeout_s = db.SQLITE_BUSY_TIMEOUT_MS / 1000  # a station writing holds the file a moment
    with closing(sqlite3.connect(source, timeout=timeout_s)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)
        return [row[0] for row in copy.execute("PRAGMA integrity_check")]


def dump_postgresql(url: sa.URL, target: Path) -> Path:
    """pg_dump's custom format, read back by pg_restore; the password passes in the environment,
    never on a command line that other accounts can see."""
    dump, restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if dump is None or restore is None:
        raise DatabaseError(NO_PG_DUMP)
    owner_only(target)  # before pg_dump writes into it
    address = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, "PGCONNECT_TIMEOUT": str(db.PG_CONNECT_TIMEOUT_S)}
    if url.password:
        env["PGPASSWORD"] = url.password
    for command in ([dump, "--format=custom", f"--file={target}", f"--dbname={address}"], [restore, "--list", str(target)]):
        failure = run_quietly(command, env)
        if failure:
            target.unlink(missing_ok=True)
            raise DatabaseError(PG_DUMP_FAILED, params={"url": url.render_as_string(hide_password=True), "cause": failure})
    return target


def run_quietly(command: list[str], env: dict[str, str]) -> str:
    """Run ``command``; "" when it succeeded, else the last line it said."""
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PG_DUMP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"{Path(command[0]).name}: timeout {PG_DUMP_TIMEOUT_S} s"
    said = (done.stderr or done.stdout).strip().splitlines()
    return "" if done.returncode == 0 else (said[-1] if said else f"{Path(command[0]).name}: exit {done.returncode}")


def owner_only(path: Path) -> Path:
    """An empty file nobody else can read, whatever the umask, for a copy to be written into."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE))
    return private_file(path)
