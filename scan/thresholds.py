"""Every number the scanner decides with, named, with its unit, in one place.

Ink is measured as a *fraction* (0–1) of a box's inner area darker than this page's own ink
threshold (halfway between this page's paper white and this page's registration-mark black),
minus the median fraction of this page's boxes (what an empty box looks like here). So a
grey copier, a yellowed form or a dark scan all start from their own baseline.

Between two thresholds lies a doubt band: a box there goes to a human, never to a guess.
Tuned on the synthetic corpus (bench/scan_accuracy.py) and checked on the real AMC scans.
"""
from __future__ import annotations

# --- Identification --------------------------------------------------------------------
QR_FAST_DPI = 150  # dpi: first decoding pass on a downscaled page (a 21 mm code = 5 px/module)
BLANK_PAGE_INK = 0.002  # fraction of dark pixels under which a page without code is "blank"

# --- Registration ----------------------------------------------------------------------
MIN_PX_PER_MM, MAX_PX_PER_MM = 2.0, 32.0  # px/mm: 50 to 800 dpi, beyond which a guess is nonsense
MARK_SEARCH_MM = 9.0  # mm: half-size of the window searched around a mark's predicted place
MARK_SIZE_TOLERANCE = 0.25  # relative: a found square may be 25 % smaller or larger
MARK_CUT_MIN = 0.4  # relative: a mark cut by the search window shows this much of its side at least (the opening wipes less)
MARK_EDGE_CUT_MAX_MM = 0.35  # mm: a mark found against the sheet's edge (on a black lid) may be this much shorter than printed, no more
MARK_MIN_FILL = 0.80  # fraction of its bounding box a solid mark fills (rotated ≤ 10°: ≥ 0.85)
MIN_MARKS = 3  # marks needed for a fit: 3 give an affine map, 4 a homography
MIN_MARKS_TO_REFINE = 2  # marks found near one code that are far enough apart to guide the search for the others
MAX_QR_DISAGREEMENT_MM = 1.0  # mm: decoded code corners vs. where the marks' mapping puts them
MAX_FIT_ERROR_MM = 1.0  # mm: worst residual of the marks' corners; above it the page is refused
SCAN_EDGE_MM = 1.0  # mm: a scan's outermost pixels (lid shadow, lighter edge) are not measured as paper
MIN_ANCHORS = 8  # printed boxes found on a three-mark page needed to refit its map on them
ANCHOR_SEARCH_MM = 2.5  # mm: how far from where three marks put it a printed box is looked for
ANCHOR_MARGIN_MM = 1.0  # mm: printed surroundings matched with the box (its label's edge, the gap)
ANCHOR_MIN_MATCH = 0.5  # correlation (-1..1) of the scan with the blank box for the box to count as found
ANCHOR_TOLERANCE_MM = 0.3  # mm: a found box farther than this from the refitted map is an outlier
# A page without a readable code, named by a volunteer: its marks are found without the codes.
GUESS_SCALES = (1.0, 0.97, 1.03, 0.94, 1.06)  # the sheet against the scan's size: margins, scanner scale
MATCH_PX_PER_MM = 2  # the grid on which a scan is compared with the blank page, to tell up from down
SQUARES_LOOK_PX = 1200  # px: longest side of the coarse copy searched for solid squares (find_marks refines)
SQUARE_MIN_SIDE, SQUARE_MAX_SIDE = 0.6, 1.15  # a solid square's side against a mark's, on a sheet filling the scan
SQUARE_MAX_ASPECT = 1.3  # longest over shortest side of a square that may be a mark
WARP_PX_PER_MM = 8  # px/mm of the normalised page every box is read on (≈ 203 dpi)

# --- Measuring a box -------------------------------------------------------------------
BOX_INSET_MM = 1.1  # mm: skip the printed 0.6 mm outline and its blur, read only the inside
REFERENCE_DILATE_PX = 3  # px on the normalised page (0.4 mm): printed ink widened by this much
MIN_BOXES_FOR_BASELINE = 5  # boxes of one kind needed before their median ring is their baseline
RING_MM = 1.8  # mm: width of the ring just outside the outline, for marks beside or overflowing
RING_MIN_FREE = 0.5  # share of a side strip: ink beside a box is a fraction of the strip's unprinted part, never of less than this
INK_LEVEL = 0.5  # where the ink threshold sits between paper white (0) and mark black (1)
PENCIL_LEVEL = 0.12  # a lighter threshold, so light pencil still registers as ink
STREAK_ROW_STEP = 8  # rows: sampling step when looking for feeder streaks
STREAK_PERCENTILE = 90  # of a column's sampled rows: its lightest, darker than paper only under a streak
STREAK_MIN_DEPTH = 6  # grey levels: a column this much darker than paper all along is a streak
CELL_GRID = 3  # cells per side of the grid a box's inside is cut into, to tell a fill from a thick cross
MEDIAN_KERNEL = 3  # px on the normalised page: removes scanner speckle before counting ink

# --- Deciding a box (ink fraction above the page's empty-box baseline) -----------------
EMPTY_MAX = 0.025  # at or below: empty, on the noisiest pages (see EMPTY_MIN)
EMPTY_MIN = 0.004  # the "empty" threshold on a clean page, whose paper holds no ink
NOISE_PERCENTILE = 75  # over a page's boxes, of the ink on the paper around each: the page's noise floor
NOISE_FACTOR = 4.0  # the page's empty threshold is EMPTY_MIN plus this many noise floors
MARKED_MIN = 0.045  # at or above: marked. Between the page's empty threshold and MARKED_MIN: doubtful
FILLED_MIN = 0.90  # at or above: filled in completely = cancelled
# Real hand fills cover 55-87 % of a box; real crosses and ticks (the AMC scans) at most 57 %,
# a felt-pen cross up to 76 %: ink alone cannot tell them apart there, so a dense box is
# cancelled only when its ink is spread over the whole box, marked only when it lies along the
# diagonals (a thick cross), and doubtful otherwise.
FILLED_DOUBT_MIN = 0.50  # at or above (and under FILLED_MIN): an even fill, a thick cross, or doubtful
EVEN_FILL_MIN = 0.55  # an even fill holds at least this much ink in all
EVEN_FILL_CELL_MIN = 0.30  # ...at least this much in every one of its CELL_GRID² cells
EVEN_FILL_SIDE_MIN = 0.55  # ...and this much on average in the cells in the middle of its sides
PENCIL_SHAPE_RATIO = 0.5  # ink under the ink threshold below this share of the pencil one: a mark's shape is read at the pencil one
CROSS_OFF_DISTANCE = 0.2  # inner sides: paper at least this far from both diagonals is "off the cross"
CROSS_SIDE_MAX = 0.15  # at most this ink off the cross: a dense box is a thick cross, marked (fills: >= 0.22)
FILL_SIDE_MIN = 0.45  # at least this ink off the cross, and EVEN_FILL_MIN in all: a fill (crosses: 95 % <= 0.49)
RING_DOUBT = 0.04  # ink fraction just outside an otherwise empty box that the blank form does not have: doubtful
# Dots: the inside before despeckling, for what a binarising scanner left of a light mark.
TRACE_MIN = 0.002  # fraction of the inside (≈ 4 px of a normal box): above it, on a clean page, doubtful
TRACE_NOISE_FACTOR = 3.0  # the page's dots threshold is TRACE_MIN plus this many dot noise floors (its paper's)
TRACE_MAX = 0.03  # the dots threshold at most, on the noisiest pages (salt noise leaves dots in every box)

# --- Comment zone ----------------------------------------------------------------------
COMMENT_INK_MIN = 0.004  # fraction of the zone's inside: above it, the zone is cropped for the lab
