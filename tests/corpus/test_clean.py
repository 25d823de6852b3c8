"""Each cleaning rule on real seed lines, including lines that must not change."""

from __future__ import annotations

import pytest
from plugins.raw_articles import raw_line

from briefbook.corpus import clean, header

CJRB, CJW, HBRB = "cjrb-2021-07-25.txt", "cjw-2020-12-22.txt", "hbrb-2020-06-29.txt"


# --- page debris ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "line", "rule"), [
    (CJRB, 1, "channel-toggle"), (CJRB, 5, "breadcrumb"), (CJRB, 8, "font-size"),
    (CJRB, 60, "editor"), (CJRB, 62, "hot-list"), (CJW, 5, "breadcrumb"), (CJW, 150, "editor"),
])
def test_debris_lines_of_the_seeds(name: str, line: int, rule: str) -> None:
    assert clean.debris_rule(clean.trim(raw_line(name, line))[0]) == rule


@pytest.mark.parametrize(("text", "rule"), [
    ("Copyright © 2001-2025 湖北荆楚网络科技股份有限公司 All Rights Reserved", "copyright"),
    ("营业执照 - 增值电信业务许可证 - 互联网出版机构 - 网络视听节目许可证 - 广播电视节目许可证",
     "licence"),
    ("关于我们 - 版权声明 - 合作咨询", "site-links"),
    ("版权为 荆楚网 www.cnhubei.com 所有 未经同意不得复制或镜像", "copyright"),
])
def test_footer_lines_of_hbrb_after_conversion(text: str, rule: str) -> None:
    assert clean.debris_rule(text) == rule


@pytest.mark.parametrize(("name", "line"), [
    (CJRB, 16), (CJRB, 25), (CJRB, 21), (CJW, 14), (CJW, 54), (CJW, 72), (CJRB, 59),
])
def test_text_lines_are_not_debris(name: str, line: int) -> None:
    assert clean.debris_rule(clean.trim(raw_line(name, line))[0]) is None


def test_body_sentences_mentioning_licences_or_copyright_are_not_debris() -> None:
    assert clean.debris_rule("改革创新商事登记注册制度、生产经营许可制度。") is None
    assert clean.debris_rule("加强版权保护，严厉打击侵犯版权所有人权益的行为。") is None


def test_page_header_is_found_and_kept_as_metadata() -> None:
    lines = [clean.trim(raw_line(CJRB, n))[0] for n in range(1, 12)]
    idx, page = header.find_page_header(lines)
    assert idx == {2, 6}  # 0-based: headline (line 3) and timestamp (line 7)
    assert page is not None and page.time == "2021-07-25 22:30"
    assert page.source == "长江日报-长江网"
    assert page.headline.startswith("“八大工程”主要任务已取得阶段性成果")


def test_no_page_header_in_hbrb() -> None:
    assert header.find_page_header([raw_line(HBRB, n) for n in range(1, 12)]) == (set(), None)


# --- captions and bylines ------------------------------------------------------------------

@pytest.mark.parametrize(("line", "credit"), [
    (11, "长江日报记者彭年"), (19, "通讯员解天"), (28, "长江日报记者胡冬冬 高勇 任勇 李子云"),
    (36, "长江日报记者周迪"), (45, "长江日报记者何晓刚"), (53, "长江日报记者刘斌"),
])
def test_photo_captions(line: int, credit: str) -> None:
    text, got = clean.parse_caption(clean.trim(raw_line(CJRB, line))[0])
    assert got == credit
    assert text.endswith("。") and "摄" not in text


@pytest.mark.parametrize("text", [
    clean.trim(raw_line(CJRB, 12))[0], clean.trim(raw_line(CJRB, 16))[0],
    "市民纷纷用手机拍摄", "记者在现场拍摄", "加快推进光谷科技创新大走廊核心承载区建设。",
])
def test_not_captions(text: str) -> None:
    assert clean.parse_caption(text) is None


def test_reporter_lines() -> None:
    credits = clean.parse_credit_line(clean.trim(raw_line(CJRB, 59))[0])
    assert [(c.role, c.name) for c in credits] == [("记者", "高萌")]
    credits = clean.parse_credit_line(clean.trim(raw_line(CJW, 148))[0])
    roles = {c.role for c in credits}
    assert roles == {"记者", "通讯员", "统筹"}
    assert credits[0].name == "马振华" and credits[-1].name == "倪宁"
    assert len([c for c in credits if c.role == "记者"]) == 11
    # a parenthesis in the body is not a byline
    assert clean.parse_credit_line("（完）") is None


def test_datelines() -> None:
    dl, credits, rest = clean.split_dateline(clean.trim(raw_line(CJRB, 12))[0])
    assert dl == "长江日报7月25日讯" and credits == () and rest.startswith("7月25日,市委")
    dl, credits, rest = clean.split_dateline("湖北日报讯(记者谢慧敏)从6月28日举行的")
    assert dl == "湖北日报讯" and credits[0].name == "谢慧敏" and rest == "从6月28日举行的"
    line = clean.trim(raw_line(CJRB, 13))[0]
    assert clean.split_dateline(line) == (None, (), line)
    line = clean.trim(raw_line(CJW, 10))[0]  # 12月18日,… has no dateline
    assert clean.split_dateline(line) == (None, (), line)


# --- punctuation ---------------------------------------------------------------------------

def test_punctuation_on_a_seed_line() -> None:
    out, n = clean.normalise_punctuation(clean.trim(raw_line(CJRB, 38))[0])
    assert out.startswith("具体做法包括：着力完善创新驱动发展体制机制，加快")
    assert n == 5 and "," not in out and ":" not in out


def test_brackets_in_chinese_become_full_width_as_a_pair() -> None:
    out, n = clean.normalise_punctuation(clean.trim(raw_line(CJRB, 45))[0])
    assert "陶久娣（左）带领" in out and n == 2
    out, _ = clean.normalise_punctuation(clean.trim(raw_line(CJW, 20))[0])
    assert "欠发达街道（乡镇）和" in out


def test_semicolon_question_exclamation() -> None:
    assert clean.normalise_punctuation("产业集群;尽快编制")[0] == "产业集群；尽快编制"
    assert clean.normalise_punctuation("怎么办?要创新!")[0] == "怎么办？要创新！"


def test_spaces_around_converted_marks_go() -> None:
    assert clean.normalise_punctuation("报告显示, 一年多来")[0] == "报告显示，一年多来"


@pytest.mark.parametrize("text", [
    "去年新增留汉大学生30.2万人", "2021-07-25 22:30", "Copyright © 2001-2025",
    "All Rights Reserved", "Hello, world: (a) test; ok? yes!", "www.cnhubei.com",
    "第30,000名", "“必答题”。",
])
def test_punctuation_leaves_alone(text: str) -> None:
    assert clean.normalise_punctuation(text) == (text, 0)


def test_spacing_after_cjk_marks_only() -> None:
    line = clean.trim(raw_line(CJRB, 20))[0]
    assert "遵循。” 报告" in line
    assert "遵循。”报告" in clean.tidy_spacing(line)[0]
    heading = clean.trim(raw_line(CJW, 72))[0]  # space used as a separator in a heading
    assert clean.tidy_spacing(heading) == (heading, 0)
    assert clean.tidy_spacing("128层QLC 三维闪存") == ("128层QLC 三维闪存", 0)


def test_trim_keeps_inner_text() -> None:
    assert clean.trim(raw_line(CJRB, 16)) == ("“八大工程”主要任务已取得阶段性成果", 1)
    assert clean.trim("一周热门") == ("一周热门", 0)


# --- hbrb: pinyin and script ---------------------------------------------------------------

def test_pinyin_annotations_are_removed() -> None:
    out, n = clean.strip_pinyin(raw_line(HBRB, 2))
    assert n == 13
    assert out == "這“五張網”分別是:城市應急處置網、公共衛生防護網、基層社會治理網、矛盾風險化解網、城市精細管理網。"


def test_pinyin_keeps_other_parentheses() -> None:
    line = raw_line(HBRB, 1)
    out, _ = clean.strip_pinyin(line)
    assert "(記者謝慧敏)" in out
    # a lost-character run has no opening bracket: it is a defect, not an annotation
    assert "?qǐng)?bào)" in out
    for text in ("陶久娣(左)带领", "新冠肺炎(COVID-19)", "Copyright (c) 2020", "步道(a)"):
        assert clean.strip_pinyin(text) == (text, 0)


def test_whole_hbrb_has_190_annotations() -> None:
    raw = "\n".join(raw_line(HBRB, n) for n in range(1, 12))
    assert clean.strip_pinyin(raw)[1] == 190


def test_to_simplified_and_the_zhuoli_fix() -> None:
    text, _ = clean.strip_pinyin(raw_line(HBRB, 1))
    simp, n = clean.to_simplified(text)
    assert n > 20 and "武汉市委十三届九次全体会议" in simp
    # OpenCC keeps 著力 (著 is also a simplified character); the reviewed fix makes it 着力
    assert "著力织牢织密" in simp
    fixed, k = clean.apply_fixes(simp, (("著力", "着力"),))
    assert k == 1 and "着力织牢织密" in fixed


def test_simplified_lines_are_unchanged_by_t2s() -> None:
    for n in (12, 30, 31, 41):
        line = raw_line(CJRB, n)
        assert clean.to_simplified(line) == (line, 0)


def test_detect_script() -> None:
    assert clean.detect_script(raw_line(HBRB, 3)) == "traditional"
    assert clean.detect_script(raw_line(CJRB, 41)) == "simplified"


# --- structure -----------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "post", "name"), [
    (14, "市扶贫办党组书记、主任", "吴大志"),
    (22, "市人力资源和社会保障局党组书记、局长", "孙志军"),
    (112, "市文化和旅游局党委书记、局长", "杨相卫"),
    (124, "市统计局党组书记、局长", "张劲"),
])
def test_speakers(line: int, post: str, name: str) -> None:
    assert clean.parse_speaker(clean.trim(raw_line(CJW, line))[0]) == (post, name)


def test_not_speakers() -> None:
    for n in (16, 18, 26):
        assert clean.parse_speaker(clean.trim(raw_line(CJW, n))[0]) is None


def test_headings() -> None:
    assert clean.is_heading("持续实施“学子留汉”工程，新改扩建80个公益普惠性幼儿园")
    assert clean.is_heading(clean.trim(raw_line(CJW, 72))[0])
    assert not clean.is_heading(clean.trim(raw_line(CJRB, 29))[0])  # a sentence
    assert not clean.is_heading(clean.trim(raw_line(CJW, 14))[0])  # speaker line ends with ':'


def test_topics() -> None:
    assert clean.topic_of("其中，在织密公共卫生防护网方面，针对") == "织密公共卫生防护网"
    assert clean.topic_of("在民生领域，武汉将") == "民生"
    assert clean.topic_of("全会还提出，坚决把党的领导") is None


@pytest.mark.parametrize(("line", "expected"), [
    ("图为枫林湖段新建的观景平台。（记者 宋嘉禾 摄）", ("图为枫林湖段新建的观景平台。", "记者 宋嘉禾")),
    ("7月24日，市民在江滨绿道骑行。(通讯员 王一 摄)", ("7月24日，市民在江滨绿道骑行。", "通讯员 王一")),
    ("（记者 宋嘉禾 摄）", None),             # a credit alone is no caption
    ("他在现场说明了情况（这是拍摄）", None),     # 拍摄 is not a credit
    ("会议决定（见附件）继续推进（记者 周一 摄）", ("会议决定（见附件）继续推进", "记者 周一")),
    ("全市新建学校（其中小学 12 所）", None),
])
def test_a_credit_in_brackets_closes_a_caption(line, expected):
    assert clean.parse_caption(line) == expected
