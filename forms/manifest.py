"""The layout manifest: where every box of every printed page is, in millimetres.

The scanner reads it back; outside tools may too (format: docs/manifest.md). Layouts are
stored once per variant page and referenced by each printed page, which keeps a 1,000-member
month's manifest small while still describing every page exactly.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from cagettes.core.model import Product
from cagettes.core.month import MonthData
from cagettes.core.private import private_dir, private_file
from cagettes.core.records import Manifest, ManifestBox, ManifestLayout, ManifestPage, ManifestProduct
from cagettes.forms.layout import Box, PageLayout
from cagettes.forms.stamp import StampedPage

FORMAT = "cagettes-manifest"
VERSION = 1


@dataclass
class PrintedPage:
    """Where one stamped page landed: which PDF, which page of it (0-based)."""

    page: StampedPage
    pdf: str  # path relative to the month's output folder
    pdf_index: int


def layout_key(page: StampedPage) -> str:
    return f"{page.variant.key}/p{page.index + 1}"


def build(month: MonthData, printed: list[PrintedPage]) -> Manifest:
    layouts: dict[str, ManifestLayout] = {}
    pages: list[ManifestPage] = []
    for entry in printed:
        key = layout_key(entry.page)
        if key not in layouts:
            layouts[key] = layout_json(entry.page.layout, month)
        pages.append(page_json(entry, key, month))
    return {
        "format": FORMAT,
        "version": VERSION,
        "month": month.month,
        "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "units": "mm, from the top-left corner of the page; rectangles are [x, y, width, height]",
        "products": [product_json(i, p) for i, p in enumerate(month.products)],
        "layouts": layouts,
        "pages": pages,
    }


def product_json(index: int, product: Product) -> ManifestProduct:
    return {"index": index, "ref": product.ref, "name": product.name, "unit": product.unit,
            "price": str(product.price), "max": product.max_per_member, "case_size": product.case_size}


def layout_json(page_layout: PageLayout, month: MonthData) -> ManifestLayout:
    return {
        "width": page_layout.width,
        "height": page_layout.height,
        "marks": {name: rect.as_list() for name, rect in sorted(page_layout.marks.items())},
        "qr": [page_layout.slots[name].as_list() for name in ("qr-a", "qr-b")],
        "zones": {name: rect.as_list() for name, rect in sorted(page_layout.zones.items())},
        "boxes": [box_json(box, month) for box in page_layout.boxes],
    }


def box_json(box: Box, month: MonthData) -> ManifestBox:
    data: ManifestBox = {"id": box.id, "kind": box.kind, "rect": box.rect.as_list()}
    if box.product is not None:
        data["product"] = month.products[box.product].ref
    if box.value is not None:
        data["value"] = box.value
    if box.column is not None:
        data["column"] = box.column
    return data


def page_json(entry: PrintedPage, key: str, month: MonthData) -> ManifestPage:
    page = entry.page
    return {
        "id": page.code,
        "form": page.form.number,
        "page": page.index + 1,
        "pages": page.count,
        "member": page.form.member.number if page.form.member else None,
        "walkin": page.form.member is None,
        "site": page.form.site,
        "lang": page.variant.lang,
        "layout": key,
        "pdf": entry.pdf,
        "pdf_page": entry.pdf_index,
        "extra_boxes": [box_json(box, month) for box in page.stamped_boxes],
    }


def write(manifest: Manifest, path: Path) -> None:
    """Owner-only: the manifest names each member's form. Written beside, then moved in one step:
    a station scanning meanwhile reads the old manifest or the new one, never half of one."""
    private_dir(path.parent)
    partial = path.with_name(path.name + ".partiel")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    private_file(partial)
    os.replace(partial, path)


def add_pages(month: MonthData, printed: list[PrintedPage], path: Path) -> None:
    """Pages printed after the month's bundles (a member who joined) added to its manifest, the
    pages already there kept as they are; a new manifest if the month was not printed yet."""
    current = read(path) if path.is_file() else build(month, [])
    addition = build(month, printed)
    for key, layout in addition["layouts"].items():
        kept = current["layouts"].setdefault(key, layout)
        if same_json(kept, layout):
            continue
        # The templates changed since the bundles were printed: these pages get their own layout.
        renamed = f"{key}@{printed[0].page.form.number}"
        current["layouts"][renamed] = layout
        for page in addition["pages"]:
            page["layout"] = renamed if page["layout"] == key else page["layout"]
    current["pages"].extend(addition["pages"])
    write(current, path)


def same_json(a: object, b: object) -> bool:
    """Equal once written out (tuples and lists alike, as the file keeps them)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def read(path: Path) -> Manifest:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ValueError(f"not a {FORMAT} version {VERSION} file")
    return cast(Manifest, data)


def pages_per_form(path: Path) -> dict[int, int]:
    """Form number -> how many pages it was printed with; {} for a month never printed."""
    return {p["form"]: p["pages"] for p in read(path)["pages"]} if path.is_file() else {}


def page_boxes(manifest: Manifest, page: ManifestPage) -> list[ManifestBox]:
    """All boxes printed on one page: its layout's, plus those stamped for this member."""
    return manifest["layouts"][page["layout"]]["boxes"] + page["extra_boxes"]
