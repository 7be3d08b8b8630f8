"""Where a month's files go: the one place that spells the output folder's layout.

    output/<month>/
        public/                  posters and the blank sample form: may be put on the web
        site/                    the public static site
        fournisseurs/            supplier orders (no member's name)
        private/                 names and orders: the owner's alone (0700)
            manifest.json        every printed box, where the scanner looks
            bundles/ forms/      the print-ready PDFs of each site
            scans/               annotated scanned pages, registered pictures, notes
            distribution/        signing sheets, receipts, private dashboard
            resume-impression.txt, commandes.csv
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

BLANK_FORM = "bon-vierge.pdf"
POSTER_SIZES = ("A4", "A3")
SITES_DIR = "sites"  # the public site's page of each pickup site


def slug(code: str) -> str:
    """A site code made safe for a file name and a URL: "FIVES" stays, "Épi Campus" → "Epi-Campus".

    Case is kept so that a plain code is its own slug: a URL built from the code elsewhere still
    finds the page. Catalog codes are unique ignoring case, so no two slugs clash on disk.
    """
    ascii_text = unicodedata.normalize("NFKD", code).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-") or "site"


def site_page_path(site_code: str) -> str:
    """Where a site's page is, relative to the site's root: what a poster's QR code points to."""
    return f"{SITES_DIR}/{slug(site_code)}.html"


def poster_filename(site_code: str, size: str) -> str:
    return f"affiche-{slug(site_code)}-{size}.pdf"


@dataclass(frozen=True)
class MonthPaths:
    root: Path  # output/<month>

    @property
    def public(self) -> Path:
        return self.root / "public"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def suppliers(self) -> Path:
        return self.root / "fournisseurs"

    @property
    def private(self) -> Path:
        return self.root / "private"

    @property
    def manifest(self) -> Path:
        return self.private / "manifest.json"

    def print_dir(self, what: str) -> Path:
        """private/bundles/ for whole bundles, private/forms/ for forms alone."""
        return self.private / ("bundles" if what == "bundles" else "forms")

    @property
    def bundles(self) -> Path:
        return self.print_dir("bundles")

    @property
    def scans(self) -> Path:
        return self.private / "scans"

    @property
    def distribution(self) -> Path:
        return self.private / "distribution"

    @property
    def print_summary(self) -> Path:
        return self.private / "resume-impression.txt"

    @property
    def orders_csv(self) -> Path:
        return self.private / "commandes.csv"

    @property
    def blank_form(self) -> Path:
        return self.public / BLANK_FORM

    def poster(self, site: str, size: str) -> Path:
        return self.public / poster_filename(site, size)


# The Atkinson Hyperlegible files that the public site and the review page serve as they are.
FONT_FILES = ("AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Bold.ttf")
