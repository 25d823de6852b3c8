"""Archival PDF/A-3b: identification, colour, fonts, transparency, and the provenance inside.

No PDF/A validator runs here (veraPDF is neither in Debian 12 nor on PyPI; its PyPI wrappers
download the Java application at run time). So each clause is checked structurally, with
pikepdf (qpdf) and, for extraction, pypdf — never with the code that wrote the file.
"""

import io
import json

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

from briefbook.core.errors import BriefbookError
from plugins import pdf_structure
from plugins.example import BRIEFS_DIR

BRIEF = BRIEFS_DIR / "topic-public-health.yaml"


@pytest.fixture(scope="module")
def archival(renderer) -> bytes:
    return renderer.render(BRIEF, variant="pdf/a-3b")


@pytest.fixture(scope="module")
def archival_doc(archival):
    with pikepdf.open(io.BytesIO(archival)) as document:
        yield document


@pytest.mark.slow
def test_xmp_identifies_pdf_a_3b(archival_doc):
    meta = archival_doc.open_metadata()
    assert meta["pdfaid:part"] == "3"
    assert meta["pdfaid:conformance"] == "B"
    assert meta["dc:title"] == "超大城市治理简报"
    assert archival_doc.pdf_version == "1.7"
    assert len(archival_doc.trailer.ID) == 2  # file identifier, required by PDF/A


@pytest.mark.slow
def test_output_intent_carries_an_rgb_icc_profile(archival_doc):
    (intent,) = archival_doc.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1"
    profile = intent.DestOutputProfile
    assert int(profile.N) == 3
    icc = profile.read_bytes()
    assert icc[36:40] == b"acsp" and icc[16:20] == b"RGB "  # ICC header: signature, space


@pytest.mark.slow
def test_every_font_is_embedded(archival_doc):
    fonts = pdf_structure.fonts(archival_doc)
    assert fonts
    missing = [str(f.get("/BaseFont")) for f in fonts.values() if pdf_structure.font_file(f) is None]
    assert missing == []


@pytest.mark.slow
def test_no_transparency_or_forbidden_graphics_state(archival_doc):
    for gs in pdf_structure.graphics_states(archival_doc):
        assert gs.get("/SMask", "/None") == "/None"
        assert float(gs.get("/CA", 1)) == 1 and float(gs.get("/ca", 1)) == 1
        assert gs.get("/BM", "/Normal") in ("/Normal", "/Compatible")
        assert "/TR" not in gs and "/TR2" not in gs  # transfer functions: forbidden in PDF/A
    for page in archival_doc.pages:
        assert "/Group" not in page.obj  # no transparency group to reconcile with the intent
    assert "/Encrypt" not in archival_doc.trailer
    assert "/JavaScript" not in archival_doc.Root.get("/Names", {})


@pytest.mark.slow
def test_annotations_are_printable(archival_doc):
    annotations = [a for page in archival_doc.pages for a in page.obj.get("/Annots", [])]
    assert annotations  # the book has links (contents, footnotes)
    assert all(int(a.get("/F", 0)) & 4 for a in annotations)


@pytest.mark.slow
def test_provenance_is_attached_as_associated_files(archival_doc):
    associated = {str(f.UF): f for f in archival_doc.Root.AF}
    assert len(archival_doc.Root.AF) == 3  # each once (WeasyPrint 70.0 lists them twice)
    assert sorted(associated) == ["brief.yaml", "metrics.json", "sources.json"]
    assert associated["brief.yaml"].AFRelationship == "/Source"
    assert associated["metrics.json"].AFRelationship == "/Data"
    assert associated["sources.json"].AFRelationship == "/Data"
    mime = {"brief.yaml": "/application/yaml", "metrics.json": "/application/json",
            "sources.json": "/application/json"}  # pikepdf shows #2f decoded
    for name, spec in associated.items():
        stream = spec.EF.F
        assert stream.Type == "/EmbeddedFile"
        assert str(stream.Subtype) == mime[name]
        assert str(stream.Params.ModDate).startswith("D:20210809")
        assert str(spec.Desc)
    # listed in the name tree too, so ordinary readers show them as attachments
    assert len(archival_doc.Root.Names.EmbeddedFiles.Names) == 6


@pytest.mark.slow
def test_attachments_extract_and_say_what_the_book_cites(archival, renderer):
    files = {name: data[0] for name, data in PdfReader(io.BytesIO(archival)).attachments.items()}
    assert files["brief.yaml"] == BRIEF.read_bytes()

    brief = yaml.safe_load(BRIEF.read_text(encoding="utf-8"))
    metrics = json.loads(files["metrics.json"])
    assert metrics["as_of"] == str(brief["date"])
    listed = set(brief["summary"]["metrics"]) | {i for s in brief["sections"] for i in s["metrics"]}
    ids = [m["id"] for m in metrics["metrics"]]
    assert listed <= set(ids) and len(ids) == len(set(ids))
    corpus = renderer.corpus
    for metric in metrics["metrics"]:
        assert metric["topic"] == "公共卫生" or metric["id"] in listed
        assert metric["status"] and metric["status_reason"]
        for observation in metric["observations"]:
            # the quote really stands in the paragraph it names
            assert observation["quote"] in corpus.paragraph(observation["paragraph"]).text
    by_id = {m["id"]: m for m in metrics["metrics"]}
    assert by_id["public-health-projects"]["reported"]["value"] == 125

    sources = json.loads(files["sources.json"])["sources"]
    assert {s["id"] for s in sources} == {a.id for a in corpus.articles}
    quoted = {q.split("/")[0] for s in brief["sections"] for q in s["quotes"]}
    assert quoted <= {s["id"] for s in sources if s["cited"]}


@pytest.mark.slow
def test_same_inputs_same_bytes(renderer):
    sheet = BRIEFS_DIR / "summary-sheet.yaml"
    assert renderer.render(sheet, variant="pdf/a-3b") == renderer.render(sheet, variant="pdf/a-3b")


def test_unknown_variant_is_refused_before_rendering(renderer):
    with pytest.raises(BriefbookError) as caught:
        renderer.render(BRIEF, variant="pdf/x-4")
    assert "unknown PDF variant 'pdf/x-4'" in str(caught.value)
    assert "pdf/a-3b" in caught.value.hint


def test_sources_attachment_holds_only_what_the_book_knew_on_its_day(renderer):
    """A book as of a day between the plenums attaches no later article and no later event."""
    import dataclasses

    from briefbook.render.formats.archival import sources_document

    book = renderer.book(BRIEF)
    earlier = dataclasses.replace(book, as_of_iso="2020-12-31")
    project = renderer.project
    sources = sources_document(earlier, renderer.corpus, project.events_by_id)["sources"]
    assert sources, "the two 2020 articles are known on 2020-12-31"
    assert all(s["published"] <= "2020-12-31" for s in sources), sources
    assert all(e["date"] <= "2020-12-31" for s in sources for e in s["events"]), sources
    assert len(sources) < len(renderer.corpus.articles)  # the 2021 report is left out
