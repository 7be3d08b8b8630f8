"""Shared fixtures: a real workspace from the sample association, a real printed month.

Printing takes several seconds, so the printed month is built once per test process
(session scope) and only read by the tests that use it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from cagettes import months
from cagettes import workspace as ws
from catalog import load_catalog

MONTH = "2026-12"


@pytest.fixture(scope="session")
def printed(tmp_path_factory):
    """(workspace, month data, print result) for the sample association's December 2026."""
    from forms import bundles

    root = tmp_path_factory.mktemp("printed") / "ws"
    workspace = ws.init_workspace(root)
    catalog = load_catalog(workspace.config.catalog_path)
    data = months.open_month(workspace.engine(), workspace.config, catalog, MONTH)
    options = {"jobs": 2, "template_dir": workspace.templates_dir, "site_url": workspace.config.public_site_url}
    result = bundles.print_month(data, workspace.month_dir(MONTH), options)
    return workspace, data, result


@pytest.fixture
def workspace(tmp_path) -> ws.Workspace:
    return ws.init_workspace(tmp_path / "ws")


def pdf_page_image(path: Path, index: int, dpi: int = 150):
    """A page rasterised by PDFium, as a grey numpy array."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        bitmap = document[index].render(scale=dpi / 72, grayscale=True)
        return bitmap.to_numpy()[:, :, 0].copy() if bitmap.to_numpy().ndim == 3 else bitmap.to_numpy().copy()
    finally:
        document.close()
