"""Render HTML with WeasyPrint and read the geometry of what was drawn.

Every box, registration mark, stamp slot and zone carries an HTML id; WeasyPrint's public
``Page.anchors`` gives each id's border-box rectangle on each page. So the manifest's
millimetres come from the rendered document itself, never from hand-kept constants.

Id grammar (docs/manifest.md documents it for template authors and outside tools)::

    q-<product index>-<quantity>   quantity box          t-<product index>   "+1 if case not full"
    p-<method>                     payment method box    a-<column>-<digit>  amount paid digit
    n-<column>-<digit>             member number digit   f-<product index>-<like|dislike>  feedback
    mark-<tl|tr|bl|br>             registration mark     slot-<name>         where stamps go
    zone-<name>                    free-writing zone (cropped by the scanner when inked)

A suffix ``@<anything>`` is ignored, so one HTML document can repeat an id on several pages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

PX_PER_MM = 96 / 25.4

_BOX_IDS = {
    "q": (re.compile(r"^q-(\d+)-(\d+)$"), "quantity"),
    "t": (re.compile(r"^t-(\d+)$"), "tolerance"),
    "p": (re.compile(r"^p-([a-z_]+)$"), "payment"),
    "a": (re.compile(r"^a-(\d+)-(\d)$"), "amount_digit"),
    "n": (re.compile(r"^n-(\d+)-(\d)$"), "member_digit"),
    "f": (re.compile(r"^f-(\d+)-(like|dislike)$"), "feedback"),
}


@dataclass(frozen=True)
class Rect:
    """Millimetres from the page's top-left corner."""

    x: float
    y: float
    w: float
    h: float

    @classmethod
    def from_anchor(cls, anchor: tuple[float, float, float, float]) -> "Rect":
        x1, y1, x2, y2 = (v / PX_PER_MM for v in anchor)
        return cls(round(x1, 3), round(y1, 3), round(x2 - x1, 3), round(y2 - y1, 3))

    def as_list(self) -> list[float]:
        return [round(self.x, 2), round(self.y, 2), round(self.w, 2), round(self.h, 2)]


@dataclass(frozen=True)
class Box:
    """One tick box and what a mark in it means."""

    id: str
    kind: str  # quantity | tolerance | payment | amount_digit | member_digit | feedback
    rect: Rect
    product: int | None = None  # index into the month's product list
    value: int | str | None = None  # quantity, digit, payment method or like/dislike
    column: int | None = None  # digit position for digit grids, left to right


@dataclass
class PageLayout:
    width: float
    height: float
    marks: dict[str, Rect] = field(default_factory=dict)
    slots: dict[str, Rect] = field(default_factory=dict)
    zones: dict[str, Rect] = field(default_factory=dict)
    boxes: list[Box] = field(default_factory=list)


def render(html: str, base_url: str | Path) -> weasyprint.Document:
    fonts = FontConfiguration()
    return weasyprint.HTML(string=html, base_url=str(base_url)).render(font_config=fonts)


def page_layout(page: weasyprint.Page) -> PageLayout:
    layout = PageLayout(round(page.width / PX_PER_MM, 2), round(page.height / PX_PER_MM, 2))
    for element_id, anchor in page.anchors.items():
        add_element(layout, element_id, Rect.from_anchor(anchor))
    layout.boxes.sort(key=lambda b: (b.rect.y, b.rect.x))
    return layout


def add_element(layout: PageLayout, element_id: str, rect: Rect) -> None:
    # Stamp documents hold many pages in one HTML file; "@<n>" keeps their ids unique.
    element_id = element_id.split("@", 1)[0]
    prefix, _, name = element_id.partition("-")
    if prefix == "mark":
        layout.marks[name] = rect
    elif prefix == "slot":
        layout.slots[name] = rect
    elif prefix == "zone":
        layout.zones[name] = rect
    else:
        box = parse_box(element_id, rect)
        if box is not None:
            layout.boxes.append(box)


def parse_box(element_id: str, rect: Rect) -> Box | None:
    """Ids outside the grammar are ignored: a user template may use ids of its own."""
    pattern, kind = _BOX_IDS.get(element_id.split("-", 1)[0], (None, ""))
    match = pattern.match(element_id) if pattern else None
    if not match:
        return None
    groups = match.groups()
    if kind == "quantity":
        return Box(element_id, kind, rect, product=int(groups[0]), value=int(groups[1]))
    if kind == "tolerance":
        return Box(element_id, kind, rect, product=int(groups[0]))
    if kind == "payment":
        return Box(element_id, kind, rect, value=groups[0])
    if kind == "feedback":
        return Box(element_id, kind, rect, product=int(groups[0]), value=groups[1])
    return Box(element_id, kind, rect, column=int(groups[0]), value=int(groups[1]))
