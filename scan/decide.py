"""From ink to meaning: each box's state, then the form's rules, never a silent guess.

Box states: empty, marked, cancelled (filled in completely, as the form instructs to undo a
tick) and doubtful (in a doubt band). Rules, per product or field:

- one marked box → that value (a cancelled box beside it is a correction, and is ignored);
- a cancelled box alone → doubtful: some people fill boxes to choose, as on exam sheets;
- two marked boxes → doubtful: never summed, never the larger one;
- any doubtful box among them → doubtful.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from cagettes.core.records import ManifestBox
from cagettes.scan import thresholds as T
from cagettes.scan.measure import BoxReading

EMPTY, MARKED, CANCELLED, DOUBTFUL = "empty", "marked", "cancelled", "doubtful"


@dataclass(frozen=True)
class BoxDecision:
    id: str
    state: str
    confidence: float  # 0 (on a threshold, or doubtful) … 1 (far from any threshold)
    score: float
    reason: str = ""  # why doubtful: band | filled_band | beside | trace | unseen | too_dark


@dataclass
class Line:
    """One thing read from a page: an order line, a payment, a number, an opinion."""

    kind: str  # quantity | tolerance | payment | amount | member_number | feedback
    value: object
    status: str  # confirmed | doubtful
    product: str | None = None
    reason: str = ""
    boxes: list[str] = field(default_factory=list)


def page_empty_max(readings: list[BoxReading]) -> float:
    """This page's own "empty" threshold: just above the ink its blank paper shows.

    A clean scan's paper holds no ink at all, so even the faintest trace in a box is worth a
    look there: ``EMPTY_MIN``; a noisy scan earns a wider margin, ``EMPTY_MAX`` at most. The
    noise is read on the paper around the boxes, which a mark inside a box leaves alone: a
    page in pencil holds several faint marks, which must not pass for its noise.
    """
    return _above_noise([r.paper_ink for r in readings], T.NOISE_FACTOR, T.EMPTY_MIN, T.EMPTY_MAX)


def page_trace_max(readings: list[BoxReading]) -> float:
    """This page's threshold for dots left in a box before despeckling: on a clean or
    binarised scan the paper holds none, and the dotted remnant of a light mark that a
    binarising scanner nearly erased is worth a look; salt noise puts dots on all the paper."""
    return _above_noise([r.paper_dots for r in readings], T.TRACE_NOISE_FACTOR, T.TRACE_MIN, T.TRACE_MAX)


def _above_noise(paper: list[float], factor: float, lowest: float, highest: float) -> float:
    """``lowest`` plus ``factor`` times the page's noise floor, at most ``highest``. The floor is
    a low percentile over the boxes: a few have a mark beside them, or a neighbour's overflow."""
    if not paper:
        return highest
    return min(highest, lowest + factor * float(np.percentile(paper, T.NOISE_PERCENTILE)))


def decide_box(reading: BoxReading, empty_max: float = T.EMPTY_MAX, trace_max: float = T.TRACE_MAX) -> BoxDecision:
    s = reading.score
    if reading.outline < T.OUTLINE_SEEN_MIN:  # not in the image: nothing can be said of it
        return BoxDecision(reading.id, DOUBTFUL, 0.0, s, "unseen")
    if reading.paper_level < T.PAPER_TOO_DARK:
        return BoxDecision(reading.id, DOUBTFUL, 0.0, s, "too_dark")
    if s >= T.FILLED_MIN:
        return BoxDecision(reading.id, CANCELLED, _conf(s - T.FILLED_MIN, 1 - T.FILLED_MIN), s)
    if s >= T.FILLED_DOUBT_MIN:
        if even_fill(reading):
            return BoxDecision(reading.id, CANCELLED, 0.0, s)
        if reading.off_cross <= T.CROSS_SIDE_MAX:  # a thick cross: ink only along the diagonals
            return BoxDecision(reading.id, MARKED, 0.0, s)
        return BoxDecision(reading.id, DOUBTFUL, 0.0, s, "filled_band")
    if s >= T.MARKED_MIN and reading.stroke < T.MARK_MIN_STROKE:  # dots, no stroke: speckle or a dotted trace
        return BoxDecision(reading.id, DOUBTFUL, 0.0, s, "band")
    if s >= T.MARKED_MIN and reading.inside < T.FAINT_INSIDE_MAX and reading.crossing >= 2:
        return BoxDecision(reading.id, DOUBTFUL, 0.0, s, "band")  # a faint line through the box: a stain's rim, a crease
    if s >= T.MARKED_MIN:
        return BoxDecision(reading.id, MARKED, _conf(min(s - T.MARKED_MIN, T.FILLED_DOUBT_MIN - s), T.MARKED_MIN), s)
    if s > empty_max:
        return BoxDecision(reading.id, DOUBTFUL, 0.0, s, "band")
    if reading.ring >= T.RING_DOUBT:
        return BoxDecision(reading.id, DOUBTFUL, 0.0, s, "beside")
    if reading.trace > trace_max:
        return BoxDecision(reading.id, DOUBTFUL, 0.0, s, "trace")
    if reading.faintest >= T.FAINTEST_STROKE:  # a stroke a person sees, lighter than pencil
        return BoxDecision(reading.id, DOUBTFUL, 0.0, s, "band")
    return BoxDecision(reading.id, EMPTY, _conf(empty_max - s, empty_max), s)


def even_fill(reading: BoxReading) -> bool:
    """Ink over the whole box, as a hand fills it in (zigzags, scrawls): no paper left in the
    middle of the sides, where a thick cross or tick leaves some."""
    cells = reading.cells
    if len(cells) != T.CELL_GRID ** 2 or reading.score < T.EVEN_FILL_MIN:
        return False
    n = T.CELL_GRID
    sides = [cells[n // 2], cells[n * (n // 2)], cells[n * (n // 2) + n - 1], cells[n * (n - 1) + n // 2]]
    spread = sum(sides) / len(sides) >= T.EVEN_FILL_SIDE_MIN or reading.off_cross >= T.FILL_SIDE_MIN
    return min(cells) >= T.EVEN_FILL_CELL_MIN and spread


def _conf(distance: float, band: float) -> float:
    return round(max(0.0, min(1.0, distance / band)), 3)


def choose_one(candidates: list[tuple[object, BoxDecision]]) -> tuple[object, str, str]:
    """(value, status, reason) for a group of boxes of which at most one may be marked."""
    states = defaultdict(list)
    for value, decision in candidates:
        states[decision.state].append(value)
    if states[DOUBTFUL]:
        return None, "doubtful", "box_doubtful"
    if len(states[MARKED]) > 1:
        return None, "doubtful", "several_marked"
    if states[MARKED]:
        return states[MARKED][0], "confirmed", "corrected" if states[CANCELLED] else ""
    if states[CANCELLED]:
        return None, "doubtful", "filled_alone"
    return None, "confirmed", "none"


def apply_rules(boxes: list[ManifestBox], decisions: dict[str, BoxDecision]) -> list[Line]:
    groups = defaultdict(list)
    for box in boxes:
        groups[group_key(box)].append((box.get("value", True), decisions[box["id"]], box))
    lines = []
    for (kind, product, _column), members in sorted(groups.items(), key=_group_order):
        value, status, reason = choose_one([(v, d) for v, d, _ in members])
        if reason != "none" or kind in ("amount_digit", "member_digit"):
            lines.append(Line(kind, value, status, product, reason, [b["id"] for _, _, b in members]))
    return merge_digits(lines)


def _group_order(item) -> tuple[str, str, int]:
    kind, product, column = item[0]
    return kind, product or "", -1 if column is None else column


def group_key(box: ManifestBox) -> tuple[str, str | None, int | None]:
    return box["kind"], box.get("product"), box.get("column")


def merge_digits(lines: list[Line]) -> list[Line]:
    """Digit columns become one number; a blank column is only allowed as a leading tens digit."""
    out = [line for line in lines if line.kind not in ("amount_digit", "member_digit")]
    for kind, name in (("amount_digit", "amount"), ("member_digit", "member_number")):
        columns = [line for line in lines if line.kind == kind]
        if columns:
            merged = merge_number(columns, name)
            if merged is not None:
                out.append(merged)
    return out


def merge_number(columns: list[Line], name: str) -> Line | None:
    boxes = [b for line in columns for b in line.boxes]
    if all(line.value is None and line.status == "confirmed" for line in columns):
        return None  # nothing written: no amount, or no member number
    if any(line.status == "doubtful" for line in columns):
        return Line(name, None, "doubtful", None, "box_doubtful", boxes)
    digits = [line.value for line in columns]
    if name == "amount" and digits[0] is None:
        digits[0] = 0  # "8,50 €" needs no tens digit
    if None in digits:
        return Line(name, None, "doubtful", None, "digit_missing", boxes)
    text = "".join(str(d) for d in digits)
    value = f"{int(text[:2])}.{text[2:]}" if name == "amount" else text  # euros, as "8.50"
    return Line(name, value, "confirmed", None, "", boxes)
