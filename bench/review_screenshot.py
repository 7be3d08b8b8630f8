"""docs/review.png: the review page on the sample association, as a volunteer first sees it.

The sample month is printed in a temporary workspace, synthetic returned forms (cagettes/simulate/corpus.py)
are scanned by the real pipeline, the review page is served by waitress and headless Chromium
takes the picture:

    .venv/bin/python bench/review_screenshot.py --out docs/review.png
"""
from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from cagettes.catalog import load_catalog
from cagettes.forms import bundles
from cagettes.review.decisions import Review
from cagettes.scan import pipeline
from cagettes.services.scanning import scan_job
from cagettes.services.workspace import init_workspace
from cagettes.simulate import corpus
from cagettes.storage import months
from cagettes.storage import workspace as ws
from cagettes.web.serve import make_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


def scanned_workspace(root: Path, pages: int, seed: int) -> tuple[ws.Workspace, object, object]:
    workspace = init_workspace(root)
    data = months.open_month(workspace.engine(), workspace.config, load_catalog(workspace.config.catalog_path),
                             "2026-12")
    bundles.print_month(data, workspace.month_dir(data.month),
                        {"jobs": 2, "template_dir": workspace.templates_dir, "site_url": ""})
    job = scan_job(workspace, data)
    files = corpus.generate(job.manifest_path, root / "corpus", pages=pages, dpi=150, seed=seed)
    pipeline.scan(workspace.engine(), job, files, jobs=2)
    return workspace, data, job


def screenshot(url: str, out: Path, chromium: str, width: int, height: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.fill("#name", "Samia")
        with page.expect_navigation():
            page.click("text=Commencer")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("docs/review.png"))
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--size", default="1100x1400", help="viewport, pixels")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        workspace, data, job = scanned_workspace(Path(tmp) / "ws", args.pages, args.seed)
        review = Review.open(workspace.engine(), job.manifest_path)
        server, url = make_server(review, data, job.pictures_dir, "fr", "127.0.0.1", 0)
        threading.Thread(target=server.run, daemon=True).start()
        screenshot(url, args.out, args.chromium, width, height)
        server.close()
    print(args.out)


if __name__ == "__main__":
    main()
