"""Is this SVG made only of what matplotlib writes for a chart? A second check on cached charts.

Takes: SVG bytes. Gives: ``plain_svg(data) -> bool``. True only for one ``<svg>`` document made
of the elements and attributes matplotlib's SVG backend writes for our charts (paths, groups,
clip paths, ``use``, text, the metadata block), with no scripts, no event attributes
(``onload``, ``onerror`` …), no processing instructions, no entity declarations, no link or
``url()`` that leaves the drawing (only ``#id`` references), and no CSS that could load or hide
anything (``@import``, escapes).

Cached charts are signed (``render.layout.diskcache``): a forged entry fails its signature
before it gets here. This check is the second layer, so that a chart read from disk can never
carry active content into the HTML edition even if the cache's secret were known. It cannot
tell a forged number from a true one; only the signature can.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
CC = "{http://creativecommons.org/ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"

ELEMENTS = frozenset(
    {SVG + name for name in ("svg", "g", "path", "use", "defs", "style", "clipPath", "rect",
                             "text", "tspan", "metadata", "title", "desc", "pattern", "mask",
                             "circle", "ellipse", "line", "polyline", "polygon")}
    | {RDF + "RDF", CC + "Work", CC + "Agent", DC + "type", DC + "format", DC + "title",
       DC + "date", DC + "creator", DC + "description"})
ATTRIBUTES = frozenset({
    "id", "style", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "points",
    "transform", "d", "clip-path", "mask", "width", "height", "viewBox", "version", "type",
    "patternUnits", "fill", "stroke", "stroke-width", "opacity", "class", "text-anchor",
    "font-family", "font-size", "font-weight", "font-style", "dominant-baseline",
    XLINK + "href", "href", RDF + "resource", "{http://www.w3.org/XML/1998/namespace}space"})
#: CSS (``style`` attributes and elements) may reference the drawing's own ids only.
_CSS_BAD = re.compile(r"@|\\|url\(\s*(?!#)|expression|javascript:|<", re.IGNORECASE)
_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml [^?<>]*\?>")
#: the largest SVG looked at (cached charts are limited to the same in ``Renderer``)
MAX_BYTES = 16 << 20


def plain_svg(data: bytes) -> bool:
    """True if ``data`` is an SVG of matplotlib's chart vocabulary only (see the module)."""
    if len(data) > MAX_BYTES or b"<!ENTITY" in data:
        return False
    body = _PROLOG.sub(b"", data, count=1)
    if b"<?" in body:  # a processing instruction, e.g. <?xml-stylesheet href=…?>
        return False
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError):
        return False
    if root.tag != SVG + "svg":
        return False
    for element in root.iter():
        if element.tag not in ELEMENTS:
            return False
        for name, value in element.attrib.items():
            if name not in ATTRIBUTES:
                return False
            if name in (XLINK + "href", "href") and not value.startswith("#"):
                return False
            if _CSS_BAD.search(value) and name != RDF + "resource":
                return False
        if element.tag == SVG + "style" and _CSS_BAD.search(element.text or ""):
            return False
    return True
