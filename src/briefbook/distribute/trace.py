"""Traceable copies: a faint dot code in both side margins of every page, and ``trace``.

Takes (marking): a run key and a copy number. Gives: the copy's 24-bit *trace code* (a keyed
permutation of the copy number, so codes are unique within a run and unrelated between runs)
and the PDF content operators that draw it (``dot_content``), which ``editions`` puts in each
page's content *before* the page's own drawing — not in the visible stamp's form XObject, so
removing the visible mark (or the metadata, or re-saving the file) leaves the code in place.

Takes (tracing): a PDF or a page image (PNG/JPEG) and an editions folder. Gives: the copy's
manifest entry (reader, copy number, file) found by the code read from the pixels
(``trace_file``). PDFs are rasterised with pypdfium2, so the PDF path decodes exactly what is
printed; nothing relies on metadata or object structure. Every input is sized before it is
decoded: the file (``read_bounded``), a PDF's page count and page pixels, an image's pixels.

The code (format 2): 24 bits + CRC-16 = 40 bits = 10 four-bit symbols, plus 4 Reed–Solomon
parity symbols (GF(16)): a 56-bit word that survives any 2 wrong symbols, or 4 missing ones.
It is drawn in 4 columns of cells, two in each side margin (at 9 and 12 mm of 210 from each
page edge), 112 rows at a 2 mm pitch from 36 mm to 258 mm of 297. Each bit is a pair of
vertically adjacent cells, exactly one of which holds a 0.6 mm light-grey dot (Manchester
code: the decoder compares the two cells, so it needs no threshold and does not care about
paper tone or JPEG's level shifts). *Every column holds the whole word*: the outer-left and
inner-right columns top to bottom, the other two bottom to top. So each bit is drawn four
times, twice in each margin and at two heights, and either margin alone, or a column and a
half, carries the word; the reversed order also pins down where the word starts when the top
of the page is cut off.

The reader first reads the cells where a whole upright page puts them (fast: every PDF page
and most scans). Failing that, it does not assume the image is the whole page: it finds the
dots (small dark spots with white around them and others straight above or below), the
columns they line up in (within 7° of upright or of sideways, either way up), and their row
pitch; it samples the cells of that lattice, adds each bit's pairs (soft majority), tries
where the word starts (best agreement between a bit's pairs first), and accepts a word only
when Reed–Solomon decoding and the CRC agree. Given the run's codes, a code read that is not
among them does not end the search. Copies made before this format (40 bits, each in one
column, read from a whole page only) are still read. benchmarks/trace_bench.py measures the
trace rate over crops, JPEG quality and rotation.
"""

from __future__ import annotations

import binascii
import hashlib
import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from briefbook.checks.rasterise import check_pdf_budget, open_image
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import read_bounded
from briefbook.distribute.manifest import EDITIONS_MANIFEST

CODE_BITS = 24
CRC_BITS = 16

# Geometry, in mm on an A4 page (210 × 297); other page sizes scale it.
REF_W_MM, REF_H_MM = 210.0, 297.0
COLUMNS_MM = (9.0, 12.0, REF_W_MM - 12.0, REF_W_MM - 9.0)
TOP_MM, PITCH_MM, ROWS = 36.0, 2.0, 112  # 36 → 258 mm, beside the text block
DOT_MM = 0.6
DOT_GREY = 0.82  # PDF grey level of a dot (1 = white): faint beside 0.07 body text

# The word: RS over GF(16), 10 data symbols (code + CRC) and 4 parity symbols.
SYMBOL_BITS = 4
RS_DATA, RS_PARITY = 10, 4
RS_N = RS_DATA + RS_PARITY
WORD_BITS = RS_N * SYMBOL_BITS  # 56, one bit per pair of a column
PAIRS = ROWS // 2
assert PAIRS == WORD_BITS
CRC_INIT = 0x1D0F  # not format 1's 0xFFFF: neither format reads as the other
#: Columns drawn top to bottom (True) or bottom to top (False), from the left edge.
FORWARD = (True, False, True, False)
#: Fixed whitening, XORed on the word: no long runs of one cell, whatever the code.
WHITENING = [(b >> i) & 1 for b in hashlib.sha256(b"briefbook trace 2").digest()[:7]
             for i in range(8)]

MIN_CONTRAST = 6.0  # mean grey-level difference per pair below which there is no code at all
MAX_TILT = 7.0  # degrees: how far from upright (or sideways) a page image may be turned


def dot_boxes_mm(width_mm: float, height_mm: float) -> list[tuple[float, float, float, float]]:
    """(left, top, right, bottom) in mm from the page's top-left of each dot column; nothing
    of the code is drawn outside these boxes."""
    sx, sy = width_mm / REF_W_MM, height_mm / REF_H_MM
    top, bottom = (TOP_MM - DOT_MM) * sy, (TOP_MM + (ROWS - 1) * PITCH_MM + DOT_MM) * sy
    return [((x - DOT_MM) * sx, top, (x + DOT_MM) * sx, bottom) for x in COLUMNS_MM]


def copy_code(key: bytes, copy: int) -> int:
    """The trace code of ``copy`` for a run keyed by ``key``: a 4-round Feistel permutation of
    24 bits, so distinct copy numbers always get distinct codes."""
    if not 0 <= copy < 1 << CODE_BITS:
        raise ValueError(copy)
    left, right = copy >> 12, copy & 0xFFF
    for round_ in range(4):
        digest = hashlib.sha256(key + bytes([round_]) + right.to_bytes(2, "big")).digest()
        left, right = right, left ^ (int.from_bytes(digest[:2], "big") & 0xFFF)
    return (left << 12) | right


def code_text(code: int) -> str:
    return f"{code:06x}"


# --- Reed–Solomon over GF(16) (x⁴ + x + 1; roots α⁰…α³) ------------------------------------

_EXP = [0] * 30
_LOG = [0] * 16
_value = 1
for _i in range(15):
    _EXP[_i] = _EXP[_i + 15] = _value
    _LOG[_value] = _i
    _value <<= 1
    if _value & 0x10:
        _value ^= 0x13
del _value, _i


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def _inv(a: int) -> int:
    return _EXP[15 - _LOG[a]]


def _eval(poly: list[int], x: int) -> int:
    """Value at ``x`` of a polynomial given lowest degree first."""
    result = 0
    for coefficient in reversed(poly):
        result = _mul(result, x) ^ coefficient
    return result


def _poly_mul(p: list[int], q: list[int]) -> list[int]:
    out = [0] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if a:
            for j, b in enumerate(q):
                out[i + j] ^= _mul(a, b)
    return out


_GENERATOR = [1]
for _i in range(RS_PARITY):
    _GENERATOR = _poly_mul(_GENERATOR, [_EXP[_i], 1])  # (x + αⁱ), lowest degree first
del _i


def rs_encode(data: list[int]) -> list[int]:
    """``data`` symbols followed by their parity: symbol i is the coefficient of x^(n-1-i)."""
    remainder = list(data) + [0] * RS_PARITY  # highest degree first from here on
    generator = _GENERATOR[::-1]
    for i in range(len(data)):
        factor = remainder[i]
        if factor:
            for j in range(1, len(generator)):
                remainder[i + j] ^= _mul(generator[j], factor)
    return list(data) + remainder[len(data):]


def rs_decode(word: list[int], erasures: Sequence[int] = (), max_errors: int = RS_PARITY // 2
              ) -> list[int] | None:
    """The codeword nearest ``word`` if 2·errors + erasures ≤ 4 and errors ≤ ``max_errors``
    (``erasures``: positions whose symbol is unknown), else None. Berlekamp–Massey with
    erasures, Chien search, Forney."""
    n = len(word)
    syndromes = [_eval(word[::-1], _EXP[j]) for j in range(RS_PARITY)]
    if not any(syndromes) and not erasures:
        return list(word)
    if len(erasures) > RS_PARITY:
        return None
    # Locators: symbol i sits at power n-1-i, X = α^(n-1-i).
    gamma = [1]
    for position in erasures:
        gamma = _poly_mul(gamma, [1, _EXP[n - 1 - position]])
    locator, previous, length = list(gamma), list(gamma), len(erasures)
    for r in range(len(erasures) + 1, RS_PARITY + 1):
        delta = 0
        for j in range(min(length, len(locator) - 1) + 1):
            if r - 1 - j >= 0:
                delta ^= _mul(locator[j], syndromes[r - 1 - j])
        shifted = [0] + previous
        if delta == 0:
            previous = shifted
        elif 2 * length <= r - 1 + len(erasures):
            updated = [a ^ _mul(delta, b) for a, b in
                       zip(locator + [0] * (len(shifted) - len(locator)),
                           shifted + [0] * (len(locator) - len(shifted)), strict=True)]
            previous = [_mul(_inv(delta), a) for a in locator]
            length = r - length + len(erasures)
            locator = updated
        else:
            locator = [a ^ _mul(delta, b) for a, b in
                       zip(locator + [0] * (len(shifted) - len(locator)),
                           shifted + [0] * (len(locator) - len(shifted)), strict=True)]
            previous = shifted
    while len(locator) > 1 and locator[-1] == 0:
        locator.pop()
    degree = len(locator) - 1
    errors = degree - len(erasures)
    if degree == 0 or errors > max_errors or 2 * errors + len(erasures) > RS_PARITY:
        return None
    positions = [i for i in range(n) if _eval(locator, _EXP[(15 - (n - 1 - i)) % 15]) == 0]
    if len(positions) != degree:
        return None
    evaluator = _poly_mul(syndromes, locator)[:RS_PARITY]
    derivative = [locator[i] if i % 2 else 0 for i in range(1, len(locator))]
    corrected = list(word)
    for i in positions:
        x = _EXP[n - 1 - i]
        x_inv = _inv(x)
        denominator = _eval(derivative, x_inv)
        if denominator == 0:
            return None
        corrected[i] ^= _mul(x, _mul(_eval(evaluator, x_inv), _inv(denominator)))
    if any(_eval(corrected[::-1], _EXP[j]) for j in range(RS_PARITY)):
        return None
    return corrected


# --- the word and the marks -----------------------------------------------------------------


def _crc(code: int) -> int:
    return binascii.crc_hqx(code.to_bytes(3, "big"), CRC_INIT)


def _symbols(value: int, count: int) -> list[int]:
    return [(value >> (SYMBOL_BITS * (count - 1 - i))) & 0xF for i in range(count)]


def _word(code: int) -> list[int]:
    """The 56 drawn bits of ``code`` (whitened)."""
    data = _symbols((code << CRC_BITS) | _crc(code), RS_DATA)
    symbols = rs_encode(data)
    bits = [(s >> (SYMBOL_BITS - 1 - b)) & 1 for s in symbols for b in range(SYMBOL_BITS)]
    return [bit ^ w for bit, w in zip(bits, WHITENING, strict=True)]


def _bit_at(column: int, pair: int) -> int:
    """Which bit of the word pair ``pair`` (0 = top) of ``column`` carries."""
    return pair if FORWARD[column] else PAIRS - 1 - pair


def dot_content(code: int, width_pt: float, height_pt: float) -> bytes:
    """PDF content operators (self-contained ``q … Q``) drawing ``code``'s dots on a page."""
    sx, sy = width_pt / REF_W_MM, height_pt / REF_H_MM
    dot = DOT_MM * 72 / 25.4
    word = _word(code)
    ops = [f"q {DOT_GREY} g"]
    for column, x_mm in enumerate(COLUMNS_MM):
        for pair in range(PAIRS):
            dotted_row = 2 * pair if word[_bit_at(column, pair)] else 2 * pair + 1
            cx = x_mm * sx
            cy = height_pt - (TOP_MM + dotted_row * PITCH_MM) * sy  # PDF y grows upwards
            ops.append(f"{cx - dot / 2:.2f} {cy - dot / 2:.2f} {dot:.2f} {dot:.2f} re")
    ops.append("f Q\n")
    return "\n".join(ops).encode("ascii")


def _code_from_symbols(symbols: list[int]) -> int | None:
    value = 0
    for s in symbols[:RS_DATA]:
        value = (value << SYMBOL_BITS) | s
    code, crc = value >> CRC_BITS, value & 0xFFFF
    return code if _crc(code) == crc else None


def _decode_soft(soft, covered, strict: bool = False) -> int | None:
    """A code from the word's soft bits (> 0: a 1) and their coverage (pairs seen), or None.
    Symbols never seen are erasures; then (unless ``strict``: at most one wrong symbol) the
    least reliable symbols are erased one by one."""
    bits = [(1 if s > 0 else 0) ^ w for s, w in zip(soft, WHITENING, strict=True)]
    symbols = [int("".join(map(str, bits[i:i + 4])), 2) for i in range(0, WORD_BITS, 4)]
    reliability = np.abs(np.asarray(soft)).reshape(RS_N, SYMBOL_BITS).min(1)
    unseen = np.asarray(covered).reshape(RS_N, SYMBOL_BITS).min(1) == 0
    erasures = [int(i) for i in np.flatnonzero(unseen)]
    order = [] if strict else [int(i) for i in np.argsort(reliability, kind="stable")
                               if not unseen[i]]
    while len(erasures) <= RS_PARITY:
        corrected = rs_decode(symbols, erasures, max_errors=1 if strict else RS_PARITY // 2)
        if corrected is not None:
            code = _code_from_symbols(corrected)
            if code is not None:
                return code
        if not order:
            break
        erasures = sorted(erasures + [order.pop(0)])
    return None


class _Search:
    """Readings found so far: the first code in ``known`` ends the search; otherwise the
    first code read at all is the answer."""

    def __init__(self, known: set[int] | None = None) -> None:
        self.known = known
        self.first: int | None = None  # the first code read
        self.found: int | None = None  # the first code read that is known
        self.contrast = 0.0

    def offer(self, code: int | None, contrast: float) -> bool:
        """Note a reading; True when the search can stop."""
        self.contrast = max(self.contrast, contrast)
        if code is None:
            return False
        if self.first is None:
            self.first = code
        if self.known is None or code in self.known:
            self.found = code
            return True
        return False


# --- reading: find the lattice, then the word -----------------------------------------------


def read_code(grey) -> int | None:
    """The trace code in a page image (2-D array of grey levels 0–255), or None."""
    return decode(grey)[0]


def _box_mean(dark, w: int):
    """Mean of ``dark`` over the w×w box centred on each pixel (zeros outside the image)."""
    r = w // 2
    padded = np.pad(dark.astype(np.float32), ((r + 1, r), (r + 1, r)))  # a zero row first
    rows = padded.cumsum(0, dtype=np.float32)
    rows = rows[w:] - rows[:-w]  # sums of w rows: (h, w + 2r + 1), a zero column first
    both = rows.cumsum(1, dtype=np.float32)
    return (both[:, w:] - both[:, :-w]) / np.float32(w * w)


def _max_of_shifts(a, shifts, fill: float):
    """out[y, x] = max over (dy, dx) in ``shifts`` of a[y + dy, x + dx] (``fill`` outside)."""
    m = max(max(abs(dy), abs(dx)) for dy, dx in shifts)
    padded = np.pad(a, m, constant_values=fill)
    h, w = a.shape
    out = None
    for dy, dx in shifts:
        view = padded[m + dy:m + dy + h, m + dx:m + dx + w]
        out = view.copy() if out is None else np.maximum(out, view, out=out)
    return out


@dataclass
class _Lattice:
    theta: float  # the columns' direction: u = x·cos θ − y·sin θ is constant along one
    columns: list[float]  # u of each column, ascending
    pitch: float  # rows' pitch in pixels
    v0: float  # v of lattice row 0 (v = x·sin θ + y·cos θ)
    k_range: tuple[int, int]  # rows with found dots, lattice indices


def _spot_sizes(scale: float) -> tuple[int, int]:
    """(box side ≈ a dot, ring radius ≈ 1 mm) in pixels at ``scale`` pixels per mm."""
    w = 2 * max(1, int(0.3 * scale)) + 1
    return w, max(w + 1, int(round(1.0 * scale)))


def _dots(img, scale: float):
    """(x, y) of small dark spots with white around them (a dot: nothing else of the code
    is within 1 mm of it); and the box-mean darkness image used to sample cells."""
    w, d = _spot_sizes(scale)
    centre = _box_mean(255.0 - img, w)
    e = int(round(d * 0.71))
    ring = _max_of_shifts(centre, [(d, 0), (-d, 0), (0, d), (0, -d),
                                   (e, e), (e, -e), (-e, e), (-e, -e)], 0.0)
    response = centre - ring
    peak = _max_of_shifts(response, [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)],
                          -1e9)
    ys, xs = np.nonzero((response >= peak) & (response > 5.0))
    return xs.astype(np.float64), ys.astype(np.float64), centre


def _lined_up(xs, ys, scale: float, angle: float):
    """Which spots have other spots straight above or below them (within 8 mm, ±0.4 mm
    across) and none beside them (0.4–2.2 mm across): the dots of a column do, text does not.
    "Above" is along direction ``angle`` (0: upright; π/2: sideways), within ±2.9° of it."""
    u = xs * math.cos(angle) - ys * math.sin(angle)
    v = xs * math.sin(angle) + ys * math.cos(angle)
    # Counted on a grid of 0.2 mm across by 1 mm along.
    ui = np.floor((u - u.min()) / (0.2 * scale)).astype(int)
    vi = np.floor((v - v.min()) / scale).astype(int)
    w, h = int(ui.max()) + 1, int(vi.max()) + 1
    grid = np.zeros((h + 1, w + 1), dtype=np.int32)
    np.add.at(grid, (vi + 1, ui + 1), 1)
    integral = grid.cumsum(0).cumsum(1)

    def count(du0, du1, dv0, dv1):  # spots with u in [u+du0, u+du1], v in [v+dv0, v+dv1]
        u0, u1 = np.clip(ui + du0, 0, w), np.clip(ui + du1 + 1, 0, w)
        v0, v1 = np.clip(vi + dv0, 0, h), np.clip(vi + dv1 + 1, 0, h)
        return integral[v1, u1] - integral[v0, u1] - integral[v1, u0] + integral[v0, u0]

    column = count(-2, 2, -8, 8) - 1  # ±0.4 mm across, ±8 mm along
    beside = count(-11, -3, -8, 8) + count(3, 11, -8, 8)  # 0.6–2.2 mm across
    return (column >= 2) & (beside <= column // 4)


def _lattices(xs, ys, scale: float, base: float):
    """Dot lattices (columns and rows) within 7° of direction ``base`` (0: upright, π/2:
    sideways) in the spots' positions, likeliest first (at most 3)."""
    if len(xs) < 12:
        return
    bin_px = 0.5 * scale
    angles = base + np.radians(np.arange(-MAX_TILT, MAX_TILT + 1e-6, 0.05))
    # Spots in a line at the right angle share bins: the sum of squared counts peaks there.
    score, peak = np.zeros(len(angles)), np.zeros(len(angles))
    for first in range(0, len(angles), 16):  # 16 angles at a time: memory stays small
        chunk = angles[first:first + 16]
        u = xs[None, :] * np.cos(chunk)[:, None] - ys[None, :] * np.sin(chunk)[:, None]
        bins = np.floor((u - u.min(1, keepdims=True)) / bin_px).astype(np.int64)
        width = int(bins.max()) + 1
        counts = np.bincount((bins + width * np.arange(len(chunk))[:, None]).ravel(),
                             minlength=width * len(chunk)).reshape(len(chunk), width)
        score[first:first + 16] = (counts.astype(np.float64) ** 2).sum(1)
        peak[first:first + 16] = counts.max(1)
    tried: list[float] = []
    for index in np.argsort(-score, kind="stable"):
        if len(tried) == 3 or peak[index] < 6:
            break
        if any(abs(angles[index] - t) < math.radians(1.0) for t in tried):
            continue
        tried.append(float(angles[index]))
        lattice = _lattice_at(xs, ys, scale, float(angles[index]))
        if lattice is not None:
            yield lattice


def _members(u: np.ndarray, column_u: list[float], tolerance: float) -> np.ndarray:
    """Each spot's column index (the last column within ``tolerance`` across), -1 for none."""
    member = np.full(len(u), -1)
    for index, cu in enumerate(column_u):
        member[np.abs(u - cu) < tolerance] = index
    return member


def _column_guess(xs: np.ndarray, ys: np.ndarray, scale: float, theta: float) -> list[float]:
    """The columns' first positions across (u at ``theta``): the densest 0.5 mm bins of
    spots, at least 1.5 mm apart, each at the median of its spots."""
    bin_px = 0.5 * scale
    u = xs * math.cos(theta) - ys * math.sin(theta)
    bins = np.floor((u - u.min()) / bin_px).astype(np.int64)
    counts = np.bincount(bins).astype(np.float64)
    smooth = np.convolve(counts, [1, 1, 1], "same")
    centres: list[int] = []
    for b in np.argsort(-smooth, kind="stable"):
        if smooth[b] < max(10, 0.3 * smooth.max()):
            break
        if all(abs(b - c) > 3 for c in centres):
            centres.append(int(b))
    column_u = []
    for c in sorted(centres):
        centre = u.min() + (c + 0.5) * bin_px
        column_u.append(float(np.median(u[np.abs(u - centre) <= 1.5 * bin_px])))
    return column_u


def _fit_columns(xs: np.ndarray, ys: np.ndarray, scale: float, theta: float,
                 column_u: list[float]) -> tuple[float, list[float], float] | None:
    """Three rounds of: spots to columns, one shared tilt fitted (θ corrected), columns
    re-placed; (θ, columns, the last tolerance across), or None when too few spots fit."""
    tolerance = 0.6 * scale
    for _ in range(3):
        v = xs * math.sin(theta) + ys * math.cos(theta)
        u = xs * math.cos(theta) - ys * math.sin(theta)
        member = _members(u, column_u, tolerance)
        keep = member >= 0
        if keep.sum() < 12:
            return None
        # Shared tilt: u_i = u_c + ε·v_i, per-column intercepts.
        mv = np.zeros(len(column_u))
        mu = np.zeros(len(column_u))
        for index in range(len(column_u)):
            sel = member == index
            if sel.any():
                mv[index], mu[index] = v[sel].mean(), u[sel].mean()
        dv = v[keep] - mv[member[keep]]
        du = u[keep] - mu[member[keep]]
        epsilon = float((dv * du).sum() / max((dv * dv).sum(), 1e-9))
        theta += math.atan(epsilon)
        u = xs * math.cos(theta) - ys * math.sin(theta)
        column_u = []
        for index in range(len(mu)):
            sel = member == index
            if sel.sum() >= 6:
                column_u.append(float(np.median(u[sel])))
        tolerance = max(0.35 * scale, 1.5)
        if not column_u:
            return None
    return theta, column_u, tolerance


def _row_pitch(v_on: np.ndarray, scale: float) -> tuple[float, float]:
    """(pitch, origin) of the rows along v: the longest period at which the spots' phases
    agree (shorter ones divide it); the nominal pitch is 2 mm at ``scale``."""
    nominal = PITCH_MM * scale  # the guessed scale is low when the image is cut on all sides
    periods = nominal * np.exp(np.linspace(math.log(0.85), math.log(1.7), 500))
    v_some = v_on[::len(v_on) // 2000 + 1]  # 2,000 spots tell the pitch as well as more
    phases = np.exp(2j * np.pi * v_some[None, :] / periods[:, None])
    power = np.abs(phases.mean(1))
    strong = np.flatnonzero(power >= 0.7 * power.max())
    pick = strong[-1]
    while pick + 1 < len(power) and power[pick + 1] > power[pick]:
        pick += 1
    pitch = float(periods[pick])
    v0 = float(np.angle(phases[pick].mean()) / (2 * np.pi) * pitch)
    return pitch, v0


def _fit_rows(v: np.ndarray, member: np.ndarray, columns: int, pitch: float,
              v0: float) -> tuple[list[int], float, float, np.ndarray] | None:
    """Keep the columns whose spots sit on the rows (a column of text punctuation does not),
    then fit pitch and origin to their spots, three times: (kept columns, pitch, origin,
    the spots used), or None when too few are left."""
    for _ in range(3):
        k = np.rint((v - v0) / pitch)
        on_row = np.abs(v - v0 - k * pitch) < 0.25 * pitch
        kept = [index for index in range(columns)
                if (member == index).sum() >= 8
                and on_row[member == index].mean() >= 0.75]
        use = np.isin(member, kept) & on_row
        if not kept or use.sum() < 12:
            return None
        slope, intercept = np.polyfit(k[use], v[use], 1)
        pitch, v0 = float(slope), float(intercept)
    return kept, pitch, v0, use


def _lattice_at(xs, ys, scale: float, theta: float) -> _Lattice | None:
    """The dot lattice whose columns run at about ``theta``, or None."""
    fitted = _fit_columns(xs, ys, scale, theta, _column_guess(xs, ys, scale, theta))
    if fitted is None:
        return None
    theta, column_u, tolerance = fitted
    column_u = [c for i, c in enumerate(sorted(column_u))  # two peaks may meet in one column
                if i == 0 or c - sorted(column_u)[i - 1] > 0.5 * scale]
    v = xs * math.sin(theta) + ys * math.cos(theta)
    u = xs * math.cos(theta) - ys * math.sin(theta)
    member = _members(u, column_u, tolerance)
    v_on = v[member >= 0]
    if len(v_on) < 12:
        return None
    # Row pitch, then the columns on the rows and the rows' fit.
    rows = _fit_rows(v, member, len(column_u), *_row_pitch(v_on, scale))
    if rows is None:
        return None
    kept, pitch, v0, use = rows
    k = np.rint((v[use] - v0) / pitch).astype(int)
    return _Lattice(theta, [column_u[i] for i in kept], pitch, v0, (int(k.min()), int(k.max())))


def _sample(darkness, lattice: _Lattice, flip: bool):
    """Cells' darkness, [column, row] over the lattice's rows (NaN off the image), for the
    page upright (``flip`` False) or turned by 180° (columns and rows reversed)."""
    h, w = darkness.shape
    k0, k1 = lattice.k_range
    k = np.arange(k0 - 2, k1 + 3)
    v = lattice.v0 + k * lattice.pitch
    c, s = math.cos(lattice.theta), math.sin(lattice.theta)
    rows = []
    for u in lattice.columns:
        x = u * c + v * s
        y = -u * s + v * c
        xi, yi = np.floor(x).astype(int), np.floor(y).astype(int)
        fx, fy = x - xi, y - yi
        inside = (xi >= 0) & (yi >= 0) & (xi + 1 < w) & (yi + 1 < h)
        xi, yi = np.clip(xi, 0, w - 2), np.clip(yi, 0, h - 2)
        value = (darkness[yi, xi] * (1 - fx) * (1 - fy) + darkness[yi, xi + 1] * fx * (1 - fy)
                 + darkness[yi + 1, xi] * (1 - fx) * fy + darkness[yi + 1, xi + 1] * fx * fy)
        rows.append(np.where(inside, value, np.nan))
    cells = np.array(rows)
    return cells[::-1, ::-1] if flip else cells


def _groups(columns: list[float], pitch: float) -> list[list[int]]:
    """Column indices grouped into one margin's pair (3 mm apart, ≈ 1.5 pitches)."""
    groups, i = [], 0
    while i < len(columns):
        if i + 1 < len(columns) and 1.15 <= (columns[i + 1] - columns[i]) / pitch <= 1.95:
            groups.append([i, i + 1])
            i += 2
        else:
            groups.append([i])
            i += 1
    return groups


def _read_cells(cells, groups, row_span: tuple[int, int], search: _Search) -> bool:
    """Try the word's start rows and the columns' directions over sampled cells; True when
    ``search`` is done."""
    n_columns, n_rows = cells.shape
    singles = [g[0] for g in groups if len(g) == 1]
    directions = []
    for choice in itertools.product((True, False), repeat=min(len(singles), 3)):
        forward = [True] * n_columns
        for g in groups:
            if len(g) == 2:
                forward[g[0]], forward[g[1]] = True, False
        for index, f in zip(singles, choice, strict=False):  # the first three singles
            forward[index] = f
        directions.append(forward)
        if len(singles) == 1 and len(groups) == 1:
            break  # a lone column reads the same either way, up to where the word starts
    # The found dots lie on absolute rows 0…ROWS-1: that bounds where row 0 can be.
    first, last = row_span  # indices into cells' rows of the first and last found dot
    starts = range(last - (ROWS - 1) - 2, first + 3)  # 2 rows of slack for a stray spot
    contrast_seen = 0.0
    candidates = []
    for forward in directions:
        for start in starts:  # cells' row ``start`` is absolute row 0
            pair = np.arange(max(0, (1 - start) // 2), PAIRS)
            upper = start + 2 * pair
            keep = (upper >= 0) & (upper + 1 < n_rows)
            upper, pair = upper[keep], pair[keep]
            if len(pair) == 0:
                continue
            soft = cells[:, upper] - cells[:, upper + 1]  # > 0: the dot is in the upper cell
            seen = ~np.isnan(soft)
            bit = np.array([pair if f else PAIRS - 1 - pair for f in forward])
            values = np.where(seen, soft, 0.0)
            total = np.bincount(bit.ravel(), weights=values.ravel(), minlength=WORD_BITS)
            count = np.bincount(bit.ravel(), weights=seen.ravel(), minlength=WORD_BITS)
            magnitude = np.abs(values).sum()
            if magnitude <= 0:
                continue
            contrast = magnitude / max(seen.sum(), 1)
            contrast_seen = max(contrast_seen, contrast)
            coherence = np.abs(total).sum() / magnitude
            candidates.append((coherence, contrast, total, count))
    # Strictly (at most one wrong symbol) wherever the word may start, best agreement
    # between the bit's pairs first; then the likeliest starts with erasures.
    candidates.sort(key=lambda c: -c[0])
    for strict, tried in ((True, candidates), (False, candidates[:4])):
        for _coherence, contrast, total, count in tried:
            if contrast >= MIN_CONTRAST and search.offer(
                    _decode_soft(total, count, strict), contrast):
                return True
    search.offer(None, contrast_seen)
    return False


#: Images are worked on at about this many pixels per mm (150 dpi); larger ones are shrunk.
WORK_SCALE = 150 / 25.4


def decode(grey, known=None, anyhow: bool = True) -> tuple[int | None, float]:
    """(code or None, mean dot contrast of the best reading, in grey levels). With ``known``
    (codes of a run), a code read that is not among them does not end the search: it is the
    answer only if no known code is read at all. ``anyhow`` False: whole upright pages only
    (fast)."""
    img = np.asarray(grey)
    search = _Search(known)
    if img.ndim == 2 and min(img.shape) >= 16:
        img = _work_image(img)
        # A whole upright page: the cells are where its proportions put them (fast); then
        # format 1 the same way; then any part of a page, any way up.
        readers = (_read_whole_page, _read_whole_page_v1) + ((_read_anyhow,) if anyhow else ())
        for reader in readers:
            if reader(img, search):
                break
    return (search.found if search.found is not None else search.first), search.contrast


def _scales(shape) -> tuple[float, float]:
    """Pixels per mm (of A4) if the image is the page upright, or sideways — or the page with
    margins cut off (the less cut side is then still most of the page): a first guess,
    which the row pitch refines."""
    height, width = shape
    return (max(width / REF_W_MM, height / REF_H_MM), max(width / REF_H_MM, height / REF_W_MM))


def _reduction(shape) -> int:
    """The whole factor that brings an image of ``shape`` to about 150 dpi (or more)."""
    return max(1, int(min(_scales(shape)) / (WORK_SCALE * 1.4)) + 1)


def _work_image(img):
    """``img`` as float32, shrunk by a whole factor (box mean) to about 150 dpi or more."""
    factor = _reduction(img.shape)
    if factor == 1:
        return img.astype(np.float32)
    if img.dtype == np.uint8:  # Pillow's box reduction: several times numpy's speed
        return np.asarray(Image.fromarray(img).reduce(factor), dtype=np.float32)
    height, width = img.shape[0] // factor, img.shape[1] // factor
    blocks = img[:height * factor, :width * factor].reshape(height, factor, width, factor)
    return blocks.mean((1, 3), dtype=np.float32)


def _read_anyhow(img, search: _Search) -> bool:
    """Format 2 from a part of a page, at any of the four quarter turns ± 7°."""
    # Spots once, at the smaller guess (the right one for a whole page either way up).
    xs, ys, darkness = _dots(img, min(_scales(img.shape)))
    if len(xs) == 0:
        return False
    for base, scale in zip((0.0, math.pi / 2), _scales(img.shape), strict=True):
        keep = np.zeros(len(xs), dtype=bool)
        for tilt in (-4.0, 0.0, 4.0):  # each ±2.9°
            keep |= _lined_up(xs, ys, scale, base + math.radians(tilt))
        for lattice in _lattices(xs[keep], ys[keep], scale, base):
            k0, k1 = lattice.k_range
            span = (2, 2 + k1 - k0)  # _sample keeps 2 rows either side, either way up
            for flip in (False, True):
                cells = _sample(darkness, lattice, flip)
                columns = [-u for u in reversed(lattice.columns)] if flip else lattice.columns
                if _read_cells(cells, _groups(columns, lattice.pitch), span, search):
                    return True
    return False


def _aligned_soft(img, xs, ys, step_y: float):
    """Soft pair values (upper cell's darkness − lower's) at cells (xs, ys) of a whole page,
    at the offset within ±0.7 mm where they are strongest (rasterisers round differently);
    and their mean magnitude there."""
    height, width = img.shape
    sx = width / REF_W_MM
    radius = max(1, int(round(DOT_MM * sx / 2)))
    span = max(2, int(round(0.7 * sx)))
    # Box means of darkness in a strip around each column only: the cells are all there.
    strips = {}
    for x in np.unique(xs):
        left = max(0, int(x) - span - radius - 2)
        right = min(width, int(x) + span + radius + 3)
        if right - left > 0:
            strips[x] = (left, _box_mean(255.0 - img[:, left:right], 2 * radius + 1))
    if not strips:
        return np.zeros(len(xs)), 0.0
    offsets = np.arange(-span, span + 1)
    soft = np.zeros((len(offsets), len(offsets), len(xs)))  # [dy, dx, cell]
    for x, (left, box) in strips.items():
        index = np.flatnonzero(xs == x)
        col = np.clip(np.rint(xs[index][None, :] + offsets[:, None]).astype(int) - left,
                      0, box.shape[1] - 1)  # [dx, cell]
        upper = np.clip(np.rint(ys[index][None, :] + offsets[:, None]).astype(int),
                        0, height - 1)  # [dy, cell]
        lower = np.clip(np.rint(ys[index][None, :] + offsets[:, None] + step_y).astype(int),
                        0, height - 1)
        soft[:, :, index] = box[upper[:, None, :], col[None, :, :]] - box[lower[:, None, :],
                                                                           col[None, :, :]]
    strength = np.abs(soft).mean(2)
    dy, dx = np.unravel_index(int(np.argmax(strength)), strength.shape)
    return soft[dy, dx], float(strength[dy, dx])


def _read_whole_page(img, search: _Search) -> bool:
    height, width = img.shape
    sx, sy = width / REF_W_MM, height / REF_H_MM
    grid_columns, grid_pairs = np.meshgrid(np.arange(len(COLUMNS_MM)), np.arange(PAIRS),
                                           indexing="ij")
    columns, pairs = grid_columns.ravel(), grid_pairs.ravel()
    xs = np.asarray(COLUMNS_MM)[columns] * sx
    ys = (TOP_MM + 2 * pairs * PITCH_MM) * sy
    soft, contrast = _aligned_soft(img, xs, ys, PITCH_MM * sy)
    if contrast < MIN_CONTRAST:
        return search.offer(None, contrast)
    bits = np.array([_bit_at(int(c), int(j)) for c, j in zip(columns, pairs, strict=True)])
    total = np.bincount(bits, weights=soft, minlength=WORD_BITS)
    return search.offer(_decode_soft(total, np.ones(WORD_BITS)), contrast)


# --- format 1 (copies made before format 2): whole pages only --------------------------------

_V1_TOP_MM, _V1_ROWS, _V1_BITS = 40.0, 108, 40


def _read_whole_page_v1(img, search: _Search) -> bool:
    """Format 1: 24 bits + CRC-16 (init 0xFFFF), bit i in column i mod 4 at rows 40–254 mm,
    read from a whole page by its proportions."""
    height, width = img.shape
    sx, sy = width / REF_W_MM, height / REF_H_MM
    pairs = [(column, row) for row in range(0, _V1_ROWS, 2) for column in range(len(COLUMNS_MM))]
    bits = np.arange(len(pairs)) % _V1_BITS
    xs = np.array([COLUMNS_MM[c] * sx for c, _ in pairs])
    ys = np.array([(_V1_TOP_MM + r * PITCH_MM) * sy for _, r in pairs])
    soft, contrast = _aligned_soft(img, xs, ys, PITCH_MM * sy)
    if contrast < MIN_CONTRAST:
        return search.offer(None, contrast)
    value = 0
    for s in np.bincount(bits, weights=soft, minlength=_V1_BITS):
        value = (value << 1) | int(s > 0)
    code, crc = value >> CRC_BITS, value & 0xFFFF
    valid = binascii.crc_hqx(code.to_bytes(3, "big"), 0xFFFF) == crc
    return search.offer(code if valid else None, contrast)


TRACE_DPI = 150
#: A PDF copy or a page image: a briefing book with its figures is a few MB; a page scan at
#: 600 dpi well under 100 MB.
MAX_TRACE_BYTES = 200_000_000
#: editions.json: 10,000 copies (``--max-readers``) at ≈ 300 bytes each are ≈ 3 MB.
MAX_MANIFEST_BYTES = 32_000_000
#: Pages of one PDF read anyhow (any part, any way up) when the whole-page reading fails:
#: ≈ 0.5 s each; the whole-page reading of every page is ≈ 0.1 s.
MAX_SLOW_PAGES = 12
#: A page larger than A3 is rendered at less than ``TRACE_DPI``, to this many pixels: the
#: mark scales with the page, so its dots stay as many pixels wide as on A4 at 150 dpi.
MAX_RENDER_PIXELS = 4_500_000


def _read_input(path: Path) -> bytes:
    return read_bounded(path, MAX_TRACE_BYTES, "the file to trace (a PDF or a page image)",
                        hint="trace reads a PDF copy or a PNG/JPEG of one of its pages")


def pdf_page_images(data: bytes, where: str, dpi: int = TRACE_DPI):
    """Each page of the PDF ``data`` rasterised in grey (pypdfium2) at ``dpi`` (at most
    ``MAX_RENDER_PIXELS``), after the page count and every page's size at ``dpi`` are checked
    against the budgets (checks/rasterise.py)."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise BriefbookError(f"cannot open the PDF ({exc}); if it is encrypted, decrypt it "
                             "first with its reader password", where=where) from exc
    try:
        check_pdf_budget(document, dpi, where=where, max_total_pixels=None)  # one at a time
        for index in range(len(document)):
            page = document[index]
            try:
                width, height = page.get_size()
                scale = min(dpi / 72, math.sqrt(MAX_RENDER_PIXELS / max(width * height, 1)))
                bitmap = page.render(scale=scale, grayscale=True)
                yield bitmap.to_pil().convert("L")
            finally:
                page.close()
    finally:
        document.close()


@dataclass(frozen=True)
class PageResult:
    page: int  # 1-based; 1 for an image
    code: int | None


def read_file_codes(path: Path, known=None) -> list[PageResult]:
    """The code found on each page of a PDF, or in one image; with ``known`` (codes of a
    run) a known code is preferred over another one read on the same page. Every page of a
    PDF is read as a whole upright page; the first ``MAX_SLOW_PAGES`` on which that fails
    are read anyhow too."""
    path = Path(path)
    data = _read_input(path)
    if data.startswith(b"%PDF-"):
        results, slow = [], 0
        for index, image in enumerate(pdf_page_images(data, str(path))):
            grey = np.asarray(image)
            code = decode(grey, known, anyhow=False)[0]
            if code is None and slow < MAX_SLOW_PAGES:  # a scanned page, say
                slow += 1
                code = decode(grey, known)[0]
            results.append(PageResult(index + 1, code))
        return results
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise BriefbookError("not a PDF or a page image (PNG, JPEG)", where=str(path))
    image = open_image(data, where=str(path))  # its size is checked before it is decoded
    with image:
        page = image.convert("L")
    factor = _reduction(page.size[::-1])
    if factor > 1:  # as _work_image would, without a float copy of a 48-Mpx photo
        page = page.reduce(factor)
    return [PageResult(1, decode(np.asarray(page), known)[0])]


def load_codes(editions_dir: Path) -> dict[str, dict]:
    """Manifest entries of an editions folder by trace code."""
    manifest = Path(editions_dir) / EDITIONS_MANIFEST
    if not manifest.exists() and not manifest.is_symlink():
        raise BriefbookError(f"no {EDITIONS_MANIFEST} in this folder; trace needs the manifest "
                             "the editions run wrote", where=str(editions_dir),
                             hint="pass the folder the copies were made in with --editions DIR")
    raw = read_bounded(manifest, MAX_MANIFEST_BYTES, f"the editions manifest ({EDITIONS_MANIFEST})")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BriefbookError(f"cannot read {EDITIONS_MANIFEST} ({exc})", where=str(manifest)
                             ) from None
    outputs = data.get("outputs") if isinstance(data, dict) else None
    codes = {e["trace"]: e for e in outputs if isinstance(e, dict)
             and isinstance(e.get("trace"), str)} if isinstance(outputs, list) else {}
    if not codes:
        raise BriefbookError(f"{EDITIONS_MANIFEST} lists no traceable copies (made before "
                             "copies carried trace codes?)", where=str(manifest))
    return codes


@dataclass(frozen=True)
class TraceResult:
    entry: dict
    pages: list[int]  # pages on which its code was read
    total_pages: int


def trace_file(path: Path, editions_dir: Path) -> TraceResult:
    """Whose copy is ``path``? A ``BriefbookError`` when no known code is on it."""
    codes = load_codes(editions_dir)
    known = set()
    for text in codes:
        try:
            known.add(int(text, 16))
        except ValueError:
            pass
    results = read_file_codes(path, known)
    found = [r for r in results if r.code is not None]
    if not found:
        raise BriefbookError(f"no edition mark found on {'any page' if len(results) > 1 else 'it'}",
                             where=str(path),
                             hint="trace needs a page, or a part of one with a side margin, at "
                                  "100 dpi or more, of a copy made by `briefbook editions`")
    by_code: dict[str, list[int]] = {}
    for r in found:
        if r.code is not None:
            by_code.setdefault(code_text(r.code), []).append(r.page)
    ours = {c: pages for c, pages in by_code.items() if c in codes}
    if not ours:
        raise BriefbookError(f"it carries trace code {', '.join(by_code)}, which no copy in "
                             f"{editions_dir} has", where=str(path),
                             hint="it comes from another editions run; trace it against that "
                                  "run's folder")
    if len(by_code) > 1:
        detail = "; ".join(f"{c} on page(s) {', '.join(map(str, p))}" for c, p in by_code.items())
        raise BriefbookError(f"pages carry different trace codes ({detail}): pages of several "
                             "copies were combined", where=str(path))
    code, pages = next(iter(ours.items()))
    return TraceResult(codes[code], pages, len(results))


__all__ = ["TraceResult", "code_text", "copy_code", "dot_boxes_mm", "dot_content", "read_code",
           "trace_file"]
