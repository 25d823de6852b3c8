"""Read what a PDF says about itself, with pikepdf: fonts, graphics states, structure tree.

Takes: a pikepdf.Pdf. Helpers for tests/render/test_archival.py and test_tagged.py: each
walks the file as a validator would, independently of the code that wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf


def resource_dicts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every /Resources dictionary: pages' and, recursively, form XObjects' (e.g. SVG charts)."""
    seen: set[tuple[int, int]] = set()
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        if resources.is_indirect:
            if resources.objgen in seen:
                continue
            seen.add(resources.objgen)
        yield resources
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                stack.append(xobject.get("/Resources"))
        for pattern in (resources.get("/Pattern") or {}).values():
            stack.append(pattern.get("/Resources"))


def fonts(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    """Font dictionaries by object id (Type0 fonts stand for their descendant)."""
    found = {}
    for resources in resource_dicts(pdf):
        for font in (resources.get("/Font") or {}).values():
            found[str(font.objgen)] = font
    return found


def font_file(font: pikepdf.Dictionary):
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    if font.get("/Subtype") == "/Type3":
        return "type3"  # drawn with content streams: nothing to embed
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return None
    return next((descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3")
                 if k in descriptor), None)


def graphics_states(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [gs for resources in resource_dicts(pdf)
            for gs in (resources.get("/ExtGState") or {}).values()]


def children(element) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    if isinstance(kids, pikepdf.Dictionary):
        kids = [kids]
    if not isinstance(kids, pikepdf.Array):
        return []
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def walk(element) -> Iterator[pikepdf.Dictionary]:
    """Structure elements in depth-first (reading) order."""
    yield element
    for kid in children(element):
        yield from walk(kid)


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return list(walk(pdf.Root.StructTreeRoot.K[0]))


def owned_mcids(pdf: pikepdf.Pdf) -> dict[int, set[int]]:
    """Per page index: the MCIDs that a structure element in the tree claims in its /K."""
    owned: dict[int, set[int]] = {}
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    for element in structure(pdf):
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in kids:
            if isinstance(kid, int) or (isinstance(kid, pikepdf.Object)
                                        and kid._type_code == pikepdf.ObjectType.integer):
                owned.setdefault(pages[element.Pg.objgen], set()).add(int(kid))
    return owned


def unmarked_drawing(pdf: pikepdf.Pdf) -> list[str]:
    """Text or XObjects drawn outside both tagged content (MCID) and artifacts, per page.

    PDF/UA-1 7.1: everything on a page is either real content in the structure tree or an
    artifact. Also reports MCIDs that no element of the tree owns.
    """
    problems = []
    owned = owned_mcids(pdf)
    for number, page in enumerate(pdf.pages):
        stack: list[tuple[str, int | None]] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC":
                props = operands[1]
                marked = isinstance(props, pikepdf.Dictionary) and "/MCID" in props
                mcid = int(props["/MCID"]) if marked else None
                stack.append((str(operands[0]), mcid))
                if mcid is not None and mcid not in owned.get(number, set()):
                    problems.append(f"page {number + 1}: MCID {mcid} owned by no element")
            elif op == "BMC":
                stack.append((str(operands[0]), None))
            elif op == "EMC":
                stack.pop()
            elif op in ("Tj", "TJ", "'", '"', "Do"):
                if not any(tag == "/Artifact" or mcid is not None for tag, mcid in stack):
                    problems.append(f"page {number + 1}: {op} outside tagged content")
    return problems


def artifacts(pdf: pikepdf.Pdf, page_index: int) -> int:
    """How many pagination artifacts the page's content stream opens."""
    count = 0
    for operands, operator in pikepdf.parse_content_stream(pdf.pages[page_index]):
        if str(operator) == "BDC" and str(operands[0]) == "/Artifact":
            props = operands[1]
            if isinstance(props, pikepdf.Dictionary) and props.get("/Type") == "/Pagination":
                count += 1
    return count
