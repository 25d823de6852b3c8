"""Generated inputs for the fuzz test and ``make fuzz``: briefs, project files, metric catalogs
and articles, written as YAML *text* (not through a dumper) so that every YAML form reaches
the loaders: integers in every spelling (decimal with underscores, octal, binary, hex,
sexagesimal — up to 15,000 digits), floats (.inf, .nan, base 60), timestamps (valid and not,
with fractions and zones), booleans and nulls of YAML 1.1, tags (!!binary, !!set, !!omap,
!!python/…), merge keys (``<<: *a``, ``<<: [*a, *b]``), anchors and aliases (to earlier
values, undefined ones, chains of aliases to aliases up to the loader's value limit).

Takes: a ``Fuzz`` folder (built once: the example corpus and catalog, a copy of the project).
Gives: hypothesis strategies (``strategy(kind)``; kinds in ``KINDS``) and
``Fuzz.run(kind, text)``: the stage as the CLI runs it, returning ``Outcome`` — "ok",
"error" (a BriefbookError with a clear message) or "crash" (any other exception, or an
error message holding a traceback), and the seconds it took.

Used by tests/reliability/test_fuzz_inputs.py (a few seconds in the suite) and
benchmarks/fuzz_bench.py (``make fuzz``: ≥ 10,000 inputs).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from hypothesis import strategies as st

from briefbook.core.errors import BriefbookError

REPO = Path(__file__).resolve().parents[2]
_CATALOG = yaml.safe_load((REPO / "corpus" / "metrics.yaml").read_text(encoding="utf-8"))
_PROJECT = yaml.safe_load((REPO / "briefbook.yaml").read_text(encoding="utf-8"))

TOPICS = list(_PROJECT["topics"])
METRIC_IDS = [m["id"] for m in _CATALOG["metrics"]]
#: Real observations: (source, quote, value, qualifier, period, unit of the metric).
SEEDS = [(o["source"], o["quote"], o.get("value"), o.get("qualifier"), o["period"],
          m.get("unit", "")) for m in _CATALOG["metrics"] for o in m["observations"]]
PARAGRAPHS = sorted({s[0] for s in SEEDS})
EVENT_IDS = [e["id"] for e in _PROJECT["events"]]


# ---------------------------------------------------------------- scalars, as YAML text

def _q(text: str) -> str:
    """``text`` as a double-quoted YAML scalar."""
    return json.dumps(text, ensure_ascii=False)


_DIGIT_RUNS = st.sampled_from([1, 2, 19, 99, 100, 101, 640, 4299, 4300, 4301, 5000, 15000])


@st.composite
def _long_digits(draw, alphabet: str = "0123456789", first: str = "123456789") -> str:
    n = draw(_DIGIT_RUNS)
    head = draw(st.sampled_from(first))
    body = draw(st.sampled_from(alphabet))
    return head + body * (n - 1)


SIGN = st.sampled_from(["", "", "+", "-"])
INT_TEXT = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.builds(lambda s, d: s + d, SIGN, _long_digits()),                          # decimal
    st.builds(lambda s, d: s + "1_" + d + "_", SIGN, _long_digits()),             # underscores
    st.sampled_from(["0", "-0", "+0", "1_000_000", "1__0", "0_", "00", "007", "08", "0_7"]),
    st.builds(lambda s, d: s + "0" + d, SIGN, _long_digits("01234567", "1234567")),  # octal
    st.builds(lambda s, d: s + "0b" + d, SIGN, _long_digits("01", "1")),          # binary
    st.builds(lambda s, d: s + "0x" + d, SIGN, _long_digits("0123456789abcdefABCDEF_",
                                                            "123456789abcdef")),  # hex
    st.sampled_from(["0x", "0x_", "0b", "0b_", "0o17", "0xG1", "0xFF_FF"]),
    st.builds(lambda s, n, part: s + "1" + (":" + part) * n, SIGN,                # base 60
              st.sampled_from([1, 2, 3, 50, 1000, 2500, 5000]), st.sampled_from(["0", "59", "5"])),
    st.sampled_from(["190:20:30", "1:60", "-1:0", "1:2:3:4:5:6", "0:30"]),
)
FLOAT_TEXT = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from([".inf", "-.Inf", "+.INF", ".nan", ".NaN", "1.0e+999", "-1.0e-999", "1e5",
                     "1_0.5_5", "190:20:30.15", "0.", ".5", "-.5", "6.8523015e+5", "1.5E+12",
                     "3.", "1.0e+308", "9" * 400 + ".0", "0." + "0" * 400 + "1"]),
    st.builds(lambda d: d + "." + d, _long_digits()),
    st.builds(lambda d: "1" + ":30" * d + ".5", st.sampled_from([2, 100, 3000])),
)
_TIMESTAMP = st.builds(
    lambda y, m, d, sep, time_, frac, zone: f"{y}-{m}-{d}{sep}{time_}{frac}{zone}" if sep
    else f"{y}-{m}-{d}",
    st.sampled_from(["2021", "2020", "0000", "0001", "9999", "1969", "2038"]),
    st.sampled_from(["01", "02", "12", "13", "00", "1", "7"]),
    st.sampled_from(["01", "28", "29", "30", "31", "32", "00", "1"]),
    st.sampled_from(["", "", "T", "t", " ", "  \t"]),
    st.sampled_from(["00:00:00", "23:59:59", "24:00:00", "23:59:60", "1:2:3", "99:99:99"]),
    st.sampled_from(["", ".1", ".000001", ".1234567890123456789", "." + "9" * 300]),
    st.sampled_from(["", "Z", "z", "+08:00", "-05", " -5", "+14:00", "-99:99", "+23:59"]),
)
DATE_TEXT = st.one_of(
    st.sampled_from(["2021-08-01", "2021-02-30", "2020-02-29", "0001-01-01", "9999-12-31",
                     "2021-13-01", "2021-8-1", "20210801", "yesterday", "2021年8月1日"]),
    _TIMESTAMP,
)
GOOD_DATE = st.sampled_from(["2021-08-01", "2021-07-31", "2020-12-31", "2021-06-30",
                             "2022-01-01"])
SPECIAL_TEXT = st.sampled_from([
    "~", "null", "Null", "NULL", "", "true", "false", "yes", "No", "on", "OFF", "y", "n",
    "True", "'yes'", '"null"', "!!null ''", "!!bool maybe", "!!int '12'", "!!int 'x'",
    "!!int '0x" + "f" * 4000 + "'", "!!float 'nan'", "!!float 'abc'", "!!str 12",
    "!!binary aGVsbG8=", "!!binary '***'", "!!set {a, b}", "!!omap [{a: 1}, {b: 2}]",
    "!!pairs [{a: 1}]", "!!timestamp '2021-02-30'", "!!timestamp 'x'", "!custom x",
    "!!python/name:os.system", "!!python/object/apply:os.system ['true']", "!!map [1]",
    "!!seq {a: 1}", "*undefined", "&", "*", "? complex", "- x", "[", "{", "]", "}", "|", ">",
    "%TAG", "@x", "`x", "'unclosed", '"unclosed', '"\\x00"', '"\\u202e"', '"\\e[2J"',
    '"\\U0001F600"', '"\\uD800"', "'it''s'", "# only a comment",
])
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_WORDS = ["简报", "研究组", "就业与人才", "承诺了什么", "第3期", "内部资料", "留汉大学生",
          "城市建设", "报道", "年度目标", "社区", "服务"]
#: A field's own text: words the fonts print, mostly short.
TEXT = st.one_of(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4).map("".join),
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4).map(lambda w: _q("，".join(w))),
)
#: Text of any kind: code points the fonts lack, controls, lengths around the limits.
WILD_TEXT = st.one_of(
    st.text(CJK, min_size=1, max_size=12).map(_q),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12).map(_q),
    st.builds(lambda c, n: _q(c * n), CJK, st.sampled_from([150, 201, 1001, 5001, 20_001])),
)
SCALAR = st.one_of(INT_TEXT, FLOAT_TEXT, DATE_TEXT, SPECIAL_TEXT, TEXT, WILD_TEXT)


# ---------------------------------------------------------------- documents

def _rare(draw, n: int) -> bool:
    """True about once in ``n`` draws (hypothesis favours 0 and the bounds, so the one value
    that says yes is a middle one)."""
    return draw(st.integers(0, n - 1)) == n // 2


@dataclass
class _Ctx:
    """Anchors defined so far in the document being written (aliases may name them), and how
    wild its values are (per mille of values that are not the field's own kind)."""

    anchors: list[str]
    wild: int = 100
    maps: list[str] = field(default_factory=list)   # anchors of mappings (merge sources)
    metrics: list[dict] = field(default_factory=list)  # catalog metrics written so far

    def new(self, mapping: bool = False) -> str:
        name = f"a{len(self.anchors)}"
        self.anchors.append(name)
        if mapping:
            self.maps.append(name)
        return name


def _flow(draw, ctx: _Ctx, good, depth: int = 0) -> str:
    """A flow-style YAML value: mostly ``good`` (a strategy of text for the field), sometimes
    anything, an alias, an anchored value, a collection or a merge."""
    if depth > 3 or abs(draw(st.integers(0, 1000)) - 500) * 2 >= ctx.wild:  # mid values: wild
        text = draw(good)
        if _rare(draw, 40) and not text.startswith(("&", "*", "!", "%", "@", "`")):
            return f"&{ctx.new()} {text}"
        return text
    roll = draw(st.integers(2, 19))
    if roll < 15:
        text = draw(SCALAR)
    elif roll < 16 and ctx.anchors:
        return "*" + draw(st.sampled_from(ctx.anchors))
    elif roll < 17:
        items = draw(st.lists(st.just(0), max_size=3))
        text = "[" + ", ".join(_flow(draw, ctx, SCALAR, depth + 1) for _ in items) + "]"
    elif roll < 18:
        keys = draw(st.lists(st.sampled_from(["text", "metrics", "x", "<<", "1", "~"]),
                             max_size=3, unique=True))
        parts = []
        for k in keys:
            if k == "<<":
                parts.append("<<: " + (("*" + draw(st.sampled_from(ctx.anchors)))
                                       if ctx.anchors and draw(st.booleans())
                                       else draw(st.sampled_from(["{text: 合并}", "[{x: 1}]",
                                                                  "5", "[1, 2]", "*nope"]))))
            else:
                parts.append(f"{k}: {_flow(draw, ctx, SCALAR, depth + 1)}")
        text = "{" + ", ".join(parts) + "}"
    else:
        text = draw(good)
    if _rare(draw, 10) and not text.startswith(("&", "*", "!", "%", "@", "`")):
        return f"&{ctx.new()} {text}"
    return text


def _flow_list(draw, ctx: _Ctx, item, *, max_size: int = 4, min_size: int = 0) -> str:
    n = draw(st.integers(min_size, max_size))
    return "[" + ", ".join(_flow(draw, ctx, item) for _ in range(n)) + "]"


def _chain(draw, ctx: _Ctx, name: str, *, limit: int) -> tuple[list[str], str | None]:
    """Lines defining aliases to aliases (``c1: &c1 [*c0, *c0, …]``): the last one expands to
    width**depth values, up to ``limit``; returns the lines and the anchor of the last."""
    if not _rare(draw, 5):
        return [], None
    width = draw(st.integers(2, 10))
    depth = draw(st.integers(1, 12))
    while width ** depth > limit and depth > 1:
        depth -= 1
    lines = [f"{name}0: &{name}0 [{', '.join(['文字'] * width)}]"]
    for level in range(1, depth):
        aliases = ", ".join([f"*{name}{level - 1}"] * width)
        lines.append(f"{name}{level}: &{name}{level} [{aliases}]")
    ctx.anchors.append(f"{name}{depth - 1}")
    return lines, f"{name}{depth - 1}"


def _document(draw, fields: dict, *, chain_limit: int, required=()) -> str:
    """A top-level block mapping of ``fields`` (name → a function of (draw, ctx) giving the
    value text); ``required`` always present; maybe a merge key, an alias chain, junk keys."""
    ctx = _Ctx([], draw(st.sampled_from([0, 0, 10, 50, 200, 500])))
    lines: list[str] = []
    chain, _top = _chain(draw, ctx, "chain", limit=chain_limit)
    lines += chain
    if _rare(draw, 10):
        lines.append("<<: " + draw(st.sampled_from(["{title: 合并的标题}", "[{title: 甲}, {x: 1}]",
                                                    "*chain0", "5", "{}"])))
    names = list(fields)
    chosen = [n for n in names if n in required or draw(st.booleans())]
    if _rare(draw, 5):
        chosen = draw(st.permutations(chosen))
    for name in chosen:
        lines.append(f"{name}: {fields[name](draw, ctx)}")
    if _rare(draw, 10):
        lines.append(f"{draw(st.sampled_from(['extra', 'title', '<<', '? [a]', '1']))}: "
                     f"{_flow(draw, ctx, SCALAR)}")
    if _rare(draw, 20):          # a raw fragment anywhere: broken syntax
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(SPECIAL_TEXT))
    return "\n".join(lines) + "\n"


def _g(strategy):
    """A field whose value is one flow value from ``strategy``."""
    return lambda draw, ctx: _flow(draw, ctx, strategy)


def _gl(strategy, max_size: int = 4, min_size: int = 0):
    return lambda draw, ctx: _flow_list(draw, ctx, strategy, max_size=max_size,
                                        min_size=min_size)


def _gmap(fields: dict, required=()):
    def make(draw, ctx):
        if _rare(draw, 10):
            return _flow(draw, ctx, SCALAR)
        merge = ""
        if ctx.maps and _rare(draw, 4):           # merge an earlier mapping into this one
            sources = draw(st.lists(st.sampled_from(ctx.maps), min_size=1, max_size=2))
            merge = "<<: " + (f"*{sources[0]}" if len(sources) == 1 else
                              "[" + ", ".join(f"*{a}" for a in sources) + "]")
        chosen = [n for n in fields if n in required or draw(st.booleans())]
        body = ", ".join([merge] * bool(merge)
                         + [f"{n}: {fields[n](draw, ctx)}" for n in chosen])
        text = "{" + body + "}"
        if _rare(draw, 3):
            return f"&{ctx.new(mapping=True)} {text}"
        return text
    return make


def _glist_of(make, max_size: int = 3):
    def many(draw, ctx):
        if _rare(draw, 10):
            return _flow(draw, ctx, SCALAR)
        n = draw(st.integers(0, max_size))
        return "[" + ", ".join(make(draw, ctx) for _ in range(n)) + "]"
    return many


BOOL = st.sampled_from(["true", "false", "yes", "no", "on", "off", "True", "1", "0"])
IDS = st.sampled_from(METRIC_IDS + PARAGRAPHS + ["no-such-metric", "cjw-2020-12-22/s3",
                                                 "cjrb-2021-07-25", "x" * 300])
TOPIC = st.sampled_from(TOPICS + ["没有的主题"])

_CHART = _gmap({"kind": _g(st.sampled_from(["timeline", "status-breakdown",
                                            "pledged-vs-reported", "pie"])),
                "title": _g(TEXT), "metrics": _gl(IDS)}, required=("kind",))
_SECTION = _gmap({"heading": _g(TEXT), "commentary": _g(TEXT), "quotes": _gl(IDS),
                  "metrics": _gl(IDS), "charts": _glist_of(_CHART, 2)}, required=("heading",))
BRIEF_FIELDS = {
    "title": _g(TEXT), "subtitle": _g(TEXT), "issuer": _g(TEXT), "edition": _g(TEXT),
    "date": _g(GOOD_DATE), "as_of": _g(GOOD_DATE), "classification": _g(TEXT),
    "subject": _g(TEXT), "question": _g(TEXT), "keywords": _gl(TEXT),
    "paper": _g(st.sampled_from(["A4", "A5", "B5", "letter", "A3", "a4"])),
    "cover": _g(BOOL), "contents": _g(BOOL),
    "breaks": _g(st.sampled_from(["chapters", "sections", "none", "all"])),
    "summary": _gmap({"text": _g(TEXT), "metrics": _gl(IDS)}),
    "table": _gmap({"metrics": lambda draw, ctx: ("all" if draw(st.booleans())
                                                   else _flow_list(draw, ctx, IDS)),
                    "topics": _gl(TOPIC)}),
    "charts": _glist_of(_CHART, 2),
    "sections": _glist_of(_SECTION, 3),
    "appendix": _gmap({"sources": _g(BOOL), "methodology": _g(BOOL)}),
}
_EVENT = _gmap({"id": _g(st.one_of(st.sampled_from(EVENT_IDS + ["gwr-2024", "X", ""]), INT_TEXT)),
                "name": _g(TEXT), "short": _g(TEXT), "kind": _g(TEXT), "date": _g(DATE_TEXT)},
               required=("id", "name", "date"))
PROJECT_FIELDS = {
    "title": _g(TEXT), "topics": _gl(TOPIC, 6, min_size=1), "events": _glist_of(_EVENT, 4),
    "defaults": _gmap({"issuer": _g(TEXT), "classification": _g(TEXT),
                       "paper": _g(st.sampled_from(["A4", "A5", "B5", "letter", "A0"]))},
                      required=("issuer",)),
    "distribute": _gmap({"executor": _g(st.sampled_from(["local", "dask", "spark"])),
                         "scheduler": _g(st.sampled_from(["tcp://127.0.0.1:1", "x", "\"\""]))}),
    "stylesheet": _g(st.sampled_from(["style.css", "missing.css", "../outside.css", "/dev/zero",
                                      "\"\"", "\"" + "s" * 300 + ".css\""])),
}
PERIOD = st.one_of(
    st.sampled_from(["2020年", "2021年", "2020年6月—2021年7月", "十四五期间", "未定期限",
                     "2021年底", "2021年上半年", "2021年13月", "0年", "2021年2月30日", "—", "年"]),
    st.builds(lambda d: d + "年", _long_digits()),
    st.builds(lambda a, b: f"{a}年—{b}年", st.integers(-10**6, 10**6), st.integers(0, 10**20)),
)
QUALIFIERS = ["力争", "近", "约", "超", "逾", "余", "多", "以上", "大约", "null"]


def _value(value) -> str:
    return "null" if value is None else repr(value)


def _observation_fields(o: dict, unit: str, *, linked_to: str | None = None) -> dict:
    """The fields of a real observation ``o`` (so most generated catalogs load and reach the
    statuses), each sometimes another value of its kind."""
    fields = {
        "kind": _g(st.sampled_from([o["kind"]] * 8 + ["pledged", "reported", "planned"])),
        "value": _g(st.sampled_from([_value(o.get("value"))] * 12 + ["0", "-1", "1e3"])),
        "qualifier": _g(st.sampled_from([o.get("qualifier") or "null"] * 12 + QUALIFIERS)),
        "period": _g(st.sampled_from([_q(o["period"])] * 12) | PERIOD.map(_q)),
        "source": _g(st.sampled_from([o["source"]] * 12 + PARAGRAPHS[:2])),
        "quote": _g(st.sampled_from([_q(o["quote"])] * 12 + ["引文", "\"\""])),
        "progress": _g(st.sampled_from([_q(o["progress"]) if o.get("progress") else "null"] * 12
                                       + ["done", "underway", "maybe"])),
        "summary": _g(st.sampled_from([_q(o["summary"]) if o.get("summary") else "null"])),
        "unit": _g(st.sampled_from([_q(o.get("unit", unit))] * 12 + ["人", "'%'", "\"\""])),
    }
    if linked_to is not None:
        fields = {"metric": _g(st.sampled_from([linked_to] * 12 + ["no-such", "x"])), **fields}
    return fields


_REQUIRED_OBS = ("kind", "period", "source", "quote")


def _metric(draw, ctx: _Ctx) -> str:
    """A real metric of the example catalog (renamed sometimes), its fields and some of its
    observations, each field sometimes another value; maybe linked observations to it."""
    m = draw(st.sampled_from(_CATALOG["metrics"]))
    ctx.metrics.append(m)
    unit = m.get("unit", "")
    observations = draw(st.lists(st.sampled_from(m["observations"]), min_size=1, max_size=3))
    fields = {
        "id": _g(st.sampled_from([m["id"]] * 8 + ["fuzz-" + m["id"], "Bad_ID"])),
        "label": _g(st.just(_q(m["label"]))),
        "unit": _g(st.sampled_from([_q(unit)] * 12 + ["'%'", "\"\""])),
        "topic": _g(st.sampled_from([_q(m["topic"])] * 12 + TOPICS[:2])),
        "observations": lambda draw, ctx: "[" + ", ".join(
            _gmap(_observation_fields(o, unit), required=_REQUIRED_OBS)(draw, ctx)
            for o in observations) + "]",
        "periods": _g(st.sampled_from([m.get("periods") or "same", "same", "within",
                                       "different", "other"])),
        "status": _g(st.sampled_from([_q(m["status"]) if m.get("status") else "null",
                                      "已完成", "unknown"])),
        "status_reason": _g(st.sampled_from([_q(m["status_reason"]) if m.get("status_reason")
                                             else "null"])),
        "note": _g(TEXT),
    }
    required = ("id", "label", "unit", "topic", "observations")
    required += tuple(k for k in ("status", "status_reason", "periods") if m.get(k))
    return _gmap(fields, required=required)(draw, ctx)


def _linked(draw, ctx: _Ctx) -> str:
    m = draw(st.sampled_from(ctx.metrics or _CATALOG["metrics"]))
    o = draw(st.sampled_from(m["observations"]))
    return _gmap(_observation_fields(o, m.get("unit", ""), linked_to=m["id"]),
                 required=_REQUIRED_OBS + ("metric",))(draw, ctx)


CATALOG_FIELDS = {"metrics": _glist_of(_metric, 4), "observations": _glist_of(_linked, 3)}


@st.composite
def brief_text(draw, chain_limit: int = 20_000) -> str:
    return _document(draw, BRIEF_FIELDS, chain_limit=chain_limit, required=("title", "date"))


@st.composite
def project_text(draw, chain_limit: int = 20_000) -> str:
    return _document(draw, PROJECT_FIELDS, chain_limit=chain_limit,
                     required=("title", "topics", "defaults"))


@st.composite
def catalog_text(draw, chain_limit: int = 20_000) -> str:
    return _document(draw, CATALOG_FIELDS, chain_limit=chain_limit, required=("metrics",))


# ---------------------------------------------------------------- articles

NUMBER = st.one_of(
    st.integers(0, 10**9).map(str),
    _long_digits(),                                                       # up to 15,000 digits
    st.sampled_from(["1,234,567", "3.14159265358979323846264338327950288", "30.2万", "１２３",
                     "三千二百万", "两成", "七成以上", "一千亿亿亿", "百分之五十", "十", "零",
                     "1e999", "0x1F", "10-20万", "１２３４５６７８９０" * 50, "0.000000001",
                     "9" * 4400 + ".5", "一" * 300, "亿" * 200, "半", "过半", "数十"]),
)
UNIT = st.sampled_from(["个", "万人", "亿元", "%", "公里", "件", "场", "株", "人", "平方米", "元",
                       ""])
CUE = st.sampled_from(["新增", "力争", "完成", "计划", "累计", "今年", "去年", "明年", "同比增长",
                       "比上年增加", "年底前", "已", "建成", "开通", "超过年度目标", "达到", ""])


@st.composite
def _sentence(draw, runs: tuple[int, ...]) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(CUE) + draw(st.text(CJK, max_size=4)) + draw(NUMBER) + draw(UNIT))
    if _rare(draw, 10):          # many numbers in one sentence
        parts.append("、".join(f"{i}{draw(UNIT)}" for i in range(draw(st.sampled_from(runs)))))
    return "，".join(parts) + draw(st.sampled_from(["。", "；", "！", "", "\n"]))


def _article_line(runs: tuple[int, ...]) -> st.SearchStrategy:
    return st.one_of(
        st.lists(_sentence(runs), min_size=1, max_size=3).map(lambda s: "  " + "".join(s)),
        _ARTICLE_FURNITURE)


_ARTICLE_FURNITURE = st.one_of(
    st.sampled_from(["一、养老服务", "二、公共交通", "（一）就业",
                     "2024-01-15 08:00　来源：示例日报",
                     "  长江日报7月26日讯 市委十三届十一次全会召开。", "",
                     "您当前的位置：首页 > 资讯",
                     "（责编：张三）", "本报记者 李四", "2021年7月26日", "9" * 4400]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
)


@st.composite
def article_text(draw, runs: tuple[int, ...] = (20, 50)) -> str:
    """An article: a title, then lines of sentences full of numbers (``runs``: how many
    numbers the longest sentences hold) and page furniture."""
    title = draw(st.sampled_from(["示例市公布今年十件民生实事", "2024年政府工作报告", "工作回顾",
                                  "", "9" * 5000]))
    lines = draw(st.lists(_article_line(runs), min_size=1, max_size=12))
    return title + "\n\n" + "\n".join(lines) + "\n"


KINDS = ("brief", "project", "catalog", "article")


def strategy(kind: str, *, chain_limit: int = 20_000,
             runs: tuple[int, ...] = (20, 50)) -> st.SearchStrategy:
    """The texts of one kind of input."""
    if kind == "article":
        return article_text(runs)
    return {"brief": brief_text, "project": project_text,
            "catalog": catalog_text}[kind](chain_limit)


# ---------------------------------------------------------------- running the stages

@dataclass(frozen=True)
class Outcome:
    kind: str
    result: str            # "ok" | "error" | "crash"
    seconds: float
    detail: str            # the error message, or the crash's type, message and traceback


class Fuzz:
    """The stages each kind of input goes through, as the CLI runs them; built once."""

    def __init__(self, folder: Path):
        from briefbook.project import load_project
        from briefbook.render import Renderer
        from plugins.example import copy_project

        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.project = copy_project(self.folder / "project", briefs=False)
        self.project.briefs_dir.mkdir(exist_ok=True)
        self.renderer = Renderer(load_project(self.project.root))
        self.corpus = self.renderer.corpus
        self.topics = self.renderer.project.topics
        self.work = self.folder / "work"
        self.work.mkdir(exist_ok=True)
        (self.work / "style.css").write_text("h1 { color: #333 }\n", encoding="utf-8")
        self.count = 0

    def run(self, kind: str, text: str) -> Outcome:
        self.count += 1
        started = time.perf_counter()
        try:
            getattr(self, f"_{kind}")(text)
            result, detail = "ok", ""
        except BriefbookError as exc:
            message = str(exc)
            clear = message.strip() and "Traceback" not in message
            result, detail = ("error" if clear else "crash"), message
        except Exception as exc:  # noqa: BLE001 — that is what is being looked for
            result = "crash"
            detail = f"{type(exc).__name__}: {str(exc)[:300]}\n" + "".join(
                traceback.format_exception(exc)[-6:])
        return Outcome(kind, result, time.perf_counter() - started, detail)

    # Each stage, with what the CLI does with its result (printing included).

    def _brief(self, text: str) -> None:
        path = self.project.briefs_dir / "fuzz.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        self.renderer.check(path)

    def _project(self, text: str) -> None:
        from briefbook.brief.check import check_brief
        from briefbook.project import load_project

        folder = self.work / "project"
        folder.mkdir(exist_ok=True)
        (folder / "style.css").write_text("h1 { color: #333 }\n", encoding="utf-8")
        (folder / "briefbook.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
        project = load_project(folder)
        json.dumps([project.topics, [(e.id, str(e.date)) for e in project.events_by_id.values()],
                    project.brief_defaults()], ensure_ascii=False, default=str)
        brief = folder / "b.yaml"
        brief.write_text("title: 简报\ndate: 2021-08-01\n", encoding="utf-8")
        check_brief(brief, corpus_ids=set(), metric_ids=set(), defaults=project.brief_defaults())

    def _catalog(self, text: str) -> None:
        from briefbook.cli.commands_metrics import metric_json
        from briefbook.metrics.catalog import load_catalog
        from briefbook.metrics.status import month_label

        path = self.work / "metrics.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        full = load_catalog(self.corpus, [path], topics=self.topics)
        day = max(a.published for a in self.corpus.articles)
        for cat in (full, full.as_of(day)):
            json.dumps([metric_json(m) for m in cat.metrics], ensure_ascii=False)
            for m in cat.metrics:   # the table `briefbook metrics` prints
                (m.pledged.display if m.pledged else "", m.reported.display if m.reported else "",
                 f"{m.ratio:.2f}" if m.ratio is not None else "",
                 " → ".join(f"{month_label(s.day)} {s.status.value}" for s in m.history))

    def _article(self, text: str) -> None:
        from briefbook.cli import main
        from briefbook.corpus.ingest import ingest
        from briefbook.metrics.draft import draft
        from briefbook.metrics.draftfile import draft_yaml

        path = self.work / "article.txt"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        for as_json in (["--json"], []):             # `briefbook extract FILE`, both outputs
            code, err = _cli(main, ["extract", str(path), *as_json])
            if code not in (0, None):
                raise BriefbookError(err.strip() or f"exit {code}")
        report = ingest(path, corpus_dir=self.project.corpus_dir, article_id="fuzz-2021-07-26",
                        date="2021-07-26", outlet="测试", title="测试标题", dry_run=True)
        draft_yaml(draft(report.article, self.topics))   # `briefbook metrics draft`


def _cli(main, args: list[str]) -> tuple[int | None, str]:
    """Run the CLI in-process; a bug propagates (BRIEFBOOK_DEBUG) instead of exit 70."""
    out, err = io.StringIO(), io.StringIO()
    old = os.environ.get("BRIEFBOOK_DEBUG")
    os.environ["BRIEFBOOK_DEBUG"] = "1"
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
                code = 0
            except SystemExit as exc:
                code = exc.code
    finally:
        if old is None:
            os.environ.pop("BRIEFBOOK_DEBUG", None)
        else:
            os.environ["BRIEFBOOK_DEBUG"] = old
    return code, err.getvalue()
