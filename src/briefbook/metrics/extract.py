"""Find every number-with-unit mention in a text and guess whether it pledges or reports.

Takes: plain cleaned text (one paragraph or a whole article, paragraphs on separate lines).
Gives: ``extract_mentions(text) -> list[Mention]``: value, unit, qualifier, the span as
written, its sentence, and ``kind`` — ``pledged`` / ``reported`` / None — with the cue word
that decided it.

What counts as a mention is ``numbers.find_quantities``: a numeral with a unit or measure
word stating a count, amount, size, distance or duration; not dates, years, ordinals, names,
specs or vague amounts (see numbers.py).

Kind guess: a deadline (到2025年) or 力争 earlier in the sentence makes it a pledge;
otherwise the nearest cue wins, searched outward:
1. the clause holding the number (split at ，；：) — the nearest cue before it, else after it;
2. earlier clauses of the same sentence, then earlier sentences of the same paragraph;
   A report cue right after a modal (将出台, 要完成) is a pledge.
3. the document's majority among the mentions decided so far (a report reads as a report);
4. otherwise None.
Pledge cues: 力争 将 要 打造 目标 实现(not 实现了) 计划 确保 争取 未来 继续 锚定.
Report cues: 完成 新增 已 上线 问世 了 选派 组织(not 党组织) 出台 启动 建立 入围 获评
累计 实施 开工 开展 去年 举行 成立 建成 开通 截至 上半年 同比 增长 下降. (达到 is neither:
it serves targets as often as results.)
Precision/recall against a hand-checked gold list: tests/metrics/test_extract.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from briefbook.metrics.numbers import find_quantities

__all__ = ["Mention", "extract_mentions", "PLEDGE_CUES", "REPORT_CUES"]

PLEDGE_CUES = ("力争", "将", "要", "打造", "目标", "实现", "计划", "确保", "争取", "未来", "继续",
               "锚定")
REPORT_CUES = ("完成", "新增", "已", "上线", "问世", "选派", "组织", "出台", "启动", "建立",
               "入围", "获评", "累计", "实施", "开工", "开展", "去年", "举行", "成立",
               "建成", "开通", "了", "截至", "上半年", "同比", "增长", "下降")
# A deadline or 力争 earlier in the sentence makes the figure a target, whatever the verb.
_TARGET = re.compile(r"(?:到|至)\d{4}年(?:底|末)?|力争")
# Cue look-alikes inside longer words: (cue, chars not allowed before, words it may not start).
_NOT_BEFORE = {"要": "重主需纲摘概必首只", "将": "", "组织": "党", "已": "", "了": "为除",
               "实施": "", "计划": ""}
_NOT_STARTING = {"将": ("将近",), "要": ("要求", "要素", "要点", "要闻"), "实现": ("实现了",),
                 "已": ("已脱贫",), "了": ("了解",)}
_CUE_RE = re.compile("|".join(sorted(map(re.escape, PLEDGE_CUES + REPORT_CUES), key=len, reverse=True)))
_MODAL = re.compile("将|要|力争|争取|计划|确保")
_SENTENCE_END = "。！？；\n"
_CLAUSE_END = "，；：。！？\n"


@dataclass(frozen=True)
class Mention:
    value: int | float
    unit: str
    qualifier: str | None
    text: str            # as written, e.g. 30.2万人
    start: int
    end: int
    sentence: str
    kind: str | None     # pledged | reported | None
    cue: str | None      # the cue word that decided, or "(document)" for the majority rule

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _cues(text: str, lo: int, hi: int) -> list[tuple[int, str, str]]:
    """(position, cue, kind) for the real cue words in text[lo:hi]."""
    found = []
    for m in _CUE_RE.finditer(text, lo, hi):
        cue, i = m.group(), m.start()
        if i > 0 and text[i - 1] in _NOT_BEFORE.get(cue, ""):
            continue
        if any(text.startswith(w, i) for w in _NOT_STARTING.get(cue, ())):
            continue
        if cue == "实现" and text.startswith("实现了", i):
            continue
        if cue == "了" and not (i > 0 and text[i - 1] in "成解决到出立施增"):
            continue            # only 完成了/解决了/达到了 … read as reports
        kind = "pledged" if cue in PLEDGE_CUES else "reported"
        modal = _MODAL.search(text, max(lo, i - 3), i) if kind == "reported" else None
        if modal:
            kind, cue = "pledged", text[modal.start():i] + cue   # 将出台, 要完成: still a pledge
        found.append((i, cue, kind))
    return found


def _bounds(text: str, pos: int, ends: str) -> tuple[int, int]:
    lo = max((text.rfind(ch, 0, pos) for ch in ends), default=-1) + 1
    his = [i for i in (text.find(ch, pos) for ch in ends) if i != -1]
    return lo, (min(his) + 1 if his else len(text))


def _guess(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    s_lo, _ = _bounds(text, start, _SENTENCE_END)
    target = _TARGET.search(text, s_lo, start)
    if target:
        return "pledged", target.group()
    c_lo, c_hi = _bounds(text, start, _CLAUSE_END)
    before = _cues(text, c_lo, start)
    if before:
        _, cue, kind = before[-1]
        return kind, cue
    after = _cues(text, end, c_hi)
    if after:
        _, cue, kind = after[0]
        return kind, cue
    p_lo, _ = _bounds(text, start, "\n")
    earlier = _cues(text, p_lo, c_lo)
    if earlier:
        _, cue, kind = earlier[-1]
        return kind, cue
    return None, None


def extract_mentions(text: str) -> list[Mention]:
    """Every number-with-unit mention in ``text``, in order, with a pledged/reported guess."""
    mentions: list[Mention] = []
    for q in find_quantities(text):
        kind, cue = _guess(text, q.start, q.end)
        s_lo, s_hi = _bounds(text, q.start, _SENTENCE_END)
        sentence = text[s_lo:s_hi].strip()
        qualifier = q.qualifier
        if qualifier is None and "力争" in text[_bounds(text, q.start, _CLAUSE_END)[0]:q.start]:
            qualifier = "力争"
        mentions.append(Mention(q.plain, q.unit, qualifier, q.text, q.start, q.end, sentence,
                                kind, cue))
    decided = Counter(m.kind for m in mentions if m.kind)
    if decided and len(decided) >= 1:
        majority, _ = decided.most_common(1)[0]
        mentions = [m if m.kind else Mention(**{**asdict(m), "kind": majority, "cue": "(document)"})
                    for m in mentions]
    return mentions
