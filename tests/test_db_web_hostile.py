"""A damaged or busy database, `cagettes backup`, hostile ids on the review page, and chart
labels the fonts cannot draw: each said in French, never with a traceback.

The damage is real: pages of a real SQLite file overwritten with garbage after a month was
written, then the real commands run in-process (``cagettes.cli.main``).
"""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import warnings
from html import escape
from pathlib import Path

import cv2
import numpy as np
import pytest
import sqlalchemy as sa

from cagettes.cli import main
from cagettes.closing.dashboards import ProductStat, PublicStats, SiteStat
from cagettes.core.errors import DatabaseError
from cagettes.forms.templating import make_env
from cagettes.services import review as review_service
from cagettes.services import status
from cagettes.services.months import load_month
from cagettes.site.build import DASHBOARD_PAGE, build_site
from cagettes.storage import db
from cagettes.storage import workspace as ws
from cagettes.web.app import Settings, create_app
from tests.backends import BOTH_BACKENDS
from tests.conftest import MONTH

PAGE_BYTES = 4096  # SQLite's default page size, the one cagettes' files have
COMMANDS = (["status"], ["export", "orders"], ["scan", "{scan}"], ["month", "close"])
SHORT_BUSY_TIMEOUT_MS = 300  # the stations' 60 s, shortened so that a test waits a moment only
TOO_LARGE_ID = 2**63  # one past SQLite's and PostgreSQL's largest integer


def sqlite_file(workspace: ws.Workspace) -> Path:
    """The workspace's SQLite file, its write-ahead log folded in and every connection closed."""
    workspace.engine().dispose()
    path = Path(sa.make_url(workspace.config.database_url).database)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def damage(path: Path, tables: tuple[str, ...]) -> None:
    """Garbage over every page of ``tables`` and of their indexes (SQLite's dbstat says which)."""
    marks = ",".join("?" * len(tables))
    with sqlite3.connect(path) as conn:
        pages = [n for (n,) in conn.execute(f"SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                                            f"WHERE tbl_name IN ({marks}))", tables)]
    assert pages, tables
    garbage = np.random.default_rng(15).integers(0, 256, PAGE_BYTES, dtype=np.uint8).tobytes()
    with open(path, "r+b") as file:
        for number in pages:
            file.seek((number - 1) * PAGE_BYTES)
            file.write(garbage)


def run(capsys, root: Path, *args: str) -> tuple[int, str]:
    code = main(["-w", str(root), *args])
    said = capsys.readouterr()
    return code, said.out + said.err


@pytest.mark.parametrize("tables", [("months", "forms"), ("scanned_pages", "closings", "payments")],
                         ids=["month", "scans"])
def test_a_damaged_database_is_said_with_the_backup_to_restore(station, capsys, tmp_path, tables):
    damage(sqlite_file(station), tables)
    scan = tmp_path / "page.png"
    cv2.imwrite(str(scan), np.full((400, 300), 255, np.uint8))
    for command in COMMANDS:
        code, said = run(capsys, station.root, *(a.format(scan=scan) for a in command))
        assert code == 1, (command, said)
        assert "est abîmée" in said and "cagettes backup" in said and str(station.root / "sauvegardes") in said, said
        assert str(station.root / "cagettes.db") in said and "Traceback" not in said, said


def test_a_file_damaged_all_through_is_said_the_same_way(station, capsys):
    path = sqlite_file(station)
    size = path.stat().st_size
    with open(path, "r+b") as file:  # the schema pages too: the migrations are the first to fail
        file.seek(PAGE_BYTES)
        file.write(b"\x5a" * (size - 2 * PAGE_BYTES))
    code, said = run(capsys, station.root, "status")
    assert code == 1 and "est abîmée" in said and "cagettes backup" in said and "Traceback" not in said, said


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another station in the middle of a write: it holds SQLite's write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_database_busy_beyond_the_timeout_says_another_station_writes(station, capsys, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", SHORT_BUSY_TIMEOUT_MS)
    other = hold_write_lock(sqlite_file(station))
    try:
        code, said = run(capsys, station.root, "status")  # opening: the migrations' check waits
        assert code == 1 and "un autre poste" in said and "réessayez" in said, said
        assert "sauvegarde" not in said and "Traceback" not in said, said
        with pytest.raises(DatabaseError, match="un autre poste"):  # an engine already open, mid-command
            status.month_status(station, load_month(station, MONTH))
    finally:
        other.rollback()
        other.close()


# ---------------------------------------------------------------- cagettes backup

def months_in_backup(path: Path, backend: str, request) -> list[str]:
    """The months a backup holds, read back the way it would be restored."""
    if backend == "sqlite":
        with sqlite3.connect(path) as conn:
            return [m for (m,) in conn.execute("SELECT month FROM months")]
    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    target = sa.make_url(server.url(name)).set(drivername="postgresql")
    subprocess.run(["pg_restore", "--no-owner", "-d", target.render_as_string(hide_password=False), str(path)],
                   check=True, capture_output=True)
    engine = sa.create_engine(server.url(name), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        found = [m for (m,) in conn.execute(sa.text("SELECT month FROM months"))]
    server.drop_database(name)
    return found


@BOTH_BACKENDS
def test_backup_writes_a_checked_private_copy_of_the_database(workspace, capsys, backend, request):
    assert run(capsys, workspace.root, "month", "open", MONTH, "--force")[0] == 0
    code, said = run(capsys, workspace.root, "backup")
    assert code == 0, said
    folder = workspace.root / "sauvegardes"
    copies = list(folder.iterdir())
    assert len(copies) == 1 and str(copies[0]) in said and "données personnelles" in said, said
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    assert months_in_backup(copies[0], backend, request) == [MONTH]


def test_a_damaged_database_gives_no_backup_but_a_sentence(station, capsys):
    damage(sqlite_file(station), ("months",))
    code, said = run(capsys, station.root, "backup")
    assert code == 1 and "abîmée" in said and "Traceback" not in said, said
    assert not list((station.root / "sauvegardes").glob("*")), "a damaged copy must not pass for a backup"


@pytest.mark.parametrize("backend", ["postgresql"])
def test_backup_without_pg_dump_says_what_to_install(workspace, capsys, monkeypatch, tmp_path, backend):
    workspace.engine()  # the database exists and is migrated
    monkeypatch.setenv("PATH", str(tmp_path / "nothing here"))
    code, said = run(capsys, workspace.root, "backup")
    assert code == 1 and "pg_dump" in said and "postgresql-client" in said and "Traceback" not in said, said


# ---------------------------------------------------------------- the review page

@pytest.fixture
def client(station):
    opened = review_service.open_review(station, MONTH)
    settings = Settings(opened.review, opened.data, opened.pictures_dir, "la-cle")
    app = create_app(settings)
    client = app.test_client()
    assert client.get("/?cle=la-cle").status_code == 302
    return client


def csrf(client) -> dict[str, str]:
    """The token the page's own forms carry."""
    with client.session_transaction() as session:
        return {"csrf": session["csrf"]}


def asked(client, page: int) -> list:
    """Every address that carries an id: the page, its picture, a box's, and the posts."""
    token = csrf(client)
    return [client.get(f"/page/{page}"), client.get(f"/scan/{page}.jpg"), client.get(f"/case/{page}/q-0-1.jpg"),
            client.post(f"/page/{page}/accepter", data=token), client.post(f"/defaire/{page}", data=token),
            client.post("/case", data={**token, "page": str(page), "box": "q-0-1", "state": "marked"})]


@pytest.mark.parametrize("page", [TOO_LARGE_ID, 2**64 + 5, 10**30])
def test_ids_beyond_the_database_integers_are_not_found(client, page):
    for answer in asked(client, page):
        assert answer.status_code == 404, (answer.request.path, answer.status_code)


def test_the_largest_id_is_looked_up_like_any_other(client):
    """2^63 - 1 fits the databases: not found, or a refusal said on the page; never a 500."""
    for answer in asked(client, 2**63 - 1):
        assert answer.status_code in (302, 404), (answer.request.path, answer.status_code)


def test_every_answer_forbids_framing_and_foreign_content(client):
    for answer in (client.get("/"), client.get("/page/1"), create_app_denied(client).get("/")):
        assert answer.headers["X-Frame-Options"] == "DENY"
        policy = answer.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, policy


def create_app_denied(client):
    """A browser that never came with the key."""
    return client.application.test_client()


# ---------------------------------------------------------------- the site's charts

def test_chart_names_the_fonts_lack_give_no_warning_and_stay_whole_in_the_table(tmp_path):
    from tests.test_site import make_month

    names = ("Thé vert 緑茶 🍵", "Ꮳ Cherokee Ꭰ", "Huile $\\frac{$ bio", "Épicerie 学生 ☕")
    stats = PublicStats(MONTH, (ProductStat(names[0], "la boîte", 5, 5, 6, 1, 0.8),
                                ProductStat(names[1], "le sachet", 3, 2, None, None, None),
                                ProductStat(names[2], "le litre", 2, 2, 4, 1, 0.5)),
                        (SiteStat(names[3], 3, 2, 1, 8),))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_site(make_month(), tmp_path / "site", make_env(), {}, dashboard=stats)
    page = (tmp_path / "site" / DASHBOARD_PAGE).read_text(encoding="utf-8")
    assert all(escape(name) in page for name in names)
    assert len(list((tmp_path / "site" / "graphiques").glob("*.svg"))) == 4


def test_backup_copies_are_not_world_readable_even_with_a_loose_umask(station, capsys):
    old = os.umask(0)
    try:
        assert run(capsys, station.root, "backup")[0] == 0
    finally:
        os.umask(old)
    (copy,) = (station.root / "sauvegardes").iterdir()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_a_damaged_database_is_said_on_the_review_page_without_a_traceback(client, station, capfd):
    damage(sqlite_file(station), ("scanned_pages",))
    answer = client.get("/")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 503 and "abîmée" in body and "sauvegardes" in body, body
    assert "Traceback" not in body + "".join(capfd.readouterr())


def test_a_fault_on_the_review_page_is_filed_and_said(client, station, monkeypatch, capfd):
    monkeypatch.setattr(review_service, "queue", lambda review: 1 / 0)  # a bug in the service
    answer = client.get("/")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 500 and "Erreur inattendue" in body, body
    assert "Traceback" not in body + "".join(capfd.readouterr())
    [filed] = (station.root / "incidents").iterdir()
    assert "ZeroDivisionError" in filed.read_text()
