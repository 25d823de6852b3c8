"""Segmentation: cleaned body lines → sections and paragraphs with ids.

Takes: the article id and its kept lines in order, each ``Block(line, text, kind)``
where kind is ``"text"`` or ``"caption"`` (text already cleaned).
Gives: sections (``ARTICLE/sN``) holding paragraphs (``ARTICLE/sN/pM``), captions placed
before the paragraph they precede, and the layout that was recognised:

* ``speakers`` — lines like ``市审计局党组书记、局长刘生华:`` open a section per speaker
  (name and post kept as metadata); the short line right after is that section's heading;
  paragraphs before the first speaker form an intro section (cjw).
* ``headings`` — short lines without ending punctuation are subheadings, each opening a
  section; paragraphs before the first subheading form an intro section (cjrb).
* ``themes`` — no subheadings at all (hbrb): the paragraphs before the first one that
  announces a theme (``在……方面，`` / ``在……领域，``) are the lead section; after that
  every paragraph is its own section, because in such reports each paragraph carries one
  theme. ``Section.topic`` keeps the theme in the text's own words; ``heading`` stays None
  because the paper printed none. Without any theme phrase the article is one section.

Numbering is positional (1-based); ``ids.lock`` pins each id to its raw line so a rule
change that would shift numbering fails the build instead of re-pointing ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefbook.corpus.clean import is_heading, parse_speaker, topic_of
from briefbook.corpus.model import Caption, Paragraph, Section


@dataclass(frozen=True)
class Block:
    line: int
    text: str
    kind: str  # "text" | "caption"
    credit: str | None = None  # captions only


@dataclass
class _Draft:
    line: int
    heading: str | None = None
    speaker: str | None = None
    post: str | None = None
    topic: str | None = None
    paras: list[Block] = field(default_factory=list)
    # (caption block, index of the paragraph it precedes in this section or None)
    captions: list[tuple[Block, int | None]] = field(default_factory=list)


def detect_layout(blocks: list[Block]) -> str:
    texts = [b.text for b in blocks if b.kind == "text"]
    if any(parse_speaker(t) for t in texts):
        return "speakers"
    if any(is_heading(t) for t in texts):
        return "headings"
    return "themes"


def _drafts(blocks: list[Block], layout: str) -> list[_Draft]:
    drafts: list[_Draft] = []
    pending: list[Block] = []  # captions waiting for the next paragraph
    expect_heading = False
    seen_topic = False

    def current(line: int) -> _Draft:
        if not drafts:
            drafts.append(_Draft(line=line))
        return drafts[-1]

    for block in blocks:
        if block.kind == "caption":
            pending.append(block)
            continue
        text = block.text
        speaker = parse_speaker(text) if layout == "speakers" else None
        if speaker:
            drafts.append(_Draft(line=block.line, post=speaker[0], speaker=speaker[1]))
            expect_heading = True
            continue
        if layout == "speakers" and expect_heading and is_heading(text):
            drafts[-1].heading = text
            expect_heading = False
            continue
        expect_heading = False
        if layout == "headings" and is_heading(text):
            drafts.append(_Draft(line=block.line, heading=text))
            continue
        if layout == "themes":
            topic = topic_of(text)
            if topic or seen_topic:
                seen_topic = True
                drafts.append(_Draft(line=block.line, topic=topic))
        draft = current(block.line)
        for cap in pending:
            draft.captions.append((cap, len(draft.paras)))
        pending.clear()
        draft.paras.append(block)
    if pending:
        if not drafts:
            drafts.append(_Draft(line=pending[0].line))
        drafts[-1].captions.extend((cap, None) for cap in pending)
    return drafts


def segment(article_id: str, blocks: list[Block]) -> tuple[str, tuple[Section, ...],
                                                          tuple[Caption, ...]]:
    """Sections, captions and the layout name for one article."""
    layout = detect_layout(blocks)
    sections: list[Section] = []
    captions: list[Caption] = []
    for s_no, draft in enumerate(_drafts(blocks, layout), 1):
        sid = f"{article_id}/s{s_no}"
        paras = tuple(
            Paragraph(id=f"{sid}/p{p_no}", article_id=article_id, section_id=sid,
                      text=b.text, lines=(b.line, b.line))
            for p_no, b in enumerate(draft.paras, 1))
        sections.append(Section(id=sid, article_id=article_id, heading=draft.heading,
                                speaker=draft.speaker, post=draft.post, paragraphs=paras,
                                line=draft.line, topic=draft.topic))
        for cap, index in draft.captions:
            before = paras[index].id if index is not None and index < len(paras) else None
            captions.append(Caption(text=cap.text, credit=cap.credit, line=cap.line,
                                    section_id=sid, before=before))
    return layout, tuple(sections), tuple(captions)
