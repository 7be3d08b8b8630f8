"""Shared fixtures: a real workspace from the sample association, a real printed month, and the
database of each: SQLite, or a real PostgreSQL server for tests marked ``BOTH_BACKENDS``.

Printing takes several seconds, so the printed month is built once per test process
(session scope) and only read by the tests that use it; ``station`` copies it into a new
workspace on a fresh database, as a second scanning station of the association would be.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cagettes.catalog import load_catalog
from cagettes.services.workspace import init_workspace
from cagettes.storage import months
from cagettes.storage import workspace as ws
from tests import pg
from tests.backends import use_database

MONTH = "2026-12"


@pytest.fixture(scope="session")
def printed(tmp_path_factory):
    """(workspace, month data, print result) for the sample association's December 2026."""
    from cagettes.forms import bundles

    root = tmp_path_factory.mktemp("printed") / "ws"
    workspace = init_workspace(root)
    catalog = load_catalog(workspace.config.catalog_path)
    data = months.open_month(workspace.engine(), workspace.config, catalog, MONTH)
    options = {"jobs": 2, "template_dir": workspace.templates_dir, "site_url": workspace.config.public_site_url}
    result = bundles.print_month(data, workspace.month_dir(MONTH), options)
    return workspace, data, result


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for this test process: CAGETTES_TEST_PG_URL's, or one started here."""
    try:
        server, problem = pg.server(), ""
    except pg.PostgresUnavailable as error:
        server, problem = None, str(error)
    if problem:  # a failure, never a skip: these tests must run
        pytest.fail(problem, pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def backend() -> str:
    """The database of the test's workspace; BOTH_BACKENDS (tests/backends.py) overrides it."""
    return "sqlite"


@pytest.fixture
def database_url(backend, tmp_path, request):
    """A fresh, empty database of ``backend``: a SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def workspace(tmp_path, backend, request) -> ws.Workspace:
    root = tmp_path / "ws"
    init_workspace(root)
    if backend != "sqlite":  # SQLite: the workspace's own default file
        use_database(root, request.getfixturevalue("database_url"))
    return ws.open_workspace(root)


@pytest.fixture
def station(printed, tmp_path, backend, request) -> ws.Workspace:
    """The printed month's workspace copied (bundles, manifest), on a fresh database of
    ``backend`` where the month is open: the same forms, numbered alike, ready to scan."""
    root = tmp_path / "station"
    shutil.copytree(printed[0].root, root, ignore=shutil.ignore_patterns("cagettes.db*", "scans", "site"))
    (root / "scans").mkdir()
    if backend != "sqlite":
        use_database(root, request.getfixturevalue("database_url"))
    station = ws.open_workspace(root)
    months.open_month(station.engine(), station.config, load_catalog(station.config.catalog_path), MONTH)
    return station


def pdf_page_image(path: Path, index: int, dpi: int = 150):
    """A page rasterised by PDFium, as a grey numpy array."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        bitmap = document[index].render(scale=dpi / 72, grayscale=True)
        return bitmap.to_numpy()[:, :, 0].copy() if bitmap.to_numpy().ndim == 3 else bitmap.to_numpy().copy()
    finally:
        document.close()
