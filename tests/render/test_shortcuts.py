"""WeasyPrint's work done once gives the same pages byte for byte (render/engine/shortcuts.py),
and WeasyPrint opens the same libraries when they are opened by name (engine/libraries.py)."""

import subprocess
import sys
import textwrap

import pytest

from briefbook.render.engine import shortcuts
from briefbook.render.engine.pdf import PdfWriter

#: Each shortcut's other branch, on one page: a running head too long for its margin box (the
#: min-content width is measured), badges that fit and an inline-block wider than its line (the
#: shrink-to-fit's two branches), a contents leader (one dot drawn a hundred times), justified
#: Chinese with a Han–Latin gap and a half-width mark (a layout drawn as kept, and one set again
#: for its justification), a pre-wrapped text with line breaks (never drawn as kept), a float
#: and an absolutely placed box (normal flow), and an image in an inline-block (no memo key).
PAGE = """<!doctype html><html lang="zh-CN"><head><style>
@page { size: A5; margin: 20mm 15mm;
  @top-left { content: "简报"; font: 8pt "BB Sans"; }
  @top-center { content: "一个很长很长的章节标题，长到页眉的中间一栏放不下而必须折行排成两行的标题"; font: 8pt "BB Sans"; }
  @top-right { content: "内部资料"; font: 8pt "BB Sans"; }
  @bottom-center { content: "第 " counter(page) " 页"; font: 8pt "BB Sans"; } }
body { font: 10pt/1.8 "BB Serif"; text-align: justify; }
.badge { display: inline-block; padding: 0.3mm 1.5mm; background: #444; color: #fff; font: 7.5pt "BB Sans"; }
.wide { display: inline-block; border: 0.5pt solid #999; }
.toc a::after { content: leader(".") " 3"; }
pre { white-space: pre-wrap; font: 9pt "BB Sans"; }
.float { float: right; width: 20mm; font: 8pt "BB Sans"; }
.corner { position: absolute; top: 0; right: 0; font: 8pt "BB Sans"; }
</style></head><body>
<p class="toc"><a>一、承诺与进展</a></p><p class="toc"><a>二、“五张网”</a></p>
<p><span class="float">浮动的说明文字</span>报告指出，全市实施公共卫生补短板项目125个，建设中心城区10分钟、新城区12分钟医疗急救圈，
去年新增留汉大学生30.2万人，切实保障重点群体就业；同时推进“五院两中心”等重点项目建设，加快健全公共卫生体系，
不断增进民生福祉。<span class="badge">超额完成</span> <span class="badge">推进中</span> <span class="badge">超额完成</span></p>
<p><span class="wide">一个比一行还宽的行内块：它的内容很长很长，长到放不进一行，只能在块内折行，而每一行都应与未用捷径时一模一样，一个字也不差。</span></p>
<p><span class="wide"><img src="briefbook-generated:dot.svg"> 图与文</span></p>
<pre>第一行
第二行：2021年7月
第三行</pre>
<div class="corner">角标</div>
</body></html>"""


#: the image both pages load (an in-memory resource, as a chart is)
IMAGES = {"dot.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>',
                      "image/svg+xml")}


@pytest.fixture(scope="module")
def writer():
    return PdfWriter()


def test_the_page_is_the_same_without_the_shortcuts(writer):
    fast = writer.write(PAGE, IMAGES)
    with shortcuts.disabled():
        slow = writer.write(PAGE, IMAGES)
    assert fast == slow
    # and the shortcuts are back in place after the block
    assert writer.write(PAGE, IMAGES) == fast


def test_the_full_book_is_the_same_without_the_shortcuts(renderer, example_pdfs):
    from plugins.example import BRIEFS_DIR

    with shortcuts.disabled():
        slow = renderer.render(BRIEFS_DIR / "full-book.yaml")
    assert slow == example_pdfs["full-book"]


def test_a_page_drawn_twice_is_drawn_the_same(writer):
    """A kept layout is drawn as often as it is asked for (its markers' widths set once)."""
    with writer.strict("test", generated=IMAGES):
        document = writer.layout(PAGE)
        assert document.write_pdf() == document.write_pdf()


def test_alike_boxes_share_an_intrinsic_key_and_images_have_none(writer):
    html = ('<style>span { display: inline-block }</style>'
            '<p><span>推进中</span><span>推进中</span><span>未见报道</span>'
            '<span><img src="briefbook-generated:dot.svg"></span></p>')
    with writer.strict("test", generated=IMAGES):
        page = writer.layout(html).pages[0]._page_box
    blocks = []

    def walk(box):
        if type(box).__name__ == "InlineBlockBox":
            blocks.append(box)
        for child in getattr(box, "children", ()):
            walk(child)

    walk(page)
    keys = [shortcuts.intrinsic_key(box) for box in blocks]
    assert len(keys) == 4
    assert keys[0] == keys[1] != keys[2]
    assert keys[0] is not None and keys[2] is not None
    assert keys[3] is None


def test_html_is_read_into_the_same_tree_with_the_tokenizers_cache_working():
    """tinyhtml5 2.1.0 stores each expression under the wrong key; the shortcut stores it where
    it is looked for, and the tree is the same."""
    import xml.etree.ElementTree as ET
    from importlib.metadata import version
    from pathlib import Path

    import tinyhtml5
    from tinyhtml5 import inputstream
    from tinyhtml5.constants import space_characters

    # the pin the shortcut is written for is the one the lock installs
    lock = (Path(__file__).parents[2] / "requirements.lock").read_text(encoding="utf-8")
    assert f"tinyhtml5=={shortcuts.PINNED_TINYHTML5}\n" in lock
    assert version("tinyhtml5") == shortcuts.PINNED_TINYHTML5
    fast = ET.tostring(tinyhtml5.parse(PAGE, namespace_html_elements=False))
    assert (space_characters, True) in inputstream.characters_until_regex
    with shortcuts.disabled():
        slow = ET.tostring(tinyhtml5.parse(PAGE, namespace_html_elements=False))
    assert fast == slow


#: Lists the C libraries a process has open that WeasyPrint opens.
OPEN_LIBRARIES = textwrap.dedent("""
    import re
    names = set()
    for line in open("/proc/self/maps"):
        match = re.search(r"/(lib(?:gobject-2\\.0|pango-1\\.0|pangoft2-1\\.0|harfbuzz"
                          r"|harfbuzz-subset|fontconfig)\\.so[^/]*)$", line.strip())
        if match:
            names.add(match[1])
    print(sorted(names))
""")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)


def test_weasyprint_opens_the_same_libraries_by_name():
    fast = _run("import briefbook.render.engine\n"
                "from briefbook.render.engine import libraries\n"
                "assert libraries.opened_by_name\n" + OPEN_LIBRARIES)
    plain = _run("import weasyprint\n" + OPEN_LIBRARIES)
    assert fast.stdout == plain.stdout
    for name in ("libgobject-2.0.so", "libpango-1.0.so", "libpangoft2-1.0.so", "libharfbuzz.so",
                 "libharfbuzz-subset.so", "libfontconfig.so"):
        assert name in fast.stdout
    assert fast.stderr == plain.stderr == ""


def test_a_library_only_the_search_finds_is_still_opened():
    """Where a library does not open by its Linux file name, the import is run again with the
    search: WeasyPrint loads, says nothing, and the fallback is recorded."""
    code = textwrap.dedent("""
        import cffi
        dlopen = cffi.FFI.dlopen
        def refuse_file_name(self, name, flags=0):
            if name == "libpango-1.0.so.0":
                raise OSError("no file of that name here")
            return dlopen(self, name, flags)
        cffi.FFI.dlopen = refuse_file_name
        from briefbook.render.engine import libraries
        assert not libraries.opened_by_name
        from weasyprint.text.ffi import pango
        assert pango.pango_version() > 0
        print("loaded")
    """)
    result = _run(code)
    assert result.stdout == "loaded\n"
    assert "could not import" not in result.stderr
