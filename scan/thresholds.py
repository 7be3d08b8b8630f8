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
QR_FAST_DPI = 150  # dpi at least: first decoding pass on a page reduced by a whole factor (a 21 mm code = 5 px/module)
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
MIN_FEATURES = 2  # marks and decoded codes (a code: its 4 corners) that pin a page down for its boxes to refit it
MAX_PAIRINGS_TRIED = 2  # pairings of the decoded codes with their printed places tried on the boxes
MARK_OUTLIER_MM = 2.0  # mm: a mark this far from the homography of the other marks and the codes is a blob, dropped
MARK_ANCHOR_MM = 1.0  # mm: a mark this far from what its nearest boxes say (plus the slope below) is dropped
MARK_ANCHOR_SLOPE = 0.02  # mm per mm from the mark to its nearest boxes: a feeder's stretch, at most 2 %
MARK_ANCHOR_BOXES = 12  # nearest boxes whose affine map says where a mark should be
QUICK_ANCHORS = 6  # boxes spread over an ordinary page (all marks, fitting well) its map is checked on (0.25 ms each)
QUICK_ANCHORS_MIN = 4  # of them found, all within LOCAL_FIT_MM, for the page to keep its marks' map as it is
ANCHOR_ROUNDS = 2  # times the boxes are looked for: around the first map, then around the map they gave
ANCHOR_NEIGHBOURS = 6  # nearest boxes a box's residual is compared with
ANCHOR_NEIGHBOUR_MM = 0.4  # mm: a box whose residual is this far from its neighbours' median disagrees with them
MIN_ANCHOR_AGREEMENT = 0.7  # share of the boxes found that must agree with their neighbours, else the page is refused
LOCAL_FIT_MM = 0.5  # mm: worst residual one homography may leave on the boxes; above it, a local correction
LOCAL_GRID_MM = 20.0  # mm: spacing of the nodes of the local correction (bilinear between them)
LOCAL_SMOOTHING = 0.5  # weight of the membrane keeping neighbouring nodes alike, against one box's weight 1
BANDING_GAP_MM = 2.2  # mm: light stripes a worn drum prints through a solid mark, closed before the solid-square test
MARK_SOLID_FILL = 0.9  # share of a found mark's middle that is dark: below it, the mark is striped (banding)
MARK_MAX_ASPECT = 1.1  # longest over shortest side of a found mark: beyond it, a piece of a striped mark
BANDING_LEVEL = 0.25  # a striped mark's threshold: this share of the way from the window's paper to its black
MARK_FILL_INSET = 0.8  # the middle of a found mark: its size times this, about its centre
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
NEAREST_CACHE = 4096  # boxes whose "nearer to it than to its neighbours" mask a reader keeps (a few layouts' worth)
RING_MIN_FREE = 0.5  # share of a side strip: ink beside a box is a fraction of the strip's unprinted part, never of less than this
INK_LEVEL = 0.5  # where the ink threshold sits between paper white (0) and mark black (1)
PENCIL_LEVEL = 0.12  # a lighter threshold, so light pencil still registers as ink
STREAK_ROW_STEP = 8  # rows: sampling step when looking for feeder streaks
STREAK_PERCENTILE = 90  # of a column's sampled rows: its lightest, darker than paper only under a streak
STREAK_MIN_DEPTH = 6  # grey levels: a column this much darker than paper all along is a streak
CELL_GRID = 3  # cells per side of the grid a box's inside is cut into, to tell a fill from a thick cross
DUST_MAX_WIDTH_MM = 0.8  # mm across: a dust line is thinner than this (a pen stroke crossing it is wider)
DUST_MIN_LENGTH_MM = 6.0  # mm down the page: thin and this long is a dust line (a box's side is 8 mm, but printed)
DUST_ROWS_PER_MM = 2  # rows per mm on which a dust line is followed down the page
DUST_DRIFT_PX = 1  # px on the normalised page: a line's drift across columns over DUST_MIN_LENGTH_MM on a skewed page
PAPER_PX_PER_MM = 1  # px/mm of the map of the paper's grey level (light varies over centimetres)
PAPER_SIGMA_MM = 4.0  # mm: how far around a point its paper is estimated from
PAPER_MIN_WEIGHT = 0.02  # share of valid pixels nearby (Gaussian weight) under which a point's paper is unknown: the page's median divides it there, and a box there goes to review (too_dark)
PAPER_BLOCK_SLACK = 8  # of 255: a paper-map block with a larger share printed (or unscanned) is no paper
PAPER_PASSES = 2  # re-estimates of the paper without the pixels darker than the last estimate
PAPER_INK_MARGIN = 12.0  # grey levels: a pixel this much darker than the paper estimate is ink, not paper
MARK_MIN_CONTRAST = 60.0  # grey levels: a mark's place no darker than this under its paper holds no mark (a lost corner)
OUTLINE_MARGIN_MM = 0.4  # mm each side of a box's edge where its printed outline is looked for
OUTLINE_SEEN_MIN = 0.3  # share of a box's printed outline seen dark: under it the box is not in the image
PAPER_TOO_DARK = 100.0  # grey level 0-255: paper darker than this (a shadow) leaves too little contrast to see pencil
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
FAINT_PAPER_MM = 3.0  # mm: strokes narrower than this (a felt pen's 1.8 mm) are closed over to find the paper just around them
FAINT_PAPER_DIP = 40.0  # grey levels: the paper just around a mark is never taken darker than this under the page's white
PENCIL_SHAPE_RATIO = 0.5  # ink under the ink threshold below this share of the pencil one: a mark's shape is read at the pencil one
CROSS_OFF_DISTANCE = 0.2  # inner sides: paper at least this far from both diagonals is "off the cross"
CROSS_SIDE_MAX = 0.2  # at most this ink off the cross (the middle two of its four side triangles): a thick cross, marked (fills: >= 0.32)
FILL_SIDE_MIN = 0.45  # at least this ink off the cross, and EVEN_FILL_MIN in all: a fill (crosses: 95 % <= 0.49)
MARK_MIN_STROKE = 0.35  # of the box's inner side: a mark holds a stroke this long (2 mm in a quantity box; a light tick: 2.8 mm); dots alone are doubtful
STROKE_FRAME_PX = 2  # px on the normalised page: the inside's edge, left out when looking for a stroke
CROSSING_SIDE_MIN = 0.05  # faint ink fraction of a strip around the box for a line to cross it there
FAINT_INSIDE_MAX = 0.005  # a mark with less ink than this at the ink threshold is faint (pencil, a stain's rim)
FAINTEST_LEVEL = 0.06  # of the contrast under the paper around it: ink this faint is no mark, but a stroke of it is worth a look
FAINTEST_STROKE = 0.5  # of the box's inner side: a stroke this long, however faint, sends an otherwise empty box to review
RING_DOUBT = 0.04  # ink fraction just outside an otherwise empty box that the blank form does not have: doubtful
# Dots: the inside before despeckling, for what a binarising scanner left of a light mark.
TRACE_MIN = 0.002  # fraction of the inside (≈ 4 px of a normal box): above it, on a clean page, doubtful
TRACE_NOISE_FACTOR = 3.0  # the page's dots threshold is TRACE_MIN plus this many dot noise floors (its paper's)
TRACE_MAX = 0.03  # the dots threshold at most, on the noisiest pages (salt noise leaves dots in every box)

# --- Comment zone ----------------------------------------------------------------------
COMMENT_INK_MIN = 0.004  # fraction of the zone's inside: above it, the zone is cropped for the lab

# --- Phone photos ----------------------------------------------------------------------
# scan/photo.py: the sheet found in a photo, straightened to A4 and its light flattened.
# Telling a scan from a photo. A flatbed's frame is paper (or the lid around it) to its edges;
# a photo's frame edges are table, darker than the paper under the same light.
SCAN_STRIDE = 8  # px: the test reads every 8th pixel of every 8th row (2480 x 3508 -> 310 x 439)
SCAN_RING = 0.02  # share of the frame's width / height: the outer band looked at (7 mm on A4)
SCAN_PAPER_LEVEL = 0.72  # of the frame's 99th-percentile grey: scanner lids are 205-250, paper 250; tables darker
SCAN_MIN_PAPER_RING = 0.6  # share of the band that is paper or lid: a photo's band is table, bar where the sheet nears it
SCAN_MIN_SHEET_SHARE = 0.85  # of the frame's area: a sheet this large was scanned on a dark lid, not photographed
SCAN_MAX_SKEW = 0.01  # relative difference of opposite sides: at most this, a rectangle (flatbeds: 0.000; photos >= 0.02, bar tilts < 1 degree)
SCAN_MAX_SQUARENESS_DEG = 0.5  # degrees off a right angle at the outline's corners, at most, for a rectangle
SCAN_MAX_MARGIN_MM = 12.0  # mm of paper, at most, between a rectangle's bounding box and each side of the frame: a scan (<= 8 mm); photos leave >= 16 mm on one side

# Finding the sheet.
DETECT_LONG_SIDE = 1000  # px: the sheet's outline is looked for on a copy this size (2-4 px per mm of paper)
MIN_SHEET_SHARE = 0.02  # of the frame's area: smaller quads are table patterns (a refusable small sheet is ~4 %)
A4_ASPECT = 297 / 210  # long side over short side of the paper
ASPECT_TOLERANCE = 0.15  # on the apparent aspect: a 25-degree tilt foreshortens one way by up to 10 %
MIN_FILL = 0.92  # the outline's area over its quad's: a whole sheet fills its quad to ~0.99; a leaked outline less
SHEET_LEVELS = (1.0, 0.6)  # of Otsu's level: the sheet's outline thresholded there too (a hand's shadow halves the light)
SHEET_BAND = 0.1  # of the quad's mean side: the band around it whose grey is the table's
SHEET_MIN_CONTRAST = 1.15  # the quad's median grey over its band's, at least: paper on a table (light tables: >= 1.3)
EDGE_SAMPLES = 60  # points looked at along each side of a candidate outline
EDGE_MIN_SLOPE = 40.0  # Sobel magnitude at detection size (a ~10-level step): the side lies on an edge there
EDGE_MIN_SUPPORT = 0.7  # share of a side's points on an edge, at least: sheets' sides 1.0, leaked outlines' worst < 0.25
CORNER_CUT_MAX = 0.25  # of the perimeter: a pentagon's shortest side under this is a corner hidden by a hand
EDGE_CLOSING = 5  # px at detection size: bridges the gaps a light table or a shadow leaves in the sheet's edge

# Refining the outline at full size: the coarse corners are off by the detection copy's pixel
# (3-4 px of the photo, ~0.4 mm) and the edge dilation; each side is re-found along profiles
# across it, where the table turns to paper, and fitted with a line.
REFINE_SAMPLES = 80  # profiles per side
REFINE_REACH = 8  # px at detection size, either side of the coarse side: its error plus the dilation
REFINE_MIN_STEP = 6.0  # grey levels per px: a weaker step is the table's grain or a shadow, not the sheet's edge
REFINE_INLIER_PX = 2.0  # px of the photo: edge points farther from the first fit are dropped (a finger, a curl)

# The straightened page, as the scanner expects it.
OUT_DPI = 300
OUT_SIZE = (2480, 3508)  # px, A4 portrait at 300 dpi

# Flattening the light. The paper's level is estimated at 1/8 of the output (37.5 dpi) by a
# grey closing wider than the widest solid print (7 mm corner squares, 21 mm codes made of
# < 1 mm modules), so no ink is taken for shade; shadows' penumbrae are wider than that.
FLATTEN_STEP = 8
FLATTEN_KERNEL_MM = 12.0
FLATTEN_SMOOTH_MM = 3.0  # Gaussian sigma on the estimate: the closing's blocky steps would show as bands

# Refusals. Below MIN_EFFECTIVE_DPI a 21 mm code has < 4 px per module and a box's tick is a
# pixel wide: neither is trusted. Sharpness is the 99.5th percentile of the Laplacian over that
# of the gradient at SHARPNESS_DPI, which is ~1/sigma of an edge's blur whatever the ink's
# contrast: readable photos measured >= 0.7, a blur of sigma 4.5-8 px at 300 dpi ~0.34.
MIN_EFFECTIVE_DPI = 120.0  # px per inch of paper (square root of the sheet's area over A4's)
SHARPNESS_DPI = 100  # the scale sharpness is measured at: coarser than any photo accepted
MIN_SHARPNESS = 0.6  # see above: between readable photos (>= 0.7 measured) and blurred ones (0.34-0.54: seeds 7001, 7002)
