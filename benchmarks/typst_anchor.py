"""The benchmark's anchor: the same book content typeset by Typst (benchmark-only dependency).

Takes: a ``Book`` (render.book) and its drawn charts (name → SVG bytes, the very SVGs the PDF
embeds). Gives: a Typst source file in a folder beside the charts, which ``typst.Compiler``
compiles with the bundled fonts only (system fonts ignored). Content: cover lines, contents
(``#outline``), summary text and key figures, the charts, the pledged-vs-reported table, every
section's commentary, metric table and quotes (citations as footnotes), sources and rubric;
running header and "第 N 页 共 M 页" footer. All text enters as Typst string literals, so
nothing in a brief is read as markup.
"""

from __future__ import annotations

from pathlib import Path


def _paragraphs(markdown: str | None) -> list[str]:
    """The commentary's paragraphs as plain text (its Markdown emphasis marks dropped)."""
    blocks = (markdown or "").split("\n\n")
    return [" ".join(b.replace("**", "").replace("*", "").split()) for b in blocks if b.strip()]


def lit(text: str) -> str:
    """A Typst string literal in markup (``#"…"``)."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'#"{body}"'


def _figure(chart, folder: Path, charts: dict[str, bytes]) -> str:
    name = f"{chart.name}.svg"
    (folder / name).write_bytes(charts[chart.name])
    return f'#figure(image("{name}"), caption: [{lit(chart.title)}])\n'


def _row_cell(figure) -> str:
    if figure is None:
        return "[—]"
    parts = [lit(figure.display)]
    if figure.period:
        parts.append(f"#text(size: 7.5pt, fill: gray)[{lit(figure.period)}]")
    parts.append(f"#text(size: 7.5pt, fill: gray)[{lit(figure.citation.short)} {lit(figure.citation.ref)}]")
    return "[" + " \\ ".join(parts) + "]"


def _table(rows) -> str:
    cells = ["[*指标*]", "[*承诺*]", "[*报道*]", "[*状态*]"]
    for row in rows:
        cells += [f"[*{lit(row.label)}* \\ #text(size: 7.5pt)[{lit(row.topic)}]]",
                  _row_cell(row.pledged), _row_cell(row.reported),
                  f"[{lit(row.status)}" + (f" \\ {lit('完成' + row.ratio)}" if row.ratio else "") + "]"]
    return ("#table(columns: (24%, 29%, 29%, 18%), stroke: 0.4pt + gray, inset: 1.5mm,\n  "
            + ",\n  ".join(cells) + ")\n")


def book_to_typst(book, charts: dict[str, bytes], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out: list[str] = [
        '#set page(paper: "a4", margin: (top: 24mm, bottom: 22mm, x: 22mm),\n'
        f'  header: context {{ if counter(page).get().first() > 1 [#text(size: 8pt, fill: gray)[{lit(book.title)}] #h(1fr) #text(size: 8pt, fill: red)[{lit(book.classification or "")}]] }},\n'
        '  footer: context [#set align(center); #text(size: 8pt, fill: gray)[第 #counter(page).display() 页 共 #counter(page).final().first() 页]])\n',
        '#set text(font: "Noto Serif CJK SC", size: 10.5pt, lang: "zh", region: "cn")\n',
        '#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.8em)\n',
        '#show heading: set text(font: "Noto Sans CJK SC")\n',
        '#show heading.where(level: 1): it => { pagebreak(weak: true); it }\n',
    ]
    # cover
    out.append(f"#align(center)[#text(size: 30pt, weight: \"bold\", fill: red, font: \"Noto Sans CJK SC\")[{lit(book.title)}]]\n\n")
    if book.edition:
        out.append(f"#align(center)[{lit(book.edition)}]\n\n")
    out.append(f"{lit(book.issuer)} #h(1fr) {lit(book.date)}\n\n")
    if book.subtitle:
        out.append(f"#align(center)[#text(size: 17pt, weight: \"bold\")[{lit(book.subtitle)}]]\n\n")
    out.append(f"#align(center)[{lit(book.question)}]\n\n")
    if book.contents:
        out.append("#pagebreak()\n#outline(title: [目录])\n")
    if book.has_summary:
        out.append("= 摘要\n")
        out += [f"{lit(p)}\n\n" for p in book.summary_text]
        if book.key_figures:
            out.append("== 关键数字\n#grid(columns: 2, gutter: 3mm,\n")
            for row in book.key_figures:
                numbers = []
                if row.pledged:
                    numbers.append(f"承诺：{lit(row.pledged.display)}")
                if row.reported:
                    numbers.append(f"报道：{lit(row.reported.display)}")
                out.append(f"  block(fill: luma(244), inset: 3mm, width: 100%)[*{lit(row.label)}* {lit(row.status)} \\ "
                           + " \\ ".join(numbers) + "],\n")
            out.append(")\n")
        if not book.charts_chapter:
            out += [_figure(c, folder, charts) for c in book.charts]
    if book.charts_chapter:
        out.append("= 图表概览\n")
        out += [_figure(c, folder, charts) for c in book.charts]
    if book.table is not None:
        out.append("= 承诺与报道对照表\n")
        out.append(_table(book.table))
    for section in book.sections:
        out.append(f"= {lit(section.number + '、' + section.heading)}\n")
        out += [f"{lit(p)}\n\n" for p in _paragraphs(section.commentary)]
        if section.rows:
            out.append("== 承诺与进展\n" + _table(section.rows))
        out += [_figure(c, folder, charts) for c in section.charts]
        if section.quotes:
            out.append("== 原文摘录\n")
            for quote in section.quotes:
                context = f"#text(size: 8.5pt, weight: \"bold\")[{lit(quote.heading)}] \\ " if quote.heading else ""
                out.append(f"#block(inset: (left: 3mm), stroke: (left: 1.5pt + gray))[{context}"
                           f"#text(size: 9.5pt)[{lit(quote.text)}]#footnote[{lit(quote.citation.text)}]]\n")
    if book.sources:
        out.append("= 附录一　资料来源\n")
        for s in book.sources:
            events = f"报道会议：{lit(s.events)}。" if getattr(s, "events", None) else ""
            out.append(f"+ *{lit(s.outlet)}*，{lit(s.date)}：《{lit(s.title)}》。{events}\n")
    if book.rubric:
        out.append(f"= {lit('附录' + ('二' if book.sources else '一') + '　方法说明')}\n")
        cells = ["[*状态*]", "[*含义*]"] + [f"[{lit(a)}], [{lit(b)}]" for a, b in book.rubric]
        out.append("#table(columns: (18%, 82%), " + ", ".join(cells) + ")\n")
    source = folder / "book.typ"
    source.write_text("".join(out), encoding="utf-8")
    return source
