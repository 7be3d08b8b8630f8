"""A PostgreSQL server for the tests: the one CAGETTES_TEST_PG_URL names, or a throwaway one.

The throwaway server is the Debian package's own binaries (``initdb``, ``pg_ctl``) on a data
folder in /tmp, listening on a Unix socket only, so parallel test processes never clash on a
port. PostgreSQL refuses to run as root: as root, it runs as the ``postgres`` user (or
``nobody``). Each test gets its own database (:meth:`Server.create_database`).

Nothing is skipped: without PostgreSQL the tests that need it fail, saying what to install.
"""
from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ENV_URL = "CAGETTES_TEST_PG_URL"
HOW_TO_GET_IT = (f"installez le paquet Debian « postgresql » (make test-deps), ou indiquez un serveur dans "
                 f"{ENV_URL}=postgresql://utilisateur@hôte/base (un utilisateur qui peut créer des bases)")
START_TIMEOUT_S = 60
# A test server: durability costs time and protects nothing here.
SERVER_SETTINGS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c listen_addresses='' -c max_connections=200")


class PostgresUnavailable(RuntimeError):
    pass


@dataclass
class Server:
    admin_url: sa.URL  # a database to connect to for CREATE DATABASE
    stop_command: list[str] | None = None  # None: a server we did not start, left running
    folder: Path | None = None
    _engine: sa.Engine | None = field(default=None, repr=False)

    def url(self, database: str) -> str:
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def admin(self) -> sa.Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        return self._engine

    def create_database(self) -> str:
        name = f"cagettes_test_{uuid.uuid4().hex[:12]}"
        with self.admin().connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self.admin().connect() as conn:  # FORCE: a test may leave pooled connections open
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self.stop_command:
            subprocess.run(self.stop_command, capture_output=True, timeout=START_TIMEOUT_S)
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def server() -> Server:
    """The server to test against; PostgresUnavailable says why there is none."""
    given = os.environ.get(ENV_URL)
    if given:
        url = sa.make_url(given)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return checked(Server(url))
    return start_throwaway()


def checked(server: Server) -> Server:
    try:
        with server.admin().connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as error:
        raise PostgresUnavailable(f"PostgreSQL injoignable à {server.admin_url.render_as_string()} : {error.orig}"
                                  f" ; {HOW_TO_GET_IT}") from error
    return server


def binaries() -> Path:
    """The folder of initdb and pg_ctl: Debian keeps them out of PATH, per version."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=version)
    on_path = shutil.which("pg_ctl")
    candidates = [Path(p).parent for p in reversed(found)] + ([Path(on_path).resolve().parent] if on_path else [])
    for folder in candidates:
        if (folder / "initdb").is_file():
            return folder
    raise PostgresUnavailable(f"PostgreSQL introuvable (ni initdb ni pg_ctl) : {HOW_TO_GET_IT}.")


def version(path: str) -> tuple[int, ...]:
    """(15,) for /usr/lib/postgresql/15/bin/pg_ctl: the newest installed is preferred."""
    return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.parent.name))


def start_throwaway() -> Server:
    bin_dir = binaries()
    folder = Path(tempfile.mkdtemp(prefix="cagettes-pg-"))
    user = server_user()
    data, socket_dir = folder / "data", folder / "socket"
    socket_dir.mkdir()
    if user:  # root, the client, still reaches the socket
        for path in (folder, socket_dir):
            shutil.chown(path, user, user)
    as_user = ["runuser", "-u", user, "--"] if user else []
    run(as_user + [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                   "--encoding=UTF8", "--locale=C", "--no-sync"], folder)
    options = f"{SERVER_SETTINGS} -c unix_socket_directories='{socket_dir}'"
    pg_ctl = as_user + [str(bin_dir / "pg_ctl"), "-D", str(data)]
    run(pg_ctl + ["-o", options, "-l", str(folder / "server.log"), "-w", "-t", str(START_TIMEOUT_S), "start"], folder)
    url = sa.URL.create("postgresql+psycopg", username="postgres", database="postgres",
                        query={"host": str(socket_dir)})
    return checked(Server(url, pg_ctl + ["-m", "immediate", "stop"], folder))


def server_user() -> str | None:
    """Who runs the server: nobody else than us, unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PostgresUnavailable("Aucun utilisateur pour faire tourner PostgreSQL (il refuse root) : "
                              f"{HOW_TO_GET_IT}.")


def run(command: list[str], folder: Path) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT_S, cwd="/")
    if result.returncode != 0:
        log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailable(f"PostgreSQL n'a pas démarré ({' '.join(command)}) :\n{result.stdout}"
                                  f"{result.stderr}{log}\n{HOW_TO_GET_IT}.")
