"""capture_weasyprint_warnings: the render stage's guard against .notdef glyphs."""

from __future__ import annotations

import logging

import pytest

from briefbook.checks.render_log import capture_weasyprint_warnings
from briefbook.core.errors import BriefbookError

LOGGER = logging.getLogger("weasyprint")
NOTDEF = '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)'


def test_other_warnings_are_collected_not_raised():
    with capture_weasyprint_warnings() as log:
        LOGGER.warning("Ignored `foo: bar` at 1:1, unknown property.")
    assert log.messages == ["Ignored `foo: bar` at 1:1, unknown property."]
    assert log.notdef_codepoints == []


def test_notdef_raises_with_every_codepoint_once():
    with pytest.raises(BriefbookError) as info:
        with capture_weasyprint_warnings(where="briefs/x.yaml"):
            for ch in "\ue000\U0002a6d6\ue000":
                LOGGER.warning(NOTDEF, ch, ord(ch))
    text = str(info.value)
    assert text.startswith("briefs/x.yaml: 2 character(s)")
    assert "U+E000" in text and "U+2A6D6" in text and "hint:" in text


def test_block_errors_are_not_masked_and_logger_is_restored():
    before_handlers, before_level = list(LOGGER.handlers), LOGGER.level
    LOGGER.setLevel(logging.ERROR)
    try:
        with pytest.raises(KeyError):
            with capture_weasyprint_warnings():
                LOGGER.warning(NOTDEF, "\ue000", 0xE000)  # seen: level lowered for the block
                raise KeyError("boom")
        assert LOGGER.level == logging.ERROR
        assert LOGGER.handlers == before_handlers
    finally:
        LOGGER.setLevel(before_level)


def test_lowered_level_makes_warnings_visible():
    old = LOGGER.level
    LOGGER.setLevel(logging.CRITICAL)
    try:
        with capture_weasyprint_warnings(strict=False) as log:
            LOGGER.warning(NOTDEF, "\ue000", 0xE000)
        assert log.notdef_codepoints == [0xE000]
    finally:
        LOGGER.setLevel(old)
